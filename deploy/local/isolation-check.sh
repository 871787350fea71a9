#!/usr/bin/env bash
# `make isolation-check`: a developer's platform (`make up`: the dev servers, gateway 8443) keeps
# working while the test command's platforms and the chaos check run beside it. A report before and
# one after: each must get its receipt from the developer's platform, its broker users must still log
# in and its databases must still be there. Small: the chaos check with 60 reports and one test project
# (VP_ISOLATION_PROJECT). Stops only what it started.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { echo "[isolation] $*" >&2; }
# The developer's servers and platform are the default set's (dev); the checks below choose their own.
dev() { env -u VP_SERVERS -u VP_SERVERS_DERIVED -u VP_PG_PORT -u VP_RABBIT_PORT -u VP_RABBIT_DIST_PORT -u VP_EPMD_PORT -u VP_SERVERS_RUN_DIR "$@"; }

started_platform=""
if ! curl -fsk https://localhost:8443/health/ready >/dev/null 2>&1; then
  dev deploy/local/servers.sh up >/dev/null || { log "the dev servers did not start"; exit 1; }
  dev env VP_SKIP_BUILD=1 deploy/local/platform.sh up >/dev/null || { log "the dev platform did not start"; exit 1; }
  started_platform=1
fi
stop() { [ -z "$started_platform" ] || dev deploy/local/platform.sh down >/dev/null 2>&1; }
trap stop EXIT

# Submits a report to the developer's platform and waits for its receipt in .run/mail: the tracking number, or nothing.
receipted() {
  local answer number
  answer=$(curl -fsk -X POST https://localhost:8443/api/reports -H 'Content-Type: application/json' -d "{
    \"title\": \"Isolation check $1\", \"description\": \"Stored XSS in the search page.\", \"kind\": \"vulnerability\",
    \"product\": {\"vendor\": \"Acme\", \"name\": \"Shop\", \"version\": \"1.0\"}, \"thirdParty\": false,
    \"stepsToReproduce\": \"Search for a script tag.\", \"impact\": \"Session theft.\",
    \"reporter\": {\"name\": \"Isolation Check\", \"email\": \"isolation.$1@example.org\", \"language\": \"en\"}}") || return 1
  number=$(sed -n 's/.*"trackingNumber":"\([^"]*\)".*/\1/p' <<<"$answer")
  [ -n "$number" ] || return 1
  for _ in $(seq 1 120); do
    grep -lq "$number" "$ROOT"/.run/mail/*.eml 2>/dev/null && { echo "$number"; return 0; }
    sleep 1
  done
  return 1
}

before=$(receipted before) || { log "the developer's platform sent no receipt before the checks"; exit 1; }
log "before: $before receipted"
deploy/local/test.sh "${VP_ISOLATION_PROJECT:-tests/VulnPlatform.Gateway.Tests}" >/dev/null 2>&1 || log "(the test project failed; its result is not this check's)"
deploy/local/chaos.sh 60 10 >/dev/null 2>&1 || log "(the chaos check failed; its result is not this check's)"
after=$(receipted after) || { log "FAILED: the developer's platform sent no receipt after the checks"; exit 1; }
ready=$(curl -sk -o /dev/null -w '%{http_code}' https://localhost:8443/health/ready)
denied=$(grep -c ACCESS_REFUSED "$ROOT"/.run/logs/*.log 2>/dev/null | awk -F: '{s+=$2} END {print s+0}')
log "after: $after receipted; gateway readiness $ready; broker logins refused in the dev logs: $denied"
[ "$ready" = 200 ] && [ "$denied" = 0 ]
