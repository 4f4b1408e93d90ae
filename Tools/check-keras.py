"""Checks the .keras files `model-export` wrote: Keras 3 loads each with
`keras.models.load_model` and predicts the saved inputs as Strata did (at most 1e-5 relative,
above 1 in magnitude, absolute below). Run with KERAS_BACKEND=jax (Tools/check-exports.sh).

    KERAS_BACKEND=jax python Tools/check-keras.py FOLDER
"""

import json
import os
import sys
import warnings

import keras
import numpy as np


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as file:
        manifest = [
            entry for entry in json.load(file) if "keras" in entry.get("formats", ["keras"])
        ]
    failures = 0
    for entry in manifest:
        name = entry["name"]
        with warnings.catch_warnings():
            # Strata's .keras files hold no optimizer state: Keras warns that it starts afresh.
            warnings.simplefilter("ignore")
            model = keras.models.load_model(os.path.join(folder, f"{name}.keras"))
        x = np.fromfile(os.path.join(folder, f"{name}.input.f32"), np.float32)
        x = x.reshape(entry["input_shape"])
        expected = np.fromfile(os.path.join(folder, f"{name}.output.f32"), np.float32)
        expected = expected.reshape(entry["output_shape"])
        actual = np.asarray(model.predict(x, verbose=0))
        if actual.shape != expected.shape:
            print(f"keras {name}: output shape {actual.shape}, Strata's {expected.shape}")
            failures += 1
            continue
        error = np.abs(actual - expected) / np.maximum(1, np.abs(expected))
        worst = float(error.max())
        compiled = getattr(model, "optimizer", None)
        print(
            f"keras {name}: keras.models.load_model ({keras.__version__}, "
            f"{keras.backend.backend()} backend) predicts as Strata did, largest relative "
            f"difference {worst:.2e} over {error.size} values; layers "
            f"{', '.join(type(layer).__name__ for layer in model.layers)}; optimizer "
            f"{type(compiled).__name__ if compiled else None}"
        )
        if not worst <= 1e-5:
            failures += 1
    print(f"keras models matching Strata: {len(manifest) - failures} of {len(manifest)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/exports")
