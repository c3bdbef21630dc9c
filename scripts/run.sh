#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build (Release), run the main job.
# The main job becomes `hpo sweep configs/lunar.yaml` when the sweep runner lands (issue 5);
# until then it checks the native LunarLander against Gymnasium's heuristic scores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec ./build/apps/hpo/hpo env-eval --env LunarLander-v3 --policy heuristic --episodes 1000
