# VulnPlatform — the commands a newcomer needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help up down check test chaos outage backup restore bench-backup bench bench-web bench-rewrap bench-triage bench-notification bench-coordination bench-disclosure build servers compose-check

help:
	@echo "make up      start PostgreSQL, RabbitMQ, the services and the gateway (https://localhost:8443)"
	@echo "make down    stop everything 'make up' started"
	@echo "make check   while working (about a minute): the build, then every test that needs no server"
	@echo "make test    start the test servers and run every test"
	@echo "make compose-check  docker-compose.yml parses and is in step with the Kubernetes manifests (deploy/k8s), which validate"
	@echo "make chaos   2,000 reports while service instances are killed (kill -9), RabbitMQ and PostgreSQL crash: lost/duplicated/unexpected (VP_CHAOS_REPORTS, VP_CHAOS_RATE)"
	@echo "make outage  RabbitMQ stopped for 4 minutes, then refusing the services' logins for 4 minutes, no process killed: every service healthy within 2 minutes after, every report triaged and receipted once (VP_OUTAGE_AWAY)"
	@echo "make backup  every service database (one instant) and the key ring (encrypted: VP_BACKUP_PASSPHRASE), manifest and checksums"
	@echo "make restore BACKUP=<dir>  put a backup in place of the platform's data and start it"
	@echo "make bench-backup  backup and restore times of a platform holding VP_BACKUP_BENCH_REPORTS=100,000 reports"
	@echo "make bench   submission throughput through the gateway vs. raw PostgreSQL"
	@echo "make bench-rewrap  time to re-wrap 100,000 report data keys under a new key (VP_REWRAP_KEYS)"
	@echo "make bench-triage  the staff queue's latency over 100,000 cases (VP_TRIAGE_CASES)"
	@echo "make bench-coordination  a vendor's queue and the coordinator's overdue queue over 10,000 cases x 5 vendors (VP_COORDINATION_CASES)"
	@echo "make bench-disclosure    CSAF of a 200-product advisory; publication instant -> last of a 10-advisory set reachable (VP_DISCLOSURE_RUNS)"
	@echo "make bench-web           the web client in Chromium: TTFB, page weight and LCP of the report form and the staff queue over 100,000 cases (VP_WEB_CASES)"
	@echo "make bench-notification  receipts: ReportSubmitted on the bus -> SMTP accepted at 100/s (p50/p99), e-mails/s in a burst"

servers:
	deploy/local/servers.sh up

build:
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly

up: servers
	deploy/local/platform.sh up

down:
	deploy/local/platform.sh down
	deploy/local/servers.sh down

check:
	deploy/local/check.sh

# The tests, the chaos check and the benchmarks run on servers of their own (deploy/local/server-set.sh).
test: export VP_SERVERS = test
test:
	deploy/local/test.sh

backup: servers
	deploy/local/backup.sh create

restore:
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=<backup folder>"; exit 2; }
	deploy/local/backup.sh restore "$(BACKUP)"

bench-backup: servers
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	VP_BACKUP_BENCH_REPORTS=$${VP_BACKUP_BENCH_REPORTS:-100000} deploy/local/backup-test.sh

# A developer's platform (make up) keeps working while the tests and the chaos check run beside it.
isolation-check:
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/isolation-check.sh

outage: export VP_SERVERS = outage
outage:
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/outage.sh $${VP_OUTAGE_AWAY:-240}

chaos: export VP_SERVERS = chaos
chaos:
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/chaos.sh $${VP_CHAOS_REPORTS:-2000} $${VP_CHAOS_RATE:-10}

bench: servers
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/bench.sh

bench-web: servers
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/bench.sh --web $${VP_WEB_CASES:-100000}

bench-notification: servers
	dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly -v quiet
	deploy/local/bench.sh --notification

bench-coordination: servers
	dotnet build tests/VulnPlatform.Benchmarks -c Release -nologo -clp:ErrorsOnly -v quiet
	eval "$$(deploy/local/servers.sh env)" && dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- \
	  --coordination-queue $${VP_COORDINATION_CASES:-10000} --postgres "$$VP_TEST_POSTGRES"

bench-rewrap: servers
	dotnet build tests/VulnPlatform.Benchmarks -c Release -nologo -clp:ErrorsOnly -v quiet
	eval "$$(deploy/local/servers.sh env)" && dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- \
	  --rewrap $${VP_REWRAP_KEYS:-100000} --postgres "$$VP_TEST_POSTGRES"

bench-triage: servers
	dotnet build tests/VulnPlatform.Benchmarks -c Release -nologo -clp:ErrorsOnly -v quiet
	eval "$$(deploy/local/servers.sh env)" && dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- \
	  --triage-queue $${VP_TRIAGE_CASES:-100000} --postgres "$$VP_TEST_POSTGRES"

# docker-compose.yml parses (Debian's docker-compose checks it without an engine) and describes the same
# processes and settings as the Kubernetes manifests, which render and validate (tests/VulnPlatform.Deployment.Tests).
compose-check:
	command -v docker-compose >/dev/null || apt-get install -y -q docker-compose >/dev/null
	VP_DATA_KEY=x VP_NOTIFICATION_SECRET=x VP_OPERATOR_SECRET=x docker-compose -f docker-compose.yml config -q
	ROOT=$$PWD && source deploy/k8s/tools.sh && dotnet test tests/VulnPlatform.Deployment.Tests -c Release -nologo

bench bench-web bench-notification bench-coordination bench-rewrap bench-triage bench-disclosure: export VP_SERVERS = bench

bench-disclosure: servers
	dotnet build tests/VulnPlatform.Benchmarks -c Release -nologo -clp:ErrorsOnly -v quiet
	eval "$$(deploy/local/servers.sh env)" && dotnet run --project tests/VulnPlatform.Benchmarks -c Release --no-build -- --disclosure $${VP_DISCLOSURE_RUNS:-30}
