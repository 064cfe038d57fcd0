# Runs the official ONNX checker (full_check) and strict shape inference on every file given;
# prints one JSON object {path: "ok" | error message}. One process for many files: startup is slow.
import json
import sys

import onnx

results = {}
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        results[path] = "ok"
    except Exception as err:  # noqa: BLE001 - report every failure, keep checking the rest
        results[path] = f"{type(err).__name__}: {err}"
print(json.dumps(results))
