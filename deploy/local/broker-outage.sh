#!/usr/bin/env bash
# The outage test's nemesis (OutageTests, started by it): one broker outage, as long as the scenario says.
#   broker-outage.sh stopped SECONDS        RabbitMQ stopped (no kill), started again after SECONDS
#   broker-outage.sh refusing SECONDS KEYS  RabbitMQ restarted refusing every service's login (new
#                                           passwords), the passwords in KEYS/broker-<service> put back after SECONDS
# It ends once the broker is back: the test waits for that, not for a time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SERVICES=(identity intake triage notification vendorcoordination disclosure)
case "${1:-}" in
  stopped)
    deploy/local/servers.sh stop-rabbitmq
    sleep "$2"
    deploy/local/servers.sh start-rabbitmq ;;
  refusing)
    for service in "${SERVICES[@]}"; do
      deploy/local/servers.sh rabbitmqctl -q change_password "vp-$service" "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" >/dev/null
    done
    deploy/local/servers.sh restart-rabbitmq # every connection is made again, and refused
    sleep "$2"
    for service in "${SERVICES[@]}"; do
      deploy/local/servers.sh rabbitmqctl -q change_password "vp-$service" "$(cat "$3/broker-$service")" >/dev/null
    done ;;
  *) echo "usage: $0 stopped SECONDS | refusing SECONDS KEYS" >&2; exit 2 ;;
esac
