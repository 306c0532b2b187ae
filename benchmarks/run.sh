#!/usr/bin/env bash
# Runs the benchmarks on this machine and prints their figures (Markdown) with the machine's description.
#
#   bash benchmarks/run.sh [seconds-per-scenario] [scenarios]   # latency harness; scenarios: calls,dashboard,state,goals,cluster,api,api-cluster,goal-list,memory (default calls,state)
#   bash benchmarks/run.sh --bdn [BenchmarkDotNet arguments]    # BenchmarkDotNet, e.g. --bdn --filter '*InSiloCall*'
#
# PostgreSQL scenarios run against a throwaway server with production durability (fsync and synchronous commit on),
# started here and removed at exit, unless AIOS_BENCH_POSTGRES already names a server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=scripts/lib/postgres.sh
source "$root/scripts/lib/postgres.sh"
trap aios_pg_stop EXIT

if [ -z "${AIOS_BENCH_POSTGRES:-}" ]; then
  AIOS_PG_DURABLE=1 aios_pg_start
  export AIOS_BENCH_POSTGRES="$AIOS_TEST_POSTGRES;Maximum Pool Size=200"
fi

dotnet build benchmarks/AiOs.Benchmarks -c Release -nologo -v:quiet -clp:NoSummary
cd benchmarks/AiOs.Benchmarks
if [ "${1:-}" = "--bdn" ]; then
  shift
  dotnet bin/Release/net10.0/AiOs.Benchmarks.dll "$@"
else
  dotnet bin/Release/net10.0/AiOs.Benchmarks.dll harness "${1:-10}" "${2:-calls,state}"
fi
