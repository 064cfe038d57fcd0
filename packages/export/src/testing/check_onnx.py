# Runs the official ONNX checker on every file given: check_model(full_check=True), then shape
# inference with type checks, strict mode and data propagation. Prints one JSON object
# {"onnx": version, "results": {path: "ok" | error message}}. One process for many files: startup is slow.
import json
import sys

import onnx

results = {}
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        try:
            onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
        except TypeError:  # onnx < 1.10 has no data_prop
            onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        results[path] = "ok"
    except Exception as err:  # noqa: BLE001 - report every failure, keep checking the rest
        results[path] = f"{type(err).__name__}: {err}"
print(json.dumps({"onnx": onnx.__version__, "results": results}))
