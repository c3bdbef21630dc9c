#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, check the style of the lines changed
# since .ci/style-base (scripts/check-style), run the whole test suite (including the
# end-to-end tests labelled "slow"), then fuzz each parser for HPO_FUZZ_SECONDS (default 60;
# 0 skips). Extra args go to ctest (e.g. -L envs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
bash scripts/check-style
cd build
ctest --output-on-failure --parallel "${HPO_TEST_JOBS:-2}" "$@"
cd ..
fuzz_seconds=${HPO_FUZZ_SECONDS:-60}
if ((fuzz_seconds > 0)); then
  bash scripts/fuzz "$fuzz_seconds"
fi
