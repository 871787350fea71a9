#!/usr/bin/env bash
# Broker outages on a running platform, no process killed (OutageTests): RabbitMQ stopped for
# AWAY seconds and started again, then RabbitMQ restarted refusing the services' logins for AWAY
# seconds. Every service must be healthy again within 2 minutes, every relay caught up, and every
# report submitted before, during and after each outage triaged and receipted exactly once.
#   deploy/local/outage.sh [AWAY]   (make outage: 240 s; the test command: 30 s)
# Servers of its own (VP_SERVERS=outage, new on every run) and ports, databases and a virtual host of its own.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
AWAY="${1:-240}"
RUN="$ROOT/.run/outage"
export VP_SERVERS=outage
source "$ROOT/deploy/local/server-set.sh"
VHOST=outage
export VP_RUN_DIR="$RUN" VP_GATEWAY_HTTP_PORT=13080 VP_GATEWAY_HTTPS_PORT=13443 VP_INTAKE_PORT=13101 VP_IDENTITY_PORT=13106 \
  VP_TRIAGE_PORT=13102 VP_NOTIFICATION_PORT=13103 VP_COORDINATION_PORT=13104 VP_DISCLOSURE_PORT=13105 VP_WEB_PORT=13107 \
  VP_TRACE_VIEWER=0 VP_MAIL_PORT=13525 VP_DB_SUFFIX=_outage VP_RABBIT_VHOST=$VHOST VP_SKIP_BUILD=1
# The services run with their defaults: a bus not back 45 s after the broker takes their login again
# (Messaging:BusRecoveryGrace), or down for 5 minutes (Messaging:BusDownLimit), ends its process, which
# the platform's supervisor starts again.
log() { echo "[outage] $*" >&2; }

deploy/local/platform.sh down
deploy/local/servers.sh down >/dev/null 2>&1
rm -rf "$VP_SERVERS_RUN_DIR" "$RUN/mail" "$RUN/logs"
trap 'deploy/local/platform.sh down >/dev/null 2>&1; deploy/local/servers.sh down >/dev/null 2>&1' EXIT
deploy/local/servers.sh up >/dev/null || { log "the outage servers did not start"; exit 1; }
eval "$(deploy/local/servers.sh env)"
deploy/local/servers.sh rabbitmqctl -q add_vhost "$VHOST" >/dev/null
deploy/local/servers.sh rabbitmqctl -q set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
deploy/local/platform.sh up || { log "the outage platform did not start"; exit 1; }

readiness=""
for port in $VP_IDENTITY_PORT $VP_INTAKE_PORT $VP_TRIAGE_PORT $VP_NOTIFICATION_PORT $VP_COORDINATION_PORT $VP_DISCLOSURE_PORT; do
  readiness+="http://127.0.0.1:$port/health/ready "
done
VP_TEST_ROOT="$ROOT" VP_TEST_OUTAGE_AWAY="$AWAY" VP_TEST_READINESS="$readiness" VP_TEST_GATEWAY="https://localhost:$VP_GATEWAY_HTTPS_PORT" \
VP_TEST_GATEWAY_HTTP="http://localhost:$VP_GATEWAY_HTTP_PORT" VP_TEST_GATEWAY_CA="$RUN/certs/gateway.crt" VP_TEST_RABBITMQ_VHOST=$VHOST \
VP_TEST_BROKER_KEYS="$RUN/keys" VP_TEST_MAIL_DIR="$RUN/mail" \
  dotnet test tests/VulnPlatform.EndToEnd.Tests/VulnPlatform.EndToEnd.Tests.csproj -c Release --no-build -nologo --filter "Category=Outage" \
    --logger "console;verbosity=detailed"
