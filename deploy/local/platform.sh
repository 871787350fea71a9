#!/usr/bin/env bash
# Starts (and stops) the platform's processes on this host, after servers.sh started PostgreSQL and
# RabbitMQ. PIDs, logs and the gateway's development certificate live under .run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${VP_RUN_DIR:-$ROOT/.run}"
CONFIGURATION="${VP_CONFIGURATION:-Release}"
source "$ROOT/deploy/local/server-set.sh"
PG_PORT="$VP_PG_PORT"
RABBIT_PORT="$VP_RABBIT_PORT"
HTTP_PORT="${VP_GATEWAY_HTTP_PORT:-8080}"
HTTPS_PORT="${VP_GATEWAY_HTTPS_PORT:-8443}"
INTAKE_PORT="${VP_INTAKE_PORT:-5101}"
IDENTITY_PORT="${VP_IDENTITY_PORT:-5106}"
TRIAGE_PORT="${VP_TRIAGE_PORT:-5102}"
NOTIFICATION_PORT="${VP_NOTIFICATION_PORT:-5103}"
COORDINATION_PORT="${VP_COORDINATION_PORT:-5104}"
DISCLOSURE_PORT="${VP_DISCLOSURE_PORT:-5105}"
WEB_PORT="${VP_WEB_PORT:-5107}"
TRACE_UI_PORT="${VP_TRACE_UI_PORT:-18888}"  # the local trace viewer (Aspire Dashboard): its pages and JSON API
OTLP_PORT="${VP_OTLP_PORT:-4317}"          # where every process sends its traces (OTLP over gRPC)
MAIL_PORT="${VP_MAIL_PORT:-2525}"        # the development mail sink (every message kept as .eml under $RUN/mail)
DB_SUFFIX="${VP_DB_SUFFIX:-}"          # a second platform (the end-to-end tests) uses databases of its own
REPLICAS="${VP_REPLICAS:-1}"           # instances of each service and of the web client (the gateway balances them)
REPLICA_PORT_STEP=20                   # instance i listens on its service's port + (i-1) x this
CERT_DIR="$RUN/certs"
KEY_DIR="$RUN/keys"
log() { echo "[platform] $*" >&2; }

VHOST="${VP_RABBIT_VHOST:-/}"
# The servers of the set this platform uses (server-set.sh: VP_SERVERS, or VP_SERVERS_RUN_DIR and ports).
servers() { "$ROOT/deploy/local/servers.sh" "$@"; }

# name | project folder | assembly | database | url | contracts namespace (VulnPlatform.Contracts.X)
SERVICES=(
  "identity|services/Identity|VulnPlatform.Identity|vp_identity|http://127.0.0.1:$IDENTITY_PORT|Identity"
  "intake|services/Intake|VulnPlatform.Intake|vp_intake|http://127.0.0.1:$INTAKE_PORT|Intake"
  "triage|services/Triage|VulnPlatform.Triage|vp_triage|http://127.0.0.1:$TRIAGE_PORT|Triage"
  "notification|services/Notification|VulnPlatform.Notification|vp_notification|http://127.0.0.1:$NOTIFICATION_PORT|Notification"
  "vendorcoordination|services/VendorCoordination|VulnPlatform.VendorCoordination|vp_vendorcoordination|http://127.0.0.1:$COORDINATION_PORT|VendorCoordination"
  "disclosure|services/Disclosure|VulnPlatform.Disclosure|vp_disclosure|http://127.0.0.1:$DISCLOSURE_PORT|Disclosure"
)
DEV_ADMIN_EMAIL="admin@vulnplatform.local"

# Settings only one service gets (its secrets stay out of the others' environment).
service_env() { # name
  case "$1" in
    identity)
      echo "Identity__SigningKeys__0__Id=local-1"
      echo "Identity__SigningKeys__0__Path=$KEY_DIR/identity-signing-1.pem"
      echo "Identity__EncryptionKey=$(cat "$KEY_DIR/identity-encryption-key")"
      echo "Identity__Clients__vulnplatform-web__Secret=$(cat "$KEY_DIR/web-client")"
      echo "Identity__Clients__notification__Secret=$(cat "$KEY_DIR/notification-client")"
      echo "Identity__Clients__coordination__Secret=$(cat "$KEY_DIR/coordination-client")"
      echo "Identity__Clients__disclosure__Secret=$(cat "$KEY_DIR/disclosure-client")"
      echo "Identity__Clients__vulnplatform-web__RedirectUris__0=https://localhost:$HTTPS_PORT/signin-oidc"
      echo "Identity__Clients__vulnplatform-web__PostLogoutRedirectUris__0=https://localhost:$HTTPS_PORT/signout-callback-oidc"
      echo "Identity__FirstAdmin__Email=$DEV_ADMIN_EMAIL"
      echo "Identity__FirstAdmin__Password=$(cat "$KEY_DIR/dev-admin-password")"
      echo "Identity__FirstAdmin__TotpSecret=$(cat "$KEY_DIR/dev-admin-totp")"
      ;;
    notification)
      echo "Notification__Client__Secret=$(cat "$KEY_DIR/notification-client")"
      echo "Notification__Client__TokenEndpoint=http://127.0.0.1:$IDENTITY_PORT/connect/token"
      echo "Notification__Client__IntakeAddress=http://127.0.0.1:$INTAKE_PORT/"
      echo "Notification__Client__IdentityAddress=http://127.0.0.1:$IDENTITY_PORT/"
      echo "Notification__Client__CoordinationAddress=http://127.0.0.1:$COORDINATION_PORT/"
      echo "Notification__Client__DisclosureAddress=http://127.0.0.1:$DISCLOSURE_PORT/"
      echo "Notification__Smtp__Host=127.0.0.1"
      echo "Notification__Smtp__Port=$MAIL_PORT"
      echo "Notification__Smtp__Security=None"
      # Development: webhooks may go to http:// on this machine (tools listening on loopback).
      echo "Notification__Webhooks__AllowLoopback=true"
      ;;
    disclosure)
      echo "Disclosure__Publisher__Namespace=https://localhost:$HTTPS_PORT"
      echo "Disclosure__Client__Secret=$(cat "$KEY_DIR/disclosure-client")"
      echo "Disclosure__Client__TokenEndpoint=http://127.0.0.1:$IDENTITY_PORT/connect/token"
      echo "Disclosure__Client__IntakeAddress=http://127.0.0.1:$INTAKE_PORT/"
      ;;
    vendorcoordination)
      echo "Coordination__Client__Secret=$(cat "$KEY_DIR/coordination-client")"
      echo "Coordination__Client__TokenEndpoint=http://127.0.0.1:$IDENTITY_PORT/connect/token"
      echo "Coordination__Client__IntakeAddress=http://127.0.0.1:$INTAKE_PORT/"
      ;;
  esac
}

certificate() {
  mkdir -p "$CERT_DIR"
  if [ -n "${VP_GATEWAY_CERT:-}" ]; then return 0; fi
  if [ ! -f "$CERT_DIR/gateway.crt" ]; then
    log "creating a self-signed development certificate in $CERT_DIR"
    openssl req -x509 -newkey rsa:2048 -sha256 -days 365 -nodes \
      -keyout "$CERT_DIR/gateway.key" -out "$CERT_DIR/gateway.crt" -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" >/dev/null 2>&1
    chmod 600 "$CERT_DIR/gateway.key"
  fi
}

# Development secrets, made once and never committed: the data key that encrypts attachments and
# reporter contacts at rest, and the secret Notification presents to Intake's internal endpoint.
keys() {
  mkdir -p "$KEY_DIR" && chmod 700 "$KEY_DIR"
  [ -f "$KEY_DIR/data-key-local-1" ] || (umask 077; head -c 32 /dev/urandom | base64 > "$KEY_DIR/data-key-local-1")
  [ -f "$KEY_DIR/notification-client" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_DIR/notification-client")
  [ -f "$KEY_DIR/coordination-client" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_DIR/coordination-client")
  [ -f "$KEY_DIR/disclosure-client" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_DIR/disclosure-client")
  [ -f "$KEY_DIR/operator-client" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_DIR/operator-client")
  [ -f "$KEY_DIR/identity-signing-1.pem" ] || (umask 077; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEY_DIR/identity-signing-1.pem" 2>/dev/null)
  [ -f "$KEY_DIR/identity-encryption-key" ] || (umask 077; head -c 32 /dev/urandom | base64 > "$KEY_DIR/identity-encryption-key")
  [ -f "$KEY_DIR/web-client" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$KEY_DIR/web-client")
  [ -f "$KEY_DIR/dev-admin-password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$KEY_DIR/dev-admin-password")
  [ -f "$KEY_DIR/dev-admin-totp" ] || (umask 077; head -c 20 /dev/urandom | base32 | tr -d '\n=' > "$KEY_DIR/dev-admin-totp")
  if [ ! -f "$RUN/dev-admin.txt" ]; then
    (umask 077; cat > "$RUN/dev-admin.txt" <<ADMIN
The development admin of this platform (created by Identity when no admin exists):
  e-mail:      $DEV_ADMIN_EMAIL
  password:    $(cat "$KEY_DIR/dev-admin-password")
  TOTP secret: $(cat "$KEY_DIR/dev-admin-totp")
  otpauth URI: otpauth://totp/VulnPlatform:$DEV_ADMIN_EMAIL?secret=$(cat "$KEY_DIR/dev-admin-totp")&issuer=VulnPlatform
Add the secret to an authenticator app, or print a code with: oathtool --totp -b $(cat "$KEY_DIR/dev-admin-totp")
Sign in at https://localhost:$HTTPS_PORT/account
ADMIN
    )
  fi
  for name in $(service_names); do
    [ -f "$KEY_DIR/broker-$name" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > "$KEY_DIR/broker-$name")
  done
}

# Each service talks to RabbitMQ as a user of its own, limited to its own names and contracts; the
# shared guest login keeps no rights on the platform's virtual host (test virtual hosts keep it for
# the tests' observers).
broker_users() {
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name _ _ _ _ contracts <<<"$entry"
    servers broker-user "$VHOST" "$name" "$contracts" "$(cat "$KEY_DIR/broker-$name")"
  done
  # Systems outside the platform that subscribe to its events (VP_BROKER_SUBSCRIBERS, names).
  for subscriber in ${VP_BROKER_SUBSCRIBERS:-subscriber}; do
    [ -f "$KEY_DIR/broker-subscriber-$subscriber" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > "$KEY_DIR/broker-subscriber-$subscriber")
    servers broker-subscriber "$VHOST" "$subscriber" "$(cat "$KEY_DIR/broker-subscriber-$subscriber")"
  done
  [ "$VHOST" != "/" ] || servers broker-lock "$VHOST"
  servers broker-quorum "$VHOST"
}

ensure_database() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname = '$1'" postgres | grep -q 1 \
    || psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "create database $1" postgres
}

start() { # name dll env... [-- args...]
  local name=$1 dll=$2; shift 2
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && { shift; args=("$@"); }
  local pidfile="$RUN/pids/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "$name already runs (pid $(cat "$pidfile"))"; return 0
  fi
  mkdir -p "$RUN/pids" "$RUN/logs"
  # A dozen .NET processes share this machine's cores: workstation GC (server GC gives every process a
  # heap and a GC thread per core) and no thread-pool spinning while waiting for work (profiled: ~15 %
  # of a busy service's CPU). Kubernetes pods, limited to a core or less, get the same from .NET itself.
  local runtime=("DOTNET_gcServer=${VP_DOTNET_GC_SERVER:-0}" "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=${VP_DOTNET_SPIN_LIMIT:-0}")
  # Appended, not replaced: an instance revived after a crash keeps what it logged before it.
  echo "--- $name started $(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$RUN/logs/$name.log"
  # Supervised as Kubernetes or Compose would: a process that ends itself with exit code 75 (its bus did
  # not start, or stayed down: BusStartWatchdog) is started again. The pid file names the process itself
  # (a kill -9 or `down` reaches it, and then it stays down); the supervisor's own is beside it.
  rm -f "$pidfile"
  (
    cd "$(dirname "$dll")" || exit 1
    while :; do
      env "${runtime[@]}" "${envs[@]}" dotnet "$dll" "${args[@]}" &
      echo $! > "$pidfile"
      rc=0; wait $! || rc=$? # (set -e would end the supervisor with its process)
      echo "--- $name exited with code $rc $(date -u +%Y-%m-%dT%H:%M:%SZ)"
      [ "$rc" = 75 ] || exit "$rc"
      echo "--- $name ended itself (exit 75); started again"
    done
  ) >>"$RUN/logs/$name.log" 2>&1 &
  echo $! > "$RUN/pids/$name.supervisor"
  for _ in $(seq 1 100); do [ -s "$pidfile" ] && break; sleep 0.02; done
}

# The local trace viewer: the Aspire Dashboard's standalone binary (from NuGet, restored once into the
# NuGet cache), listening for OTLP on 127.0.0.1:$OTLP_PORT and showing traces on :$TRACE_UI_PORT. Off
# with VP_TRACE_VIEWER=0, or when OTEL_EXPORTER_OTLP_ENDPOINT names a collector of one's own.
trace_viewer() {
  [ "${VP_TRACE_VIEWER:-1}" = 1 ] && [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] || return 0
  local binary="${NUGET_PACKAGES:-$HOME/.nuget/packages}/aspire.dashboard.sdk.linux-x64/13.6.5/tools/Aspire.Dashboard"
  [ -x "$binary" ] || dotnet restore "$ROOT/deploy/local/TraceViewer/TraceViewer.csproj" -nologo -v quiet >&2
  local pidfile="$RUN/pids/trace-viewer.pid"
  if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
    mkdir -p "$RUN/pids" "$RUN/logs" "$RUN/trace-viewer/tmp" "$RUN/trace-viewer/home"
    # Telemetry in SQLite under TMPDIR and keys under HOME: both kept in this platform's state folder.
    ( cd "$RUN/trace-viewer" && exec env TMPDIR="$RUN/trace-viewer/tmp" HOME="$RUN/trace-viewer/home" \
        ASPNETCORE_URLS="http://127.0.0.1:$TRACE_UI_PORT" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$OTLP_PORT" \
        ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true DASHBOARD__API__AUTHMODE=Unsecured DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        "$binary" ) >"$RUN/logs/trace-viewer.log" 2>&1 &
    echo $! > "$pidfile"
  fi
  for _ in $(seq 1 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$TRACE_UI_PORT/" && break
    sleep 0.5
  done
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT"
  TRACE_VIEWER_URL="http://127.0.0.1:$TRACE_UI_PORT"
}

# The development SMTP server: accepts every message on 127.0.0.1:$MAIL_PORT, writes it to $RUN/mail/*.eml.
mail_sink() {
  start mail-sink "$ROOT/deploy/local/SmtpSink/bin/$CONFIGURATION/net10.0/VulnPlatform.SmtpSink.dll" "VP_MAIL_SINK=1" -- "$MAIL_PORT" "$RUN/mail"
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$MAIL_PORT") 2>/dev/null && return 0
    sleep 0.5
  done
  log "the mail sink did not start; its log: $RUN/logs/mail-sink.log"; exit 1
}

# Waits until the instance answers on url: 0 when it does, 1 when its process ended first (the caller
# starts it again); stops everything when it is still running but silent after 150 s.
wait_ready() { # name url
  local pid; pid=$(cat "$RUN/pids/$1.pid")
  for _ in $(seq 1 300); do
    # Ready means our process answers, not something else that holds the port.
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$1 ended before it was ready; the end of its log ($RUN/logs/$1.log):"
      tail -n 5 "$RUN/logs/$1.log" | cut -c1-300 >&2 || true
      return 1
    fi
    curl -fsk -o /dev/null "$2" && return 0
    sleep 0.5
  done
  log "$1 did not become ready (is its port taken?); its log: $RUN/logs/$1.log"
  tail -n 40 "$RUN/logs/$1.log" >&2 || true
  exit 1
}

# Every instance, the web client and the gateway answer (1: one of them ended before it did).
all_ready() {
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name _ _ _ url _ <<<"$entry"
    only "$name" || continue
    while read -r instance address; do wait_ready "$instance" "$address/health/ready" || return 1; done < <(instances "$name" "$url")
  done
  [ -z "${VP_ONLY:-}" ] || return 0
  while read -r instance address; do wait_ready "$instance" "$address/health/ready" || return 1; done < <(instances web "http://127.0.0.1:$WEB_PORT")
  wait_ready gateway "https://localhost:$HTTPS_PORT/health/live"
}

all_running() {
  for name in $(process_names) $([ "${VP_TRACE_VIEWER:-1}" = 1 ] && [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] && echo trace-viewer); do
    local pidfile="$RUN/pids/$name.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null || return 1
  done
}

service_names() { for entry in "${SERVICES[@]}"; do echo "${entry%%|*}"; done; }

# The instances of a service: "name url" per line; the first keeps the service's name and port.
instances() { # name url
  local name=$1 url=$2 port=${2##*:}
  for i in $(seq 1 "$REPLICAS"); do
    if [ "$i" = 1 ]; then echo "$name $url"; else echo "$name-$i ${url%:*}:$((port + (i - 1) * REPLICA_PORT_STEP))"; fi
  done
}

# Every process `up` runs, one per line (the pid files' names).
process_names() {
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name _ _ _ url _ <<<"$entry"
    instances "$name" "$url" | cut -d' ' -f1
  done
  instances web "http://127.0.0.1:$WEB_PORT" | cut -d' ' -f1
  echo gateway; echo mail-sink
}

# The gateway's destinations for one cluster: ReverseProxy settings, one per instance.
destinations() { # cluster url
  local i=0
  while read -r instance address; do
    i=$((i + 1))
    echo "ReverseProxy__Clusters__${1}__Destinations__${1}-${i}__Address=$address/"
  done < <(instances "$1" "$2")
}

up() {
  if all_running; then
    echo "VulnPlatform is already up: https://localhost:$HTTPS_PORT"
    return 0
  fi
  # Never rebuild under running processes: stop stragglers first, then build, then start all.
  down
  if [ -z "${VP_SKIP_BUILD:-}" ]; then
    log "building ($CONFIGURATION)"
    dotnet build "$ROOT/VulnPlatform.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -v quiet >&2
  fi
  certificate
  keys
  broker_users
  mkdir -p "$RUN/logs"
  deploy_topology
  launch
}

# Starts every process of the platform that is not running (a running one is left alone) and waits
# until all answer: `up` after building, `revive` after some died (the chaos test's kill -9). A service
# whose message bus does not start in time ends itself (Messaging:BusStartTimeout) and is started
# again here, twice at most.
launch() {
  start_missing
  # VP_NO_WAIT: start what is missing and return at once (the chaos test's nemesis revives that way).
  [ -n "${VP_NO_WAIT:-}" ] && return 0
  local round
  for round in 1 2 3; do
    all_ready && break
    [ "$round" -lt 3 ] || { log "an instance ended before it was ready three times; giving up"; exit 1; }
    log "starting again what ended before it was ready"
    start_missing
  done
  report
}

# What every instance of a service is started with (one setting a line).
service_settings() { # name database instance address
  local name=$1 database=$2 instance=$3 address=$4
  echo "Urls=$address"
  echo "ConnectionStrings__Marten=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$database;Maximum Pool Size=60;Application Name=$instance"
  echo "RabbitMq__Port=$RABBIT_PORT"; echo "RabbitMq__VirtualHost=$VHOST"
  echo "RabbitMq__Username=vp-$name"; echo "RabbitMq__Password=$(cat "$KEY_DIR/broker-$name")"
  echo "Encryption__ActiveKeyId=local-1"; echo "Encryption__Keys__local-1=$(cat "$KEY_DIR/data-key-local-1")"
  echo "InternalApi__Clients__operator=$(cat "$KEY_DIR/operator-client")"
  echo "Authentication__JwksUri=http://127.0.0.1:$IDENTITY_PORT/.well-known/jwks"
  echo "PublicOrigin=https://localhost:$HTTPS_PORT"; echo "OTEL_RESOURCE_ATTRIBUTES=service.instance.id=$instance"
}

# VP_ONLY="intake identity": start only these services (no web client, no gateway); a test starts the
# rest later with `revive`.
only() { [ -z "${VP_ONLY:-}" ] || [[ " $VP_ONLY " == *" $1 "* ]]; }

# The broker topology step, as a database migration is run: every service declares its queues,
# bindings and exchanges (`<service> deploy-topology`), all before any service starts, so no event is
# published before the queues that must hear it exist. The services wait for it anyway (their relays
# publish nothing before every service's queues exist); this makes a first start flow at once.
deploy_topology() {
  [ "${VP_DEPLOY_TOPOLOGY:-1}" = 1 ] || return 0
  log "deploying the broker topology"
  local pids=() names=()
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name folder assembly database url _ <<<"$entry"
    local settings=() extra=()
    mapfile -t settings < <(service_settings "$name" "$database$DB_SUFFIX" "$name-topology" "$url")
    mapfile -t extra < <(service_env "$name")
    ( cd "$ROOT/$folder/bin/$CONFIGURATION/net10.0" && exec env "${settings[@]}" "${extra[@]}" "Logging__LogLevel__Default=Warning" \
        dotnet "$assembly.dll" deploy-topology ) >>"$RUN/logs/topology.log" 2>&1 &
    pids+=($!); names+=("$name")
  done
  local failed=0
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { log "${names[$i]}: deploy-topology failed; see $RUN/logs/topology.log"; failed=1; }
  done
  [ "$failed" = 0 ] || exit 1
}

# Starts every process of the platform that is not running (a running one is left alone).
start_missing() {
  mail_sink
  trace_viewer
  local otel=()
  [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] && otel=("OTEL_EXPORTER_OTLP_ENDPOINT=$OTEL_EXPORTER_OTLP_ENDPOINT")
  for entry in "${SERVICES[@]}"; do
    IFS='|' read -r name folder assembly database url _ <<<"$entry"
    database="$database$DB_SUFFIX"
    ensure_database "$database"
    local extra=()
    mapfile -t extra < <(service_env "$name")
    only "$name" || continue
    while read -r instance address; do
      local settings=()
      mapfile -t settings < <(service_settings "$name" "$database" "$instance" "$address")
      start "$instance" "$ROOT/$folder/bin/$CONFIGURATION/net10.0/$assembly.dll" "${settings[@]}" "${otel[@]}" "${extra[@]}"
    done < <(instances "$name" "$url")
  done
  [ -z "${VP_ONLY:-}" ] || return 0
  # The web client (reporter portal, staff console, vendor portal): no broker; it calls the APIs
  # through the gateway, trusting the gateway's development certificate, and signs people in with
  # Identity as the confidential client vulnplatform-web.
  ensure_database "vp_web$DB_SUFFIX"
  while read -r instance address; do
  start "$instance" "$ROOT/services/Web/bin/$CONFIGURATION/net10.0/VulnPlatform.Web.dll" \
    "Urls=$address" \
    "ConnectionStrings__Marten=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=vp_web$DB_SUFFIX;Maximum Pool Size=30" \
    "PublicOrigin=https://localhost:$HTTPS_PORT" "Web__GatewayAddress=https://localhost:$HTTPS_PORT/" \
    "Web__GatewayCertificate=${VP_GATEWAY_CERT:-$CERT_DIR/gateway.crt}" "Web__ClientSecret=$(cat "$KEY_DIR/web-client")" "${otel[@]}"
  done < <(instances web "http://127.0.0.1:$WEB_PORT")
  local routes=()
  for entry in "${SERVICES[@]}" "web|||||"; do
    IFS='|' read -r name _ _ _ url _ <<<"$entry"
    [ "$name" = web ] && url="http://127.0.0.1:$WEB_PORT"
    mapfile -t -O "${#routes[@]}" routes < <(destinations "$name" "$url")
  done
  start gateway "$ROOT/gateway/bin/$CONFIGURATION/net10.0/VulnPlatform.Gateway.dll" \
    "Kestrel__Endpoints__Http__Url=http://localhost:$HTTP_PORT" \
    "Kestrel__Endpoints__Https__Url=https://localhost:$HTTPS_PORT" \
    "Kestrel__Endpoints__Https__Certificate__Path=${VP_GATEWAY_CERT:-$CERT_DIR/gateway.crt}" \
    "Kestrel__Endpoints__Https__Certificate__KeyPath=${VP_GATEWAY_CERT_KEY:-$CERT_DIR/gateway.key}" \
    "Gateway__HttpsPort=$HTTPS_PORT" "PublicOrigin=https://localhost:$HTTPS_PORT" "SecurityTxt__Acknowledgments=https://localhost:$HTTPS_PORT/acknowledgments" \
    "Authentication__JwksUri=http://127.0.0.1:$IDENTITY_PORT/.well-known/jwks" \
    "${routes[@]}" "${otel[@]}"
}

report() {
  log "certificate: ${VP_GATEWAY_CERT:-$CERT_DIR/gateway.crt} (self-signed; curl --cacert it, or -k)"
  log "logs: $RUN/logs/"
  log "development admin (e-mail, password, TOTP secret): $RUN/dev-admin.txt"
  log "e-mail the platform sends: $RUN/mail/*.eml (SMTP sink on 127.0.0.1:$MAIL_PORT)"
  [ -n "${TRACE_VIEWER_URL:-}" ] && log "traces: $TRACE_VIEWER_URL (every request, through the bus, as one trace)"
  [ "$REPLICAS" -gt 1 ] && log "$REPLICAS instances of every service and of the web client (pids: $RUN/pids/)"
  echo "VulnPlatform is up: https://localhost:$HTTPS_PORT  (try: curl --cacert $CERT_DIR/gateway.crt https://localhost:$HTTPS_PORT/health/live)"
}

down() {
  # Supervisors first, so that nothing is started again while it stops.
  for supervisor in "$RUN"/pids/*.supervisor; do
    [ -f "$supervisor" ] || continue
    kill "$(cat "$supervisor")" 2>/dev/null || true
    rm -f "$supervisor"
  done
  for pidfile in "$RUN"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping $(basename "$pidfile" .pid)"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  revive) launch ;;
  *) echo "usage: $0 up|down|revive" >&2; exit 2 ;;
esac
