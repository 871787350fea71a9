#!/usr/bin/env bash
# `make bench`: servers and a platform of its own (ports 28080/28443, databases *_bench, RabbitMQ vhost bench,
# state in .run/bench, rate limits lifted so the load is not refused), the benchmark against it,
# then that platform stopped. A platform started with `make up` is left alone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# Servers of its own (server-set.sh: PostgreSQL 26432, RabbitMQ 26672), never those of `make up`.
export VP_SERVERS="${VP_SERVERS:-bench}"
source "$ROOT/deploy/local/server-set.sh"
deploy/local/servers.sh up
BENCH=(VP_RUN_DIR="$ROOT/.run/bench" VP_GATEWAY_HTTP_PORT=28080 VP_GATEWAY_HTTPS_PORT=28443 VP_INTAKE_PORT=25101 VP_IDENTITY_PORT=25106 VP_TRIAGE_PORT=25102 VP_NOTIFICATION_PORT=25103 VP_COORDINATION_PORT=25104 VP_DISCLOSURE_PORT=25105 VP_WEB_PORT=25107 VP_TRACE_VIEWER=0 VP_MAIL_PORT=22525
       VP_DB_SUFFIX=_bench VP_RABBIT_VHOST=bench
       Gateway__RateLimits__ReporterWritesPerMinute=1000000000 Gateway__RateLimits__ReporterReadsPerMinute=1000000000
       Gateway__RateLimits__SignInPerMinute=1000000000 Gateway__RateLimits__TokenPerMinute=1000000000)

env "${BENCH[@]}" deploy/local/platform.sh down
trap 'env "${BENCH[@]}" deploy/local/platform.sh down' EXIT
for db in vp_intake_bench vp_identity_bench vp_triage_bench vp_notification_bench vp_vendorcoordination_bench vp_disclosure_bench vp_web_bench; do
  psql -q -h 127.0.0.1 -p "$VP_PG_PORT" -U postgres -c "drop database if exists $db with (force)" postgres
done
# The databases are new, so the broker's messages must be too: a run that left a backlog would otherwise
# feed its reports (and their tracking numbers) to this run's consumers.
deploy/local/servers.sh rabbitmqctl -q delete_vhost bench >/dev/null 2>&1 || true
deploy/local/servers.sh rabbitmqctl -q add_vhost bench >/dev/null
deploy/local/servers.sh rabbitmqctl -q set_permissions -p bench guest ".*" ".*" ".*" >/dev/null
rm -rf "$ROOT/.run/bench/mail"
env "${BENCH[@]}" deploy/local/platform.sh up
env "${BENCH[@]}" dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- --gateway https://localhost:28443 "$@"
