#!/usr/bin/env bash
# The loop while working (`make check`): the build, warnings as errors, then every test that needs no
# server — deciders, CVSS, calendars, templates, contracts, encryption, the deployment manifests
# (tests marked [Trait("Servers", "none")]). No server is started, and none a shell points at is used:
# a test marked so that reaches for one fails here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/deploy/local/test-tools.sh"
unset VP_TEST_POSTGRES VP_TEST_RABBITMQ_HOST VP_TEST_RABBITMQ_PORT VP_TEST_RABBITMQ_VHOST VP_TEST_GATEWAY
dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly
dotnet test VulnPlatform.sln -c Release --no-build -nologo --filter "Servers=none"
