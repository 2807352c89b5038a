"""ONNX Runtime's int8 model for `headwise bench infer --precision int8`.

    python ort_quantize.py IN.onnx OUT.onnx

quantize_dynamic as ONNX Runtime documents it for BERT-class models on CPU: every MatMul's weight to QInt8
(per tensor, ORT's default), activations quantized at run time (DynamicQuantizeLinear, uint8, per tensor).
Debian's onnx crashes in the shape inference quantize_dynamic runs first, so it is skipped: the model is
only loaded, and tensors of unknown type are taken as float (../shared/hfref/README.md). Prints one JSON line
with onnxruntime's version and the options used.
"""
import json
import sys
from pathlib import Path

import onnx
import onnxruntime
from onnxruntime.quantization import QuantType, quantize, quantize_dynamic


def load_only(path):
    return onnx.load(Path(path).as_posix())


def main():
    source, target = sys.argv[1], sys.argv[2]
    quantize.load_model_with_shape_infer = load_only
    options = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    quantize_dynamic(source, target, weight_type=QuantType.QInt8, extra_options=options)
    print(json.dumps({"onnxruntime": onnxruntime.__version__, "weight_type": "QInt8", "per_channel": False}))


if __name__ == "__main__":
    main()
