#!/usr/bin/env bash
# The project's one test command: builds the solution once (Release) and runs every test project with the xUnit v3
# in-process runner, against real parts. PostgreSQL tests get a throwaway server (see scripts/lib/postgres.sh) unless
# AIOS_TEST_POSTGRES already names one. Ends with the line CI reads:
#
#   tests: N passed, N failed
#
# Usage: bash scripts/test.sh [--filter-trait Category=Unit] [--exclude-trait Category=Cluster] [--project NAME]...
#   --filter-trait / --exclude-trait are passed to every runner as -trait / -trait- (repeatable).
#   --project runs only the named test project(s) (e.g. AiOs.Persistence.Sqlite.Tests).
# Skipped tests count as failures (-failSkips): nothing skips silently. A project that crashes or writes no results
# counts as one failed test.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$root/scripts/lib/postgres.sh"
# shellcheck source=scripts/lib/node.sh
source "$root/scripts/lib/node.sh"
# shellcheck source=scripts/lib/smtp.sh
source "$root/scripts/lib/smtp.sh"
# shellcheck source=scripts/lib/chromium.sh
source "$root/scripts/lib/chromium.sh"

runner_filters=()
only_projects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter-trait) runner_filters+=(-trait "${2:?--filter-trait needs name=value}"); shift 2 ;;
    --exclude-trait) runner_filters+=(-trait- "${2:?--exclude-trait needs name=value}"); shift 2 ;;
    --project) only_projects+=("${2:?--project needs a name}"); shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

results="$root/artifacts/test-results"
passed=0
failed=0

finish() {
  local status=$?
  aios_pg_stop
  # The closing line is printed on every exit path. A run that stopped early (failed build, interrupt, script error)
  # never reports zero failures.
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  echo "tests: $passed passed, $failed failed"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -z "${AIOS_TEST_POSTGRES:-}" ]; then
  aios_pg_start
else
  echo "test.sh: using the PostgreSQL server in AIOS_TEST_POSTGRES"
fi

# A real SMTP server for the connector tests (Debian's python3-aiosmtpd; the tests start their own instances).
aios_smtp_ensure
# Debian's chromium for the dashboard's browser tests (Playwright drives it; it never downloads a browser).
aios_chromium_ensure

# Real gRPC clients written by others, for the interop tests (from the npm registry, as locked).
aios_npm_install "$root/tests/AiOs.Api.Interop.Tests/node"

echo "== build (Release)"
dotnet build AiOs.Orleans.sln -c Release -nologo -v:minimal -clp:NoSummary

# Test projects: every project under tests/ except libraries (IsTestProject false: AiOs.Testing, *.TestKit).
projects=()
while IFS= read -r csproj; do
  name=$(basename "$csproj" .csproj)
  if grep -q '<IsTestProject>false</IsTestProject>' "$csproj"; then
    continue
  fi
  if [ "${#only_projects[@]}" -gt 0 ] && [[ " ${only_projects[*]} " != *" $name "* ]]; then
    continue
  fi
  projects+=("$csproj")
done < <(find tests -mindepth 2 -maxdepth 2 -name '*.csproj' | sort)

if [ "${#projects[@]}" -eq 0 ]; then
  echo "test.sh: no test projects found under tests/" >&2
  exit 1
fi

rm -rf "$results"
mkdir -p "$results"

# Reads one attribute of the <assembly> element of an xUnit v3 results file (0 when absent).
xml_count() {
  local value
  value=$(grep -o '<assembly [^>]*>' "$1" | head -n 1 | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]\+' || true)
  echo "${value:-0}"
}

# One project at a time: the machine has two cores, and each runner already runs its test classes in parallel.
for csproj in "${projects[@]}"; do
  name=$(basename "$csproj" .csproj)
  dll="$(dirname "$csproj")/bin/Release/net10.0/$name.dll"
  xml="$results/$name.xml"
  echo
  echo "== $name"
  if [ ! -f "$dll" ]; then
    echo "test.sh: $dll was not built (is $csproj in AiOs.Orleans.sln?); counting it as 1 failed" >&2
    failed=$((failed + 1))
    continue
  fi

  set +e
  dotnet "$dll" -noLogo -noColor -failSkips -xml "$xml" ${runner_filters[@]+"${runner_filters[@]}"}
  exit_code=$?
  set -e

  if [ ! -s "$xml" ] || ! grep -q '<assembly ' "$xml"; then
    echo "test.sh: $name exited with $exit_code and wrote no results; counting it as 1 failed" >&2
    failed=$((failed + 1))
    continue
  fi

  p=$(xml_count "$xml" passed)
  f=$(( $(xml_count "$xml" failed) + $(xml_count "$xml" errors) + $(xml_count "$xml" skipped) ))
  if [ "$exit_code" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "test.sh: $name exited with $exit_code although its results show no failure; counting it as 1 failed" >&2
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done

echo
if [ "$failed" -ne 0 ]; then
  exit 1
fi
