#!/usr/bin/env bash
# The conservation test under faults (tests/VulnPlatform.EndToEnd.Tests/ChaosTests.cs): servers and a
# platform of its own (new PostgreSQL 27432 and RabbitMQ 27672 each run, server-set.sh's "chaos"; two
# instances of every service on ports 17080/17443 and 171xx; state in .run/chaos), a nemesis that kills
# (kill -9) a random service instance every few seconds and revives it, crashes RabbitMQ once and
# PostgreSQL once while the load runs — its own servers, never those of `make up` or of the other
# tests —, then the checker's summary. `make chaos` runs 2,000 reports (VP_CHAOS_REPORTS, at
# VP_CHAOS_RATE per second); `make test` a few hundred.
#   deploy/local/chaos.sh [reports] [rate]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
REPORTS="${1:-${VP_CHAOS_REPORTS:-2000}}"
RATE="${2:-${VP_CHAOS_RATE:-10}}"
KILL_EVERY="${VP_CHAOS_KILL_EVERY:-3}"     # seconds between two kills
RUN="$ROOT/.run/chaos"
# Servers of its own, new for each run (a broker once killed with SIGKILL can come back unable to
# start new quorum queues; nothing of an earlier run reaches this one).
export VP_SERVERS=chaos
source "$ROOT/deploy/local/server-set.sh"
VHOST=chaos
CHAOS=(VP_RUN_DIR="$RUN" VP_REPLICAS=2 VP_GATEWAY_HTTP_PORT=17080 VP_GATEWAY_HTTPS_PORT=17443 VP_INTAKE_PORT=17101 VP_IDENTITY_PORT=17106
       VP_TRIAGE_PORT=17102 VP_NOTIFICATION_PORT=17103 VP_COORDINATION_PORT=17104 VP_DISCLOSURE_PORT=17105 VP_WEB_PORT=17107
       VP_TRACE_VIEWER=0 VP_MAIL_PORT=17525 VP_DB_SUFFIX=_chaos VP_RABBIT_VHOST=$VHOST VP_SKIP_BUILD=1
       # All the load comes from 127.0.0.1: one client to the gateway's per-address limits.
       Gateway__RateLimits__ReporterWritesPerMinute=1000000000 Gateway__RateLimits__ReporterReadsPerMinute=1000000000
       Gateway__RateLimits__SignInPerMinute=1000000000 Gateway__RateLimits__TokenPerMinute=1000000000)
log() { echo "[chaos] $*" >&2; }
platform() { env "${CHAOS[@]}" deploy/local/platform.sh "$@"; }

platform down
deploy/local/servers.sh down >/dev/null 2>&1
rm -rf "$VP_SERVERS_RUN_DIR"
trap 'platform down >/dev/null 2>&1; deploy/local/servers.sh down >/dev/null 2>&1' EXIT
deploy/local/servers.sh up >/dev/null || { log "the chaos servers did not start"; exit 1; }
eval "$(deploy/local/servers.sh env)"
for db in vp_intake_chaos vp_identity_chaos vp_triage_chaos vp_notification_chaos vp_vendorcoordination_chaos vp_disclosure_chaos vp_web_chaos; do
  psql -q -h 127.0.0.1 -p "$VP_PG_PORT" -U postgres -c "drop database if exists $db with (force)" postgres
done
deploy/local/servers.sh rabbitmqctl -q add_vhost "$VHOST" >/dev/null
deploy/local/servers.sh rabbitmqctl -q set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
rm -rf "$RUN/mail" "$RUN/load.started" "$RUN/load.done" "$RUN/nemesis.done" "$RUN/nemesis.log"
platform up || { log "the chaos platform did not start"; exit 1; }

# The nemesis: from the first report until the checker says the load is done. Two hands: one kills a
# random service instance every few seconds and revives what died; the other crashes RabbitMQ at a
# third of the load and PostgreSQL at two thirds (one after the other, never both down at once).
nemesis() {
  # From the first report on (the analyst signs in before that, with everything up).
  for _ in $(seq 1 600); do [ -f "$RUN/load.started" ] || [ -f "$RUN/load.done" ] && break; sleep 0.2; done
  local start=$SECONDS duration=$(( REPORTS / RATE ))
  # A server's crash, logged with the second it began and how long the server took to come back.
  crash() { # server what
    local began=$(( SECONDS - start ))
    if deploy/local/servers.sh "crash-$1" >/dev/null 2>&1; then
      echo "$began s: $2 and restarted ($(( SECONDS - start - began )) s)" >> "$RUN/nemesis.log"
    else
      echo "$began s: $2; the restart failed" >> "$RUN/nemesis.log"
    fi
  }
  (
    sleep $(( duration / 3 )); crash rabbitmq "RabbitMQ crashed (SIGKILL)"
    local wait=$(( start + 2 * duration / 3 - SECONDS )); [ "$wait" -gt 0 ] && sleep "$wait"
    crash postgres "PostgreSQL crashed (immediate shutdown)"
  ) &
  local servers=$!
  while [ ! -f "$RUN/load.done" ]; do
    sleep "$KILL_EVERY"
    [ -f "$RUN/load.done" ] && break
    local victim
    victim=$(ls "$RUN/pids" | grep -E '^(identity|intake|triage|notification|vendorcoordination|disclosure)(-[0-9]+)?\.pid$' | shuf -n 1)
    if [ -n "$victim" ] && kill -9 "$(cat "$RUN/pids/$victim")" 2>/dev/null; then
      echo "$(( SECONDS - start )) s: kill -9 ${victim%.pid}" >> "$RUN/nemesis.log"
    fi
    sleep 1
    env VP_NO_WAIT=1 "${CHAOS[@]}" deploy/local/platform.sh revive >/dev/null 2>&1
  done
  # A load shorter than the crashes' schedule still gets both, after it.
  wait "$servers"
  platform revive >/dev/null 2>&1 || log "the platform did not come back after the faults"
  cp "$RUN/nemesis.log" "$RUN/nemesis.done.tmp" 2>/dev/null || : > "$RUN/nemesis.done.tmp"
  mv "$RUN/nemesis.done.tmp" "$RUN/nemesis.done"
}

mkdir -p "$RUN"
nemesis &
NEMESIS=$!
env VP_TEST_GATEWAY=https://localhost:17443 VP_TEST_GATEWAY_HTTP=http://localhost:17080 VP_TEST_GATEWAY_CA="$RUN/certs/gateway.crt" \
    VP_TEST_RABBITMQ_VHOST="$VHOST" VP_TEST_BROKER_KEYS="$RUN/keys" VP_TEST_MAIL_DIR="$RUN/mail" VP_TEST_CHAOS_DB_SUFFIX=_chaos \
    VP_TEST_CHAOS_REPORTS="$REPORTS" VP_TEST_CHAOS_RATE="$RATE" VP_TEST_CHAOS_LOAD_STARTED="$RUN/load.started" VP_TEST_CHAOS_LOAD_DONE="$RUN/load.done" VP_TEST_CHAOS_NEMESIS_DONE="$RUN/nemesis.done" \
  timeout 900 dotnet test tests/VulnPlatform.EndToEnd.Tests -c Release --no-build -nologo --filter "Category=Chaos" --logger "console;verbosity=detailed"
rc=$?
touch "$RUN/load.done"
wait "$NEMESIS" 2>/dev/null
exit $rc
