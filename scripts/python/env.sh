#!/usr/bin/env bash
# Creates (once) and prints the path of the Python that runs Latentkit's reference code:
# TensorFlow 2.21 + Keras 3.15 (the book's Keras), onnx 1.23 (the checker), h5py.
#   usage: PY=$(bash scripts/python/env.sh)   # prints .../bin/python on stdout; logs on stderr
# The venv lives outside the repo (LATENTKIT_PY_ENV, default ~/.cache/latentkit/py-reference) so a
# fresh clone or `git clean` keeps it. A half-made venv is never reused: the stamp file is written last.
# Exit status 3 means pip could not install the stack here (no index reachable).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# LATENTKIT_PY_REQUIREMENTS picks another requirements file (tensorboard-env.sh makes TensorBoard's venv so).
req="${LATENTKIT_PY_REQUIREMENTS:-$here/requirements.txt}"
venv="${LATENTKIT_PY_ENV:-$HOME/.cache/latentkit/py-reference}"
stamp="$venv/.latentkit-requirements"

if [ -f "$stamp" ] && cmp -s "$stamp" "$req" && [ -x "$venv/bin/python" ]; then
  echo "$venv/bin/python"
  exit 0
fi

# pip retries its default index for a while before the configured ones; when pip is configured
# with extra indexes (as on our machines), name them directly.
pip_index_args=()
extra="$(python3 -m pip config get global.extra-index-url 2>/dev/null || true)"
if [ -n "$extra" ]; then
  read -r -a idx <<<"$extra"
  pip_index_args+=(--index-url "${idx[0]}")
  for u in "${idx[@]:1}"; do pip_index_args+=(--extra-index-url "$u"); done
fi

echo "python env: creating $venv from $(basename "$req") (a few minutes the first time)" >&2
rm -rf "$venv.tmp"
python3 -m venv "$venv.tmp"
# (grep drops pip's warnings about index folders that lack a package; they are noise here)
set +e
"$venv.tmp/bin/python" -m pip install -q "${pip_index_args[@]}" -r "$req" 2>&1 \
  | grep -v 'is ignored: it is neither a file nor a directory' >&2
pip_rc=${PIPESTATUS[0]}
set -e
if [ "$pip_rc" -ne 0 ]; then
  rm -rf "$venv.tmp"
  echo "python env: pip could not install $req here (exit $pip_rc)" >&2
  exit 3
fi
# venvs hard-code their own path in scripts; rebuild the launchers after the move.
rm -rf "$venv"
mv "$venv.tmp" "$venv"
python3 -m venv --upgrade "$venv" >/dev/null
cp "$req" "$stamp"
echo "$venv/bin/python"
