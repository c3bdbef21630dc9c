#!/usr/bin/env bash
# Configures (once) and builds hpo in Release into build/. Extra args go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
# Paths relative to the checkout in ccache's keys: a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}

build_dir=${HPO_BUILD_DIR:-build}
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
# Two jobs: the machines have 2 cores, and a torch TU takes ~1 GiB of RAM to compile.
cmake --build "$build_dir" --parallel "${HPO_BUILD_JOBS:-2}" "$@"
