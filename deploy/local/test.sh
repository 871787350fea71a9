#!/usr/bin/env bash
# Runs every test project against the servers servers.sh started, one project at a time (the relay
# test takes the broker away; other projects must not be mid-test then), and prints one summary line.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
eval "$(deploy/local/servers.sh env)"

dotnet build VulnPlatform.sln -c Release -nologo -clp:ErrorsOnly || exit 1

passed=0 failed=0 status=0
for project in tests/*.Tests/*.Tests.csproj; do
  log=$(mktemp)
  dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$log" | tail -n 1)
  if [ -z "$line" ]; then status=1; echo "no test result from $project"; fi
  passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"${line:-Passed: 0}")))
  failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"${line:-Failed: 0,}")))
  rm -f "$log"
done

echo "$passed passed, $failed failed"
exit $status
