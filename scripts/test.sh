#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, check the style (scripts/check-style:
# clang-format on every file, clang-tidy on the lines changed since .ci/style-base), run the whole
# test suite (including the end-to-end tests labelled "slow", the fault-injection tests labelled
# "faults", which stop and kill their own PostgreSQL server and mount a tmpfs as root, and the
# peers' conformance cases), then fuzz each parser for HPO_FUZZ_SECONDS (default 60; 0 skips).
# Each phase prints its wall time. Extra args go to ctest (e.g. -L envs, -L faults).
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs a phase and says how long it took (docs/benchmarks.md keeps the figures of a whole run).
phase() {
  local name=$1 started=$SECONDS
  shift
  "$@"
  echo "test.sh: $name took $((SECONDS - started)) s"
}

phase setup bash scripts/setup.sh
phase build bash scripts/build.sh
phase check-style python3 scripts/check-style
# Two tests per core: the slow ones mostly wait (a stopped server, a heartbeat timeout, a trial's
# sleep): on a 2-core machine the suite took 285 s at 4 jobs against 336 s at 2 in clean-clone CI
# runs (2026-12-07, docs/benchmarks.md "The test command").
phase ctest ctest --test-dir build --output-on-failure --parallel "${HPO_TEST_JOBS:-$((2 * $(nproc)))}" "$@"
fuzz_seconds=${HPO_FUZZ_SECONDS:-60}
if ((fuzz_seconds > 0)); then
  phase fuzz bash scripts/fuzz "$fuzz_seconds"
fi
