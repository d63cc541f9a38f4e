"""ONNX export and the onnxruntime parity check.

Contract of the exported graph (what the TypeScript server feeds and reads):

- input  ``features``      float32 [N, F], columns in the card's ``features`` order;
- output ``score``         float32 [N]     P(label = 1) — the number compared with the thresholds;
- output ``probabilities`` float32 [N, 2]  [P(label = 0), P(label = 1)] (converter output, no ZipMap);
- output ``label``         int64   [N]     argmax class (converter output; not used for signals).

``N`` is a symbolic batch dimension. ``score`` is ``probabilities[:, 1]`` (a Gather node added
after the converter's graph), so a reader needs one output and no post-processing.
Model metadata (``metadata_props``) repeats name, version, featureSetVersion and the feature list.
"""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

INPUT_NAME = "features"
SCORE = "score"
PROBABILITIES = "probabilities"
LABEL = "label"
TARGET_OPSET = 15  # onnxmltools' LightGBM converter supports up to 15; onnxruntime-node >= 1.10 runs it
PARITY_TOLERANCE = 1e-5


class ParityError(RuntimeError):
    """ONNX and native predictions disagree by more than the tolerance."""


def _floor_float32(t: float) -> float:
    """The largest float32 value <= t (as a double)."""
    t32 = np.float32(t)
    if float(t32) > t:
        t32 = np.nextafter(t32, np.float32(-np.inf), dtype=np.float32)
    return float(t32)


def snap_thresholds_to_float32(model) -> int:
    """Rewrites a fitted LightGBM model's split values to float32-representable ones, in place.

    LightGBM stores split values as doubles (often the midpoint of two neighbouring training
    values); ONNX's TreeEnsemble stores them as float32. When two neighbouring float32 inputs
    sit one ulp apart, the midpoint rounds onto one of them and that value goes left in ONNX
    but right natively — seen on real feature data as 0.13 differences in probability. For a
    float32 input x, ``x <= t`` holds exactly when ``x <= floor32(t)`` (the largest float32 not
    above t), so replacing t by floor32(t) changes no native prediction on float32 inputs and
    makes the ONNX comparison exact. Returns the number of split values changed.
    """
    text = model.booster_.model_to_string()
    lines = text.split("\n")
    changed = 0
    for i, line in enumerate(lines):
        if line.startswith("tree_sizes="):
            lines[i] = None  # byte sizes of the trees, stale once values change; optional for the parser
            continue
        if line.startswith("num_cat=") and line != "num_cat=0":
            raise ValueError("categorical splits are not supported by the float32 snapping")
        if line.startswith("decision_type="):
            for dt in map(int, line[len("decision_type="):].split()):
                if dt & 1 or (dt >> 2) & 3 == 1:  # categorical, or zero-as-missing
                    raise ValueError(f"unsupported LightGBM decision_type {dt}")
        if line.startswith("threshold="):
            values = [float(v) for v in line[len("threshold="):].split()]
            snapped = [_floor_float32(v) for v in values]
            changed += sum(a != b for a, b in zip(values, snapped))
            lines[i] = "threshold=" + " ".join(repr(v) for v in snapped)
        if line == "end of trees":
            break
    import lightgbm as lgb

    model._Booster = lgb.Booster(model_str="\n".join(line for line in lines if line is not None))
    return changed


def _convert(model, n_features: int) -> onnx.ModelProto:
    import lightgbm as lgb

    if isinstance(model, lgb.LGBMClassifier):
        from onnxmltools import convert_lightgbm
        from onnxmltools.convert.common.data_types import FloatTensorType

        return convert_lightgbm(model, initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
                                zipmap=False, target_opset=TARGET_OPSET)
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    return convert_sklearn(model, initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
                           options={id(model): {"zipmap": False}}, target_opset=TARGET_OPSET)


def _set_batch_dim(vi: onnx.ValueInfoProto, rank: int) -> None:
    dims = vi.type.tensor_type.shape.dim
    while len(dims) > rank:
        dims.pop()
    while len(dims) < rank:
        dims.add()
    dims[0].Clear()
    dims[0].dim_param = "N"


def to_onnx(model, features: list[str], metadata: dict[str, str] | None = None) -> onnx.ModelProto:
    """Converts a fitted LightGBM classifier or sklearn pipeline to the graph described above."""
    onx = _convert(model, len(features))
    g = onx.graph
    outs = {o.name: o for o in g.output}
    if set(outs) != {LABEL, PROBABILITIES}:
        raise RuntimeError(f"unexpected converter outputs: {sorted(outs)}")
    # The LightGBM converter declares label as [1]; it is [N].
    _set_batch_dim(outs[LABEL], 1)
    _set_batch_dim(outs[PROBABILITIES], 2)
    outs[PROBABILITIES].type.tensor_type.shape.dim[1].dim_value = 2
    _set_batch_dim(g.input[0], 2)
    g.input[0].type.tensor_type.shape.dim[1].dim_value = len(features)

    g.initializer.append(helper.make_tensor("positive_class_index", TensorProto.INT64, [], [1]))
    g.node.append(helper.make_node("Gather", [PROBABILITIES, "positive_class_index"], [SCORE], axis=1, name="score_p1"))
    score = helper.make_tensor_value_info(SCORE, TensorProto.FLOAT, ["N"])
    # Order the outputs: score first (the one the server reads), then the converter's two.
    probs, label = onnx.ValueInfoProto(), onnx.ValueInfoProto()
    probs.CopyFrom(outs[PROBABILITIES])
    label.CopyFrom(outs[LABEL])
    del g.output[:]
    g.output.extend([score, probs, label])

    g.name = "tradeloop_signal"  # the converters name it with a random uuid; keep exports byte-stable
    onx.producer_name = "tradeloop_ml"
    onx.doc_string = "P(label=1) as 'score' float32 [N] from 'features' float32 [N, F]"
    meta = {"features": json.dumps(features), **(metadata or {})}
    del onx.metadata_props[:]
    for k, v in meta.items():
        onx.metadata_props.add(key=k, value=str(v))
    onnx.checker.check_model(onx, full_check=True)
    return onx


def session(onx: onnx.ModelProto | bytes) -> ort.InferenceSession:
    data = onx if isinstance(onx, bytes) else onx.SerializeToString()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(data, sess_options=opts, providers=["CPUExecutionProvider"])


def run_onnx(sess: ort.InferenceSession, X: np.ndarray) -> dict[str, np.ndarray]:
    names = [o.name for o in sess.get_outputs()]
    values = sess.run(names, {INPUT_NAME: np.ascontiguousarray(X, dtype=np.float32)})
    return dict(zip(names, values))


def check_parity(onx: onnx.ModelProto, native_p1: np.ndarray, X: np.ndarray, tolerance: float = PARITY_TOLERANCE) -> dict:
    """Compares ONNX `score` (and probabilities[:, 1]) with the native P(label=1) on the same float32 rows.

    Raises :class:`ParityError` when the max abs difference exceeds `tolerance`.
    """
    out = run_onnx(session(onx), X)
    score = out[SCORE].astype(np.float64)
    if score.shape != (X.shape[0],) or out[PROBABILITIES].shape != (X.shape[0], 2):
        raise ParityError(f"unexpected output shapes: score {score.shape}, probabilities {out[PROBABILITIES].shape}")
    diff = float(np.max(np.abs(score - np.asarray(native_p1, dtype=np.float64)))) if X.shape[0] else 0.0
    diff_prob = float(np.max(np.abs(out[PROBABILITIES][:, 1].astype(np.float64) - score))) if X.shape[0] else 0.0
    result = {"rows": int(X.shape[0]), "maxAbsDiff": diff, "tolerance": tolerance, "runtime": f"onnxruntime {ort.__version__}"}
    if not (diff <= tolerance and diff_prob == 0.0):
        raise ParityError(f"ONNX vs native max abs diff {diff:.3g} (score vs probabilities[:,1]: {diff_prob:.3g}) "
                          f"exceeds {tolerance:g} on {X.shape[0]} rows")
    return result


def io_contract(n_features: int) -> dict:
    """The input/output description written into the model card."""
    return {
        "input": {"name": INPUT_NAME, "type": "float32", "shape": ["N", n_features],
                  "layout": "one row per (symbol, bar), columns in `features` order"},
        "outputs": [
            {"name": SCORE, "type": "float32", "shape": ["N"], "meaning": "P(label = 1); compare with threshold"},
            {"name": PROBABILITIES, "type": "float32", "shape": ["N", 2], "meaning": "[P(label = 0), P(label = 1)]"},
            {"name": LABEL, "type": "int64", "shape": ["N"], "meaning": "argmax class; not used for signals"},
        ],
    }
