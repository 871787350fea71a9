# Sourced by the scripts in deploy/local: which PostgreSQL and RabbitMQ they talk to. Each use has
# servers of its own, so that `make test`, `make chaos` and `make bench` never touch the servers of
# a platform started with `make up` (nor its broker users or databases), and the chaos check crashes
# only its own. VP_SERVERS picks the set; VP_PG_PORT, VP_RABBIT_PORT, VP_RABBIT_DIST_PORT,
# VP_EPMD_PORT and VP_SERVERS_RUN_DIR given explicitly win (the backup test's fresh servers).
#   dev    make up (and backup)            .run                    PostgreSQL 55432, RabbitMQ 56720
#   test   make test                       .run/servers-test       PostgreSQL 24432, RabbitMQ 24672
#   chaos  make chaos, the test's chaos     .run/servers-chaos      PostgreSQL 27432, RabbitMQ 27672
#   bench  make bench*                     .run/servers-bench      PostgreSQL 26432, RabbitMQ 26672
#   outage make outage, the test's outage   .run/servers-outage     PostgreSQL 28432, RabbitMQ 28672
# Values derived here for another set (a script of one set calling one of another: the test command
# runs the chaos check) are not carried over; values given by hand are kept.
if [ -n "${VP_SERVERS_DERIVED:-}" ] && [ "$VP_SERVERS_DERIVED" != "${VP_SERVERS:-dev}" ]; then
  unset VP_PG_PORT VP_RABBIT_PORT VP_RABBIT_DIST_PORT VP_EPMD_PORT VP_SERVERS_RUN_DIR
fi
case "${VP_SERVERS:=dev}" in
  dev)   _pg=55432 _rabbit=56720 _dir="$ROOT/.run" ;;
  test)  _pg=24432 _rabbit=24672 _dir="$ROOT/.run/servers-test" ;;
  chaos) _pg=27432 _rabbit=27672 _dir="$ROOT/.run/servers-chaos" ;;
  bench) _pg=26432 _rabbit=26672 _dir="$ROOT/.run/servers-bench" ;;
  outage) _pg=28432 _rabbit=28672 _dir="$ROOT/.run/servers-outage" ;;
  *) echo "VP_SERVERS=$VP_SERVERS: one of dev, test, chaos, bench, outage" >&2; exit 2 ;;
esac
: "${VP_PG_PORT:=$_pg}" "${VP_RABBIT_PORT:=$_rabbit}" "${VP_RABBIT_DIST_PORT:=$((_rabbit + 1))}" "${VP_EPMD_PORT:=$((_rabbit + 2))}"
: "${VP_SERVERS_RUN_DIR:=$_dir}"
VP_SERVERS_DERIVED=$VP_SERVERS
export VP_SERVERS VP_SERVERS_DERIVED VP_PG_PORT VP_RABBIT_PORT VP_RABBIT_DIST_PORT VP_EPMD_PORT VP_SERVERS_RUN_DIR
unset _pg _rabbit _dir
