#!/usr/bin/env bash
# Installs the Debian packages hpo needs, only those missing (fast and idempotent).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libyaml-cpp-dev libcli11-dev libeigen3-dev libfmt-dev
  libtorch-dev libopenblas0-pthread   # LibTorch is 4-7x slower on the reference BLAS
  libblas-dev                          # cblas.h: the trainer calls sgemm directly (OpenBLAS at run time)
  libbox2d-dev libsqlite3-dev sqlite3   # sqlite3: the CLI, used by a storage test
  libpq-dev postgresql                 # PostgreSQL storage; the server for its tests
  slurm-wlm munge                      # hpo launch slurm; a one-node cluster for its tests
  libgtest-dev libgmock-dev
  python3-optuna                       # peer in scripts/bench-samplers and the export round-trip test
  chromium fonts-dejavu-core           # headless screenshot test of the HTML report
  clang libclang-rt-dev                # libFuzzer and the sanitizers for scripts/fuzz
  clang-format clang-tidy              # scripts/check-style: the lines each change adds
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
