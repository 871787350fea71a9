#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ for VulnPlatform on a host without Docker, from Debian packages.
# Everything lives under .run/ at the repository root; nothing else on the machine is touched.
#
#   servers.sh up            install if missing (as root), start both, create the databases, wait
#   servers.sh down          stop what up started
#   servers.sh status        say what runs
#   servers.sh env           print the connection settings as shell exports
#   servers.sh crash-postgres / crash-rabbitmq
#                            stop the server as a crash would (PostgreSQL: immediate shutdown;
#                            RabbitMQ: kill -9), then start it again (the chaos test's faults)
#   servers.sh broker-user VHOST SERVICE CONTRACTS PASSWORD
#                            a RabbitMQ user vp-SERVICE on VHOST that may create and write only the
#                            service's own names (SERVICE.*) and its contracts' exchanges
#                            (VulnPlatform.Contracts.CONTRACTS:*), and read what it consumes
#   servers.sh rabbitmqctl ARGS…  rabbitmqctl against the private node (list_queues -p e2e, …)
#   servers.sh broker-subscriber VHOST NAME PASSWORD
#                            a RabbitMQ user NAME for a system outside the platform: it may bind
#                            queues of its own (NAME.*) to the platform's event exchanges and read
#                            them; it can publish nothing and touch no service's queue
#   servers.sh broker-lock VHOST
#                            take the shared guest user's permissions on VHOST away
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/deploy/local/server-set.sh"
RUN="$VP_SERVERS_RUN_DIR"
PG_PORT="$VP_PG_PORT"
RABBIT_PORT="$VP_RABBIT_PORT"
RABBIT_DIST_PORT="$VP_RABBIT_DIST_PORT"
EPMD_PORT="$VP_EPMD_PORT"
RABBIT_NODE="${VP_RABBIT_NODE:-vp-$RABBIT_PORT@localhost}"
DATABASES=(vp_intake vp_triage vp_notification vp_vendorcoordination vp_disclosure vp_identity)

RMQ_DIR="$RUN/rabbitmq"
PG_DIR="$RUN/postgres"
# PostgreSQL runs as the postgres user, which must reach its data directory. When the checkout
# lives where that user cannot go (say under /root), the cluster lives in the postgres user's
# home instead, one directory per checkout, and .run/postgres-dir remembers where.
if [ -f "$RUN/postgres-dir" ]; then
  PG_DIR=$(cat "$RUN/postgres-dir")
elif [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 && ! su postgres -s /bin/sh -c "test -x '$(dirname "$RUN")'" 2>/dev/null; then
  PG_DIR="/var/lib/postgresql/vulnplatform-$(printf '%s' "$RUN" | md5sum | cut -c1-12)" # one per set of servers
fi
log() { echo "[servers] $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && echo "$dir"
}

install_missing() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v pgbench >/dev/null || missing+=(postgresql-contrib)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v oathtool >/dev/null || missing+=(oathtool)   # the tests check TOTP against an independent implementation
  command -v chromium >/dev/null || missing+=(chromium)   # the browser tests drive it (Playwright, offline)
  command -v npm >/dev/null || missing+=(nodejs npm)      # BSI's CSAF validator checks the advisories the tests generate
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the packages' own system services from starting.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

pg_up() {
  local bin; bin=$(pg_bin)
  mkdir -p "$RUN" "$PG_DIR"
  [ "$PG_DIR" = "$RUN/postgres" ] || echo "$PG_DIR" > "$RUN/postgres-dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR" && chmod 700 "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $PG_DIR/data"
    as_pg "'$bin/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$PG_DIR/initdb.log' 2>&1"
  fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "'$bin/pg_ctl' -D '$PG_DIR/data' -w -t 60 -l '$PG_DIR/postgres.log' -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB\" start >/dev/null"
  fi
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do sleep 0.2; done
  for db in "${DATABASES[@]}"; do
    if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
      psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "create database $db" postgres
    fi
  done
}

pg_down() {
  local bin; bin=$(pg_bin) || return 0
  [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  log "stopping PostgreSQL"
  as_pg "'$bin/pg_ctl' -D '$PG_DIR/data' -m fast -w stop >/dev/null" || true
}

rabbit_env() {
  export HOME="$RMQ_DIR/home"
  export RABBITMQ_NODENAME="$RABBIT_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$RABBIT_PORT"
  export RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
  export ERL_EPMD_PORT="$EPMD_PORT"
  export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
  export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
  export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
  export ERL_CRASH_DUMP="$RMQ_DIR/log/erl_crash.dump"
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

rabbit_ctl() { rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" "$@"; }

rabbit_running() { [ -f "$RMQ_DIR/rabbitmq.pid" ] && kill -0 "$(cat "$RMQ_DIR/rabbitmq.pid")" 2>/dev/null; }

rabbit_up() {
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  if [ ! -f "$RMQ_DIR/home/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RMQ_DIR/home/.erlang.cookie"
    chmod 400 "$RMQ_DIR/home/.erlang.cookie"
  fi
  cat > "$RMQ_DIR/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$RABBIT_PORT
loopback_users = none
log.console = false
log.file.level = warning
CONF
  echo "[]." > "$RMQ_DIR/advanced.config"
  echo "[]." > "$RMQ_DIR/enabled_plugins"
  : > "$RMQ_DIR/rabbitmq-env.conf"
  rabbit_env
  if [ ! -f "$RMQ_DIR/epmd.pid" ] || ! kill -0 "$(cat "$RMQ_DIR/epmd.pid")" 2>/dev/null; then
    epmd -port "$EPMD_PORT" -address 127.0.0.1 >/dev/null 2>&1 &
    echo $! > "$RMQ_DIR/epmd.pid"
  fi
  if ! rabbit_running; then
    log "starting RabbitMQ node $RABBIT_NODE on 127.0.0.1:$RABBIT_PORT"
    nohup /usr/lib/rabbitmq/bin/rabbitmq-server >"$RMQ_DIR/log/server.out" 2>&1 &
    # rabbitmq-server writes its PID file itself once the VM is up; wait reads it.
    for _ in $(seq 1 100); do [ -s "$RMQ_DIR/rabbitmq.pid" ] && break; sleep 0.1; done
  fi
  if ! /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" wait --timeout 90 "$RMQ_DIR/rabbitmq.pid" >/dev/null 2>&1; then
    log "RabbitMQ did not become ready; see $RMQ_DIR/log"
    tail -n 30 "$RMQ_DIR/log/server.out" >&2 || true
    exit 1
  fi
  # The node answers; wait until the AMQP listener accepts connections too.
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$RABBIT_PORT") 2>/dev/null && break
    sleep 0.1
  done
  # Tests and the benchmark get virtual hosts of their own, so a running `make up` never consumes their messages.
  local vhosts; vhosts=$(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" list_vhosts -q 2>/dev/null || true)
  for vhost in test e2e bench; do
    if ! grep -qx "$vhost" <<<"$vhosts"; then
      /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" add_vhost "$vhost" >/dev/null
      /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" set_permissions -p "$vhost" guest ".*" ".*" ".*" >/dev/null
    fi
  done
}

rabbit_down() {
  rabbit_running && { log "stopping RabbitMQ"; rabbit_ctl stop "$RMQ_DIR/rabbitmq.pid" >/dev/null 2>&1 || true; }
  rm -f "$RMQ_DIR/rabbitmq.pid"
}

epmd_down() {
  if [ -f "$RMQ_DIR/epmd.pid" ]; then
    kill "$(cat "$RMQ_DIR/epmd.pid")" 2>/dev/null || true
    rm -f "$RMQ_DIR/epmd.pid"
  fi
}

# Least privilege on the bus: a service can neither publish another service's events nor write into
# another service's queues (a forged staff message would reach a reporter's status view). Each
# service names everything it creates SERVICE.* (queues, the bus's own queue, its replay exchange),
# publishes only VulnPlatform.Contracts.CONTRACTS:*, binds to any contract exchange and to the other
# services' replay exchanges (operator catch-up, see ReplayTopology).
ensure_user() { # user password: created, or its password set
  rabbit_env
  local ctl=(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" -q)
  if "${ctl[@]}" list_users | awk '{print $1}' | grep -qx "$1"; then
    "${ctl[@]}" change_password "$1" "$2" >/dev/null
  else
    "${ctl[@]}" add_user "$1" "$2" >/dev/null
  fi
}

broker_user() { # vhost service contracts password
  local vhost=$1 service=$2 contracts=$3 password=$4 user="vp-$2"
  local own="${service//./\\.}\\..*"
  ensure_user "$user" "$password"
  local ctl=(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" -q)
  "${ctl[@]}" set_permissions -p "$vhost" "$user" \
    "^($own|[a-z]+\\.replay|VulnPlatform\\.Contracts\\..*)\$" \
    "^($own|VulnPlatform\\.Contracts\\.$contracts:.*)\$" \
    "^($own|[a-z]+\\.replay|VulnPlatform\\.Contracts\\..*)\$" >/dev/null
  # An event of the service's contracts published while no queue is bound goes to its park
  # (<service>.unroutable, which the service declares and readiness reports) instead of nowhere.
  "${ctl[@]}" set_policy -p "$vhost" --apply-to exchanges "vp-unroutable-$service" \
    "^VulnPlatform\\.Contracts\\.$contracts:" "{\"alternate-exchange\":\"$service.unroutable\"}" >/dev/null
}

broker_subscriber() { # vhost name password
  local vhost=$1 user=$2 password=$3
  local own="${user//./\\.}\\..*"
  ensure_user "$user" "$password"
  local ctl=(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" -q)
  "${ctl[@]}" set_permissions -p "$vhost" "$user" "^$own\$" "^$own\$" "^($own|VulnPlatform\\.Contracts\\..*)\$" >/dev/null
}

# The platform's queues are quorum queues now; a virtual host made before that still has classic
# ones, which RabbitMQ refuses to redeclare with another type. They are deleted here (with what they
# hold: a development host) so the services declare them anew; the count removed is printed.
broker_quorum() { # vhost
  rabbit_env
  local vhost=$1 ctl=(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" -q)
  "${ctl[@]}" list_queues -p "$vhost" name type messages exclusive --no-table-headers 2>/dev/null \
    | awk '$2 == "classic" && $4 == "false" && $1 ~ /^(identity|intake|triage|notification|vendorcoordination|disclosure)\./ && $1 !~ /\.bus-/' \
    | while read -r name _ messages _; do
        echo "[servers] classic queue $name ($messages messages) removed; it comes back as a quorum queue" >&2
        "${ctl[@]}" delete_queue -p "$vhost" "$name" >/dev/null </dev/null
      done
}

broker_lock() { # vhost
  rabbit_env
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" -q clear_permissions -p "$1" guest >/dev/null 2>&1 || true
}

print_env() {
  cat <<ENV
export VP_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
export VP_TEST_RABBITMQ_HOST=127.0.0.1
export VP_TEST_RABBITMQ_PORT=$RABBIT_PORT
export VP_TEST_RABBITMQ_VHOST=test
ENV
}

case "${1:-}" in
  up) install_missing; pg_up; rabbit_up; log "ready: PostgreSQL 127.0.0.1:$PG_PORT, RabbitMQ 127.0.0.1:$RABBIT_PORT" ;;
  down) rabbit_down; epmd_down; pg_down ;;
  status)
    "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$PG_PORT" || true
    rabbit_running && echo "RabbitMQ $RABBIT_NODE running" || echo "RabbitMQ not running" ;;
  env) print_env ;;
  broker-user) shift; broker_user "$@" ;;
  broker-subscriber) shift; broker_subscriber "$@" ;;
  broker-lock) shift; broker_lock "$@" ;;
  broker-quorum) shift; broker_quorum "$@" ;;
  rabbitmqctl) shift; rabbit_ctl "$@" ;;
  # The chaos test's faults: the server killed (SIGKILL, no shutdown) and started again.
  restart-rabbitmq) rabbit_down; rabbit_up ;;
  # The outage test's faults: the broker stopped (no kill) and started again.
  stop-rabbitmq) rabbit_down ;;
  start-rabbitmq) rabbit_up ;;
  crash-postgres)
    # Immediate shutdown: every backend killed at once, no checkpoint; the restart runs crash recovery.
    log "PostgreSQL: immediate shutdown (as a crash)"
    as_pg "'$(pg_bin)/pg_ctl' -D '$PG_DIR/data' -m immediate -w stop >/dev/null"
    pg_up ;;
  crash-rabbitmq)
    pid=$(cat "$RMQ_DIR/rabbitmq.pid"); log "kill -9 RabbitMQ ($pid)"; kill -9 "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$RMQ_DIR/rabbitmq.pid"; rabbit_up ;;
  *) echo "usage: $0 up|down|status|env|broker-user|broker-lock|crash-postgres|crash-rabbitmq" >&2; exit 2 ;;
esac
