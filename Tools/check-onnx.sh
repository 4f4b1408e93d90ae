#!/usr/bin/env bash
# Makes a virtualenv with onnx and onnxruntime from PyPI (in .build/onnx-venv, git-ignored,
# or $STRATA_ONNX_VENV) and runs Tools/check-onnx.py on the folder onnx-export wrote.
#
#   Tools/check-onnx.sh [FOLDER]      (default .build/onnx)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${STRATA_ONNX_VENV:-.build/onnx-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import onnx, onnxruntime" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check numpy onnx onnxruntime
fi
"$venv/bin/python" Tools/check-onnx.py "${1:-.build/onnx}"
