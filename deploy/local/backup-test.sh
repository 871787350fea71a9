#!/usr/bin/env bash
# The backup test (tests/VulnPlatform.EndToEnd.Tests/BackupRestoreTests.cs): servers and a platform
# of their own (PostgreSQL 19432, RabbitMQ 19672, gateway 19443; state in .run/backup-test/source),
# a report with an attachment, its case and a published advisory; `backup.sh create`; the source
# servers stopped; `backup.sh restore` into fresh servers (PostgreSQL 19532, RabbitMQ 19772, state in
# .run/backup-test/restored); then everything checked on the restored platform. Prints the times.
# With VP_BACKUP_BENCH_REPORTS=N (make bench-backup) the source holds N seeded reports and N triage
# cases instead, and only the times are measured.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BASE="$ROOT/.run/backup-test"
PLATFORM=(VP_GATEWAY_HTTP_PORT=19080 VP_GATEWAY_HTTPS_PORT=19443 VP_INTAKE_PORT=19101 VP_IDENTITY_PORT=19106 VP_TRIAGE_PORT=19102
          VP_NOTIFICATION_PORT=19103 VP_COORDINATION_PORT=19104 VP_DISCLOSURE_PORT=19105 VP_WEB_PORT=19107 VP_MAIL_PORT=19525
          VP_TRACE_VIEWER=0 VP_SKIP_BUILD=1 Gateway__RateLimits__ReporterWritesPerMinute=600)
SOURCE=(VP_RUN_DIR="$BASE/source" VP_SERVERS_RUN_DIR="$BASE/source" VP_PG_PORT=19432 VP_RABBIT_PORT=19672 VP_RABBIT_DIST_PORT=19673 VP_EPMD_PORT=19674 "${PLATFORM[@]}")
RESTORED=(VP_RUN_DIR="$BASE/restored" VP_SERVERS_RUN_DIR="$BASE/restored" VP_PG_PORT=19532 VP_RABBIT_PORT=19772 VP_RABBIT_DIST_PORT=19773 VP_EPMD_PORT=19774 "${PLATFORM[@]}")
log() { echo "[backup-test] $*" >&2; }
stop_all() {
  for side in SOURCE RESTORED; do
    local -n settings=$side
    env "${settings[@]}" deploy/local/platform.sh down >/dev/null 2>&1
    env "${settings[@]}" deploy/local/servers.sh down >/dev/null 2>&1
  done
}
tests() { # category gateway-dir
  env VP_TEST_GATEWAY=https://localhost:19443 VP_TEST_GATEWAY_HTTP=http://localhost:19080 VP_TEST_GATEWAY_CA="$2/certs/gateway.crt" \
      VP_TEST_BROKER_KEYS="$2/keys" VP_TEST_MAIL_DIR="$2/mail" VP_TEST_BACKUP_FACTS="$BASE/facts.json" \
    dotnet test tests/VulnPlatform.EndToEnd.Tests -c Release --no-build -nologo --filter "Category=$1"
}

stop_all
rm -rf "$BASE"
mkdir -p "$BASE"
trap stop_all EXIT
export VP_BACKUP_PASSPHRASE; VP_BACKUP_PASSPHRASE=$(head -c 24 /dev/urandom | base64)

env "${SOURCE[@]}" deploy/local/servers.sh up >/dev/null || { log "the source servers did not start"; exit 1; }
if [ -n "${VP_BACKUP_BENCH_REPORTS:-}" ]; then
  dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- \
    --seed-reports "$VP_BACKUP_BENCH_REPORTS" --postgres "Host=127.0.0.1;Port=19432;Username=postgres;Database=postgres" || exit 1
fi
env "${SOURCE[@]}" deploy/local/platform.sh up >/dev/null || { log "the source platform did not start"; exit 1; }
[ -n "${VP_BACKUP_BENCH_REPORTS:-}" ] || tests BackupSeed "$BASE/source" || exit 1

started=$SECONDS
env "${SOURCE[@]}" deploy/local/backup.sh create "$BASE/backup" >/dev/null || { log "backup failed"; exit 1; }
backup_seconds=$(( SECONDS - started ))
# The source is gone: its platform and servers stopped; the restore gets servers of its own.
env "${SOURCE[@]}" deploy/local/platform.sh down >/dev/null 2>&1
env "${SOURCE[@]}" deploy/local/servers.sh down >/dev/null 2>&1

started=$SECONDS
env "${RESTORED[@]}" deploy/local/backup.sh restore "$BASE/backup" || { log "restore failed"; exit 1; }
restore_seconds=$(( SECONDS - started ))
rc=0
[ -n "${VP_BACKUP_BENCH_REPORTS:-}" ] || { tests BackupVerify "$BASE/restored"; rc=$?; }
echo "backup: ${backup_seconds} s ($(du -sh "$BASE/backup" | cut -f1), cluster $(sed -n 's/.*"vp_intake": \([0-9]*\).*/\1/p' "$BASE/backup/manifest.json" | awk '{printf "%.0f MiB intake", $1/1048576}')); restore into fresh servers, platform started twice: ${restore_seconds} s${VP_BACKUP_BENCH_REPORTS:+ (${VP_BACKUP_BENCH_REPORTS} reports)}"
exit $rc
