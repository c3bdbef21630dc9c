#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [[ -f configs/lunar.yaml ]] && ./build/apps/hpo/hpo sweep --help >/dev/null 2>&1 \
   && ! ./build/apps/hpo/hpo sweep --help 2>&1 | grep -q "not implemented"; then
  exec ./build/apps/hpo/hpo sweep configs/lunar.yaml
fi
# Until the sweep lands, the main job is the env check.
exec ./build/apps/hpo/hpo env-eval --env LunarLander-v3 --policy heuristic --episodes 100
