#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, run the whole test suite
# (including the end-to-end tests labelled "slow"). Extra args go to ctest (e.g. -L envs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure --parallel "${HPO_TEST_JOBS:-2}" "$@"
