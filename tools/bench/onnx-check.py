#!/usr/bin/env python3
"""Independent structural check of exported ONNX files with the official `onnx` package
(Debian: `apt-get install python3-onnx`, 1.12 knows opsets up to 17):
checker.check_model(full_check=True) plus strict shape inference, and every initializer used.

    /usr/bin/python3 tools/bench/onnx-check.py model.onnx [more.onnx ...]
"""
import sys

import onnx
from onnx import shape_inference

status = 0
for path in sys.argv[1:]:
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
        inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    except Exception as e:  # noqa: BLE001 - report any checker failure per file
        print(f"{path}: FAILED {e}")
        status = 1
        continue
    used = {i for n in model.graph.node for i in n.input}
    unused = [t.name for t in model.graph.initializer if t.name not in used]
    outs = [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]) for o in inferred.graph.output]
    opsets = [(o.domain or "ai.onnx", o.version) for o in model.opset_import]
    print(f"{path}: OK ir {model.ir_version} opsets {opsets} nodes {len(model.graph.node)} outputs {outs} unused initializers {unused}")
    status |= 1 if unused else 0
sys.exit(status)
