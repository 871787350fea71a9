#!/usr/bin/env bash
# Runs every test project (or only those named: deploy/local/test.sh tests/VulnPlatform.Intake.Tests)
# against the servers servers.sh started, one project at a time (the relay test takes the broker
# away; other projects must not be mid-test then), and prints one summary line.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Servers of the tests' own (server-set.sh: PostgreSQL 24432, RabbitMQ 24672, state in .run/servers-test):
# a platform started with `make up` keeps its servers, broker users and databases untouched.
export VP_SERVERS="${VP_SERVERS:-test}"
source "$ROOT/deploy/local/server-set.sh"
# Where the time went, printed at the end: one line per phase.
timings=()
took() { timings+=("$(printf '%5d s  %s' $((SECONDS - $2)) "$1")"); }
t0=$SECONDS
deploy/local/servers.sh up || exit 1
eval "$(deploy/local/servers.sh env)"

took "servers" $t0; t0=$SECONDS
dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly || exit 1
took "build" $t0; t0=$SECONDS

# The checkers the tests compare against (CSAF validator, CVE schemas, Kubernetes manifest tools).
source "$ROOT/deploy/local/test-tools.sh" || exit 1
took "checkers (CSAF, CVE, Kubernetes tools)" $t0

# The end-to-end tests talk to a whole platform over HTTPS: a second one, on ports, databases, a
# RabbitMQ virtual host and a state folder of its own, so a developer's `make up` is neither used
# nor disturbed. It runs for the end-to-end project only.
E2E=(VP_RUN_DIR="$ROOT/.run/e2e" VP_GATEWAY_HTTP_PORT=18080 VP_GATEWAY_HTTPS_PORT=18443 VP_INTAKE_PORT=15101 VP_IDENTITY_PORT=15106 VP_TRIAGE_PORT=15102 VP_NOTIFICATION_PORT=15103 VP_COORDINATION_PORT=15104 VP_DISCLOSURE_PORT=15105 VP_WEB_PORT=15107 VP_TRACE_UI_PORT=18889 VP_OTLP_PORT=14317 VP_MAIL_PORT=12525
     VP_DB_SUFFIX=_e2e VP_RABBIT_VHOST=e2e VP_SKIP_BUILD=1
     # Every journey comes from 127.0.0.1: one client to the gateway's per-address budget (the limiter has its own tests).
     Gateway__RateLimits__ReporterWritesPerMinute=600
     # The web client refreshes its session's tokens on every request (a token lives 10 minutes): every journey
     # exercises the one-refresh-at-a-time path that parallel requests at a token's expiry take.
     Web__RefreshBefore=00:10:00)
e2e_up() {
  env "${E2E[@]}" deploy/local/platform.sh down
  for db in vp_intake_e2e vp_identity_e2e vp_triage_e2e vp_notification_e2e vp_vendorcoordination_e2e vp_disclosure_e2e vp_web_e2e; do
    psql -q -h 127.0.0.1 -p "$VP_PG_PORT" -U postgres -c "drop database if exists $db with (force)" postgres
  done
  # New databases, so no old messages either: a virtual host of the last run's queues would feed them in.
  deploy/local/servers.sh rabbitmqctl -q delete_vhost e2e >/dev/null 2>&1 || true
  deploy/local/servers.sh rabbitmqctl -q add_vhost e2e >/dev/null
  deploy/local/servers.sh rabbitmqctl -q set_permissions -p e2e guest ".*" ".*" ".*" >/dev/null
  rm -rf "$ROOT/.run/e2e/mail"
  env "${E2E[@]}" deploy/local/platform.sh up
}
e2e_down() { env "${E2E[@]}" deploy/local/platform.sh down; }
trap e2e_down EXIT

# Each failed test's name and message, kept for the end: CI shows only the last lines of the output.
failed_tests() { awk '/^  Failed [^ ]/ { keep = 1 } /^  Stack Trace:/ { keep = 0 } keep { print }' "$1"; }

passed=0 failed=0 status=0
failures=$(mktemp)
projects=()
if [ $# -gt 0 ]; then
  for folder in "$@"; do projects+=("${folder%/}/$(basename "${folder%/}").csproj"); done
else
  projects=(tests/*.Tests/*.Tests.csproj)
fi

for project in "${projects[@]}"; do
  log=$(mktemp); t0=$SECONDS
  if [[ "$project" == *EndToEnd* ]]; then
    faults=1
    if ! e2e_up; then
      status=1; failed=$((failed + 1))
      echo "  the end-to-end platform did not start: no end-to-end test ran ($ROOT/.run/e2e/logs)" | tee -a "$failures"
      continue
    fi
    env VP_TEST_GATEWAY=https://localhost:18443 VP_TEST_GATEWAY_HTTP=http://localhost:18080 \
        VP_TEST_GATEWAY_CA="$ROOT/.run/e2e/certs/gateway.crt" VP_TEST_RABBITMQ_VHOST=e2e VP_TEST_BROKER_KEYS="$ROOT/.run/e2e/keys" VP_TEST_MAIL_DIR="$ROOT/.run/e2e/mail" VP_TEST_TRACE_VIEWER=http://127.0.0.1:18889 \
      dotnet test "$project" -c Release --no-build -nologo --filter "Category!=Chaos&Category!=BackupSeed&Category!=BackupVerify&Category!=FirstStart&Category!=Outage" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    e2e_down
  else
    # Each project gets a RabbitMQ virtual host of its own, made now and deleted afterwards: durable
    # queues one project's hosts leave behind (with messages for databases that are gone) never
    # reach another project or the next run.
    vhost="test-$(basename "$(dirname "$project")" | tr 'A-Z.' 'a-z-')-$$"
    deploy/local/servers.sh rabbitmqctl -q add_vhost "$vhost" >/dev/null
    deploy/local/servers.sh rabbitmqctl -q set_permissions -p "$vhost" guest ".*" ".*" ".*" >/dev/null
    env VP_TEST_RABBITMQ_VHOST="$vhost" dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    deploy/local/servers.sh rabbitmqctl -q delete_vhost "$vhost" >/dev/null || true
  fi
  [ "$rc" -eq 0 ] || status=1
  line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$log" | tail -n 1)
  if [ -z "$line" ]; then status=1; echo "  no test result from $project (rc $rc): $(tail -n 3 "$log" | tr '\n' ' ')" | tee -a "$failures"; fi
  failed_tests "$log" >>"$failures"
  took "$(basename "$project" .csproj)$([[ "$project" == *EndToEnd* ]] && echo " (with its platform)")" $t0
  passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"${line:-Passed: 0}")))
  failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"${line:-Failed: 0,}")))
  rm -f "$log"
done

# Last, as they crash the servers: the conservation test under faults, small (a platform of its own
# with two instances of everything), and backup and restore into fresh servers (servers of its own).
if [ -n "${faults:-}" ]; then
  log=$(mktemp); t0=$SECONDS
  # A fresh installation started in the worst order, without the broker topology step.
  if deploy/local/first-start.sh 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); status=1
    { echo "  the first-start test (deploy/local/first-start.sh):"; failed_tests "$log"; grep -F "[first-start]" "$log"; } >>"$failures"
  fi
  took "first start" $t0; t0=$SECONDS
  if deploy/local/chaos.sh "${VP_TEST_CHAOS_REPORTS:-300}" 10 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); status=1
    # The checker's table and the nemesis's faults say more than the assertion.
    { echo "  the chaos test (deploy/local/chaos.sh):"; sed -n '/^ *chaos: /,/^ *{:valid?/p' "$log"; failed_tests "$log"; grep -F "[chaos]" "$log"; } >>"$failures"
  fi
  took "chaos" $t0; t0=$SECONDS
  # Broker outages under the running platform (30 s each here; `make outage`: 4 minutes).
  if deploy/local/outage.sh "${VP_TEST_OUTAGE_AWAY:-30}" 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); status=1
    { echo "  the outage test (deploy/local/outage.sh):"; failed_tests "$log"; grep -F "[outage]" "$log"; } >>"$failures"
  fi
  took "outage" $t0; t0=$SECONDS
  if deploy/local/backup-test.sh 2>&1 | tee "$log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then passed=$((passed + 2)); else
    failed=$((failed + 1)); status=1
    { echo "  the backup test (deploy/local/backup-test.sh):"; failed_tests "$log"; grep -F "[backup" "$log" | tail -n 5; } >>"$failures"
  fi
  took "backup and restore" $t0
  rm -f "$log"
fi

echo "where the time went:"; printf '%s\n' "${timings[@]}"; echo "$(printf '%5d s' "$SECONDS")  in all"
if [ -s "$failures" ]; then echo "failed tests:"; cut -c1-400 "$failures" | tail -n 60; fi
rm -f "$failures"
echo "$passed passed, $failed failed"
exit $status
