#!/usr/bin/env bash
# Makes a virtualenv with onnx, onnxruntime and Keras 3 (numpy backend) from PyPI, in
# .build/interop-venv (git-ignored) or $STRATA_INTEROP_VENV, then checks the files
# model-export wrote: Tools/check-onnx.py and Tools/check-keras.py.
#
#   Tools/check-exports.sh [FOLDER]      (default .build/exports)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${STRATA_INTEROP_VENV:-.build/interop-venv}
if [ ! -x "$venv/bin/python" ] ||
  ! "$venv/bin/python" -c "import onnx, onnxruntime, keras, h5py" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check numpy onnx onnxruntime keras h5py
fi
folder=${1:-.build/exports}
"$venv/bin/python" Tools/check-onnx.py "$folder"
KERAS_BACKEND=numpy "$venv/bin/python" Tools/check-keras.py "$folder"
