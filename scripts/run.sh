#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build (Release), run the main job: the
# default sweep (about 7 minutes on 2 cores). Running it again continues the same study, so a
# finished sweep returns at once with its summary; `hpo best-params` shows the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec ./build/apps/hpo/hpo sweep configs/lunar.yaml
