"""Checks the ONNX files `model-export` wrote: onnx.checker with full_check, then onnxruntime's
outputs on the saved inputs against Strata's predictions (at most 1e-5 relative, above 1 in
magnitude, absolute below).

    python Tools/check-onnx.py FOLDER     (Tools/check-exports.sh makes the virtualenv)
"""

import json
import os
import sys

import numpy as np
import onnx
import onnxruntime


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as file:
        manifest = [
            entry for entry in json.load(file) if "onnx" in entry.get("formats", ["onnx"])
        ]
    failures = 0
    for entry in manifest:
        name = entry["name"]
        path = os.path.join(folder, f"{name}.onnx")
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        x = np.fromfile(os.path.join(folder, f"{name}.input.f32"), np.float32)
        x = x.reshape(entry["input_shape"])
        expected = np.fromfile(os.path.join(folder, f"{name}.output.f32"), np.float32)
        expected = expected.reshape(entry["output_shape"])
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        actual = session.run(["output"], {"input": x})[0]
        if actual.shape != expected.shape:
            print(f"onnx {name}: output shape {actual.shape}, Strata's {expected.shape}")
            failures += 1
            continue
        error = np.abs(actual - expected) / np.maximum(1, np.abs(expected))
        worst = float(error.max())
        operators = sorted({node.op_type for node in model.graph.node})
        print(
            f"onnx {name}: checker passed; onnxruntime {onnxruntime.__version__} against "
            f"Strata's predict, largest relative difference {worst:.2e} over {error.size} "
            f"values; operators {', '.join(operators)}"
        )
        if not worst <= 1e-5:
            failures += 1
    print(f"onnx models matching Strata: {len(manifest) - failures} of {len(manifest)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/exports")
