#!/usr/bin/env bash
# Makes a virtualenv with onnx, onnxruntime and Keras 3 on JAX (CPU) from PyPI, in
# .build/interop-venv (git-ignored) or $STRATA_INTEROP_VENV, then checks the files
# model-export wrote: Tools/check-onnx.py and Tools/check-keras.py. (Keras's numpy backend
# is no lighter: it imports scipy and JAX too.)
#
#   Tools/check-exports.sh [FOLDER]      (default .build/exports)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${STRATA_INTEROP_VENV:-.build/interop-venv}
if [ ! -x "$venv/bin/python" ] ||
  ! "$venv/bin/python" -c "import onnx, onnxruntime, keras, h5py, jax" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check numpy onnx onnxruntime keras h5py jax
fi
folder=${1:-.build/exports}
"$venv/bin/python" Tools/check-onnx.py "$folder"
KERAS_BACKEND=jax "$venv/bin/python" Tools/check-keras.py "$folder"
