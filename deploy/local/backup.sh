#!/usr/bin/env bash
# Backups of a platform on this host (`make backup`, `make restore`):
#
#   backup.sh create [DIR]    every service database at one consistent instant (a physical base
#                             backup of the PostgreSQL cluster: the instant is the same for all of
#                             them), the key ring encrypted with VP_BACKUP_PASSPHRASE, a manifest
#                             and SHA-256 checksums of every file. DIR: .run/backups/<UTC time>.
#   backup.sh verify DIR      the checksums, and PostgreSQL's own manifest (pg_verifybackup)
#   backup.sh restore DIR     into fresh servers: the platform and its servers stopped, the current
#                             cluster and keys kept aside, the backup put in their place, servers
#                             and platform started; then the relays publish again what they
#                             published in the last VP_RESTORE_REPLAY_MINUTES (10) before the
#                             backup, so messages that were still in the broker then (the broker is
#                             not backed up) reach their consumers, which ignore the ones they had.
#
# Settings: VP_RUN_DIR (whose servers, keys and platform; default .run), VP_PG_PORT, and for restore
# the ports of the platform to start (see platform.sh). The key ring is never written unencrypted
# beside the data: without VP_BACKUP_PASSPHRASE nothing is backed up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${VP_RUN_DIR:-$ROOT/.run}"
PG_PORT="${VP_PG_PORT:-55432}"
REPLAY_MINUTES="${VP_RESTORE_REPLAY_MINUTES:-10}"
log() { echo "[backup] $*" >&2; }
die() { log "$*"; exit 1; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
servers() { "$ROOT/deploy/local/servers.sh" "$@"; }
platform() { "$ROOT/deploy/local/platform.sh" "$@"; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
# The cluster's data directory: servers.sh keeps it in $RUN/postgres or where $RUN/postgres-dir says.
pg_data() { if [ -f "$RUN/postgres-dir" ]; then echo "$(cat "$RUN/postgres-dir")/data"; else echo "$RUN/postgres/data"; fi; }
passphrase() {
  [ -n "${VP_BACKUP_PASSPHRASE:-}" ] || die "VP_BACKUP_PASSPHRASE is not set: the key ring is only ever backed up encrypted (with that passphrase)."
  printf '%s' "$VP_BACKUP_PASSPHRASE"
}

create() {
  local dir="${1:-$RUN/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
  local keys="$RUN/keys"
  [ -d "$keys" ] || die "no key ring at $keys (start the platform once: make up)"
  passphrase >/dev/null
  [ ! -e "$dir" ] || die "$dir exists already"
  mkdir -p "$dir" && chmod 700 "$dir"
  local started=$SECONDS began; began=$(date -u +%Y-%m-%dT%H:%M:%SZ)

  log "base backup of PostgreSQL 127.0.0.1:$PG_PORT (every database, one instant)"
  local stage="$dir/postgres"
  "$(pg_bin)/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$stage" -Fp -X stream -c fast \
    --manifest-checksums=SHA256 --label="vulnplatform $began" -w
  "$(pg_bin)/pg_verifybackup" -q "$stage"
  local databases
  databases=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "select datname || ' ' || pg_database_size(datname) from pg_database where datname like 'vp\_%' order by 1" postgres)
  tar -C "$stage" -czf "$dir/postgres.tar.gz" .
  rm -rf "$stage"

  log "the key ring, encrypted (OpenPGP: AES-256, key from the passphrase by iterated and salted SHA-512)"
  tar -C "$keys" -cf - . | gpg --batch --yes --quiet --pinentry-mode loopback --passphrase-fd 3 \
    --symmetric --cipher-algo AES256 --s2k-digest-algo SHA512 --s2k-count 65011712 -o "$dir/keys.tar.gpg" 3< <(passphrase)

  local finished; finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    echo "{"
    echo "  \"format\": \"vulnplatform-backup/1\","
    echo "  \"startedAt\": \"$began\","
    echo "  \"finishedAt\": \"$finished\","
    echo "  \"postgres\": \"$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'show server_version' postgres)\","
    echo "  \"platformCommit\": \"$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)\","
    echo "  \"databases\": {"
    sed -E 's/^([^ ]+) ([0-9]+)$/    "\1": \2,/' <<<"$databases" | sed '$ s/,$//'
    echo "  },"
    echo "  \"files\": {"
    echo "    \"postgres.tar.gz\": { \"bytes\": $(stat -c %s "$dir/postgres.tar.gz"), \"sha256\": \"$(sha256sum "$dir/postgres.tar.gz" | cut -d' ' -f1)\" },"
    echo "    \"keys.tar.gpg\": { \"bytes\": $(stat -c %s "$dir/keys.tar.gpg"), \"sha256\": \"$(sha256sum "$dir/keys.tar.gpg" | cut -d' ' -f1)\" }"
    echo "  }"
    echo "}"
  } > "$dir/manifest.json"
  (cd "$dir" && sha256sum postgres.tar.gz keys.tar.gpg manifest.json > SHA256SUMS)
  log "done in $(( SECONDS - started )) s: $dir ($(du -sh "$dir" | cut -f1))"
  echo "$dir"
}

verify() {
  local dir="${1:?backup.sh verify DIR}"
  [ -f "$dir/SHA256SUMS" ] || die "$dir is not a backup (no SHA256SUMS)"
  (cd "$dir" && sha256sum --quiet -c SHA256SUMS) || die "checksums do not match: $dir is damaged"
  local check; check=$(mktemp -d)
  tar -C "$check" -xzf "$dir/postgres.tar.gz"
  "$(pg_bin)/pg_verifybackup" -q "$check" || { rm -rf "$check"; die "PostgreSQL's manifest does not match the files"; }
  rm -rf "$check"
  log "$dir: checksums and PostgreSQL's manifest verified"
}

restore() {
  local dir="${1:?backup.sh restore DIR}"
  local started=$SECONDS
  verify "$dir"
  passphrase >/dev/null
  local kept; kept="$RUN/before-restore-$(date -u +%Y%m%dT%H%M%SZ)"

  log "stopping the platform and its servers"
  platform down >/dev/null 2>&1 || true
  servers down >/dev/null 2>&1 || true
  mkdir -p "$kept"

  local data; data=$(pg_data)
  if [ -d "$data" ]; then mv "$data" "$kept/postgres-data"; log "the cluster that was there: $kept/postgres-data"; fi
  mkdir -p "$data"
  tar -C "$data" -xzf "$dir/postgres.tar.gz"
  rm -f "$data/backup_manifest"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$(dirname "$data")"
  chmod 700 "$data"

  if [ -d "$RUN/keys" ]; then mv "$RUN/keys" "$kept/keys"; fi
  mkdir -p "$RUN/keys" && chmod 700 "$RUN/keys"
  gpg --batch --quiet --pinentry-mode loopback --passphrase-fd 3 -d "$dir/keys.tar.gpg" 3< <(passphrase) | tar -C "$RUN/keys" -xf -

  # The broker starts empty: a fresh node (its old state kept aside).
  if [ -d "$RUN/rabbitmq/mnesia" ]; then mv "$RUN/rabbitmq/mnesia" "$kept/rabbitmq-mnesia"; fi

  log "starting the servers on the restored cluster (PostgreSQL recovers to the backup's instant)"
  servers up >/dev/null
  # First start: every service declares its queues and bindings on the fresh broker.
  VP_SKIP_BUILD=1 platform up >/dev/null
  platform down >/dev/null
  replay "$dir"
  VP_SKIP_BUILD=1 platform up >/dev/null
  log "restored $dir in $(( SECONDS - started )) s (what was there before: $kept)"
}

# Each service's relay goes back to the last event appended $REPLAY_MINUTES before the backup began.
replay() {
  local began; began=$(sed -n 's/.*"startedAt": "\(.*\)".*/\1/p' "$1/manifest.json")
  local suffix="${VP_DB_SUFFIX:-}"
  for service in identity intake triage notification vendorcoordination disclosure; do
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "vp_$service$suffix" -v ON_ERROR_STOP=1 <<SQL
with cut as (select coalesce(max(seq_id), 0) as s from mt_events where timestamp < timestamptz '$began' - interval '$REPLAY_MINUTES minutes')
update mt_event_progression set last_seq_id = least(last_seq_id, (select s from cut)) where name like 'integration-event-relay%';
do \$\$ begin
  if to_regclass('vp_relay_checkpoints') is not null then
    update vp_relay_checkpoints set sequence = least(sequence, (select coalesce(max(seq_id), 0) from mt_events
      where timestamp < timestamptz '$began' - interval '$REPLAY_MINUTES minutes'));
  end if;
end \$\$;
SQL
  done
  log "relays rewound to $REPLAY_MINUTES minutes before $began: they publish that stretch again (consumers drop what they had)"
}

case "${1:-}" in
  create) shift; create "$@" ;;
  verify) shift; verify "$@" ;;
  restore) shift; restore "$@" ;;
  *) echo "usage: $0 create [DIR] | verify DIR | restore DIR" >&2; exit 2 ;;
esac
