#!/usr/bin/env bash
# Creates (once) and prints the path of the Python of TensorBoard's venv (tensorboard 2.21 only, no
# TensorFlow): PY=$(bash scripts/python/tensorboard-env.sh); "$PY" -m tensorboard.main --logdir runs/
# The venv lives in LATENTKIT_TB_ENV (default ~/.cache/latentkit/py-tensorboard); env.sh does the work.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
LATENTKIT_PY_REQUIREMENTS="$here/tensorboard-requirements.txt" \
  LATENTKIT_PY_ENV="${LATENTKIT_TB_ENV:-$HOME/.cache/latentkit/py-tensorboard}" \
  exec bash "$here/env.sh"
