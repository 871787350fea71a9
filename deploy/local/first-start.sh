#!/usr/bin/env bash
# The first start of a fresh installation in the worst order (FirstStartTests): no broker topology
# step, Identity and Intake alone at first; the test submits a report, then starts the rest with
# `platform.sh revive` and expects the case and the receipt. Runs on the test command's servers with
# ports, databases, a virtual host and a state folder of its own.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export VP_SERVERS="${VP_SERVERS:-test}"
source "$ROOT/deploy/local/server-set.sh"
RUN="$ROOT/.run/first-start"
VHOST=first-start
export VP_RUN_DIR="$RUN" VP_GATEWAY_HTTP_PORT=16080 VP_GATEWAY_HTTPS_PORT=16443 VP_INTAKE_PORT=16101 VP_IDENTITY_PORT=16106 \
  VP_TRIAGE_PORT=16102 VP_NOTIFICATION_PORT=16103 VP_COORDINATION_PORT=16104 VP_DISCLOSURE_PORT=16105 VP_WEB_PORT=16107 \
  VP_TRACE_VIEWER=0 VP_MAIL_PORT=16525 VP_DB_SUFFIX=_first VP_RABBIT_VHOST=$VHOST VP_SKIP_BUILD=1 VP_DEPLOY_TOPOLOGY=0
log() { echo "[first-start] $*" >&2; }

deploy/local/platform.sh down
deploy/local/servers.sh up >/dev/null || { log "the servers did not start"; exit 1; }
eval "$(deploy/local/servers.sh env)"
for db in vp_intake vp_identity vp_triage vp_notification vp_vendorcoordination vp_disclosure vp_web; do
  psql -q -h 127.0.0.1 -p "$VP_PG_PORT" -U postgres -c "drop database if exists ${db}_first with (force)" postgres
done
deploy/local/servers.sh rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
deploy/local/servers.sh rabbitmqctl -q add_vhost "$VHOST" >/dev/null
deploy/local/servers.sh rabbitmqctl -q set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
rm -rf "$RUN/mail" "$RUN/logs"
trap 'deploy/local/platform.sh down >/dev/null 2>&1' EXIT
VP_ONLY="identity intake" deploy/local/platform.sh up || { log "Identity and Intake did not start"; exit 1; }

VP_TEST_ROOT="$ROOT" VP_TEST_INTAKE="http://127.0.0.1:$VP_INTAKE_PORT" VP_TEST_GATEWAY="https://localhost:$VP_GATEWAY_HTTPS_PORT" \
VP_TEST_GATEWAY_HTTP="http://localhost:$VP_GATEWAY_HTTP_PORT" VP_TEST_GATEWAY_CA="$RUN/certs/gateway.crt" VP_TEST_RABBITMQ_VHOST=$VHOST \
VP_TEST_BROKER_KEYS="$RUN/keys" VP_TEST_MAIL_DIR="$RUN/mail" \
  dotnet test tests/VulnPlatform.EndToEnd.Tests/VulnPlatform.EndToEnd.Tests.csproj -c Release --no-build -nologo --filter "Category=FirstStart"
