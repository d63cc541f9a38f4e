import numpy as np
import onnx
import pytest

from tradeloop_ml.export import ParityError, check_parity, run_onnx, session, to_onnx
from tradeloop_ml.train import predict_p1


@pytest.fixture(scope="module")
def onx(trained, small):
    return to_onnx(trained.model, small.features, {"name": "t", "version": "1", "featureSetVersion": "synthetic-v1"})


def test_io_contract(onx, small):
    sess = session(onx)
    (inp,) = sess.get_inputs()
    assert (inp.name, inp.type, inp.shape) == ("features", "tensor(float)", ["N", len(small.features)])
    outs = [(o.name, o.type, o.shape) for o in sess.get_outputs()]
    assert outs == [("score", "tensor(float)", ["N"]), ("probabilities", "tensor(float)", ["N", 2]),
                    ("label", "tensor(int64)", ["N"])]
    props = {p.key: p.value for p in onx.metadata_props}
    assert props["featureSetVersion"] == "synthetic-v1" and props["name"] == "t"
    onnx.checker.check_model(onx, full_check=True)


@pytest.mark.parametrize("n", [1, 7])
def test_outputs_for_small_batches(onx, small, trained, n):
    out = run_onnx(session(onx), small.X32[:n])
    assert out["score"].shape == (n,) and out["probabilities"].shape == (n, 2) and out["label"].shape == (n,)
    np.testing.assert_array_equal(out["score"], out["probabilities"][:, 1])
    np.testing.assert_allclose(out["probabilities"].sum(axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(out["score"], predict_p1(trained.model, small.X32[:n]), atol=1e-5)


def test_parity_lightgbm_and_baseline(onx, trained, small):
    X = small.X32[trained.validation_rows]
    r = check_parity(onx, predict_p1(trained.model, X), X)
    assert r["rows"] == X.shape[0] and r["maxAbsDiff"] <= 1e-5
    base = to_onnx(trained.baseline, small.features)
    assert check_parity(base, predict_p1(trained.baseline, X), X)["maxAbsDiff"] <= 1e-5


def test_parity_failure_is_an_error(onx, trained, small):
    X = small.X32[:50]
    with pytest.raises(ParityError, match="exceeds"):
        check_parity(onx, predict_p1(trained.model, X) + 1e-4, X)


def test_split_values_are_snapped_to_float32_so_onnx_agrees():
    """Neighbouring float32 inputs one ulp apart: LightGBM's double split value (their midpoint)
    rounds onto one of them in ONNX's float32 trees unless snapped first (seen on real data)."""
    import lightgbm as lgb

    from tradeloop_ml.export import snap_thresholds_to_float32
    from tradeloop_ml.train import LgbmParams, fit_lightgbm

    rng = np.random.default_rng(5)
    k = rng.integers(0, 400, 6000)
    x0 = (np.float32(1.0) + k.astype(np.float32) * np.float32(2.0**-23)).astype(np.float32)  # one ulp apart
    X = np.column_stack([x0, rng.normal(size=6000).astype(np.float32)])
    y = ((k % 7 < 3) ^ (rng.random(6000) < 0.1)).astype(int)
    params = dict(objective="binary", random_state=1, deterministic=True, force_row_wise=True, n_jobs=1, verbose=-1,
                  n_estimators=30, num_leaves=15, min_child_samples=5)

    raw = lgb.LGBMClassifier(**params).fit(X, y)
    raw_p = predict_p1(raw, X)
    raw_diff = np.abs(run_onnx(session(to_onnx(raw, ["a", "b"])), X)["score"] - raw_p).max()
    assert raw_diff > 1e-3  # the problem is real on this data

    snapped = lgb.LGBMClassifier(**params).fit(X, y)
    assert snap_thresholds_to_float32(snapped) > 0
    np.testing.assert_array_equal(predict_p1(snapped, X), raw_p)  # no native prediction changes
    assert check_parity(to_onnx(snapped, ["a", "b"]), raw_p, X)["maxAbsDiff"] <= 1e-5

    # fit_lightgbm snaps as part of fitting
    m = fit_lightgbm(X, y, LgbmParams(n_estimators=30, min_child_samples=5), seed=1, n_jobs=1)
    assert check_parity(to_onnx(m, ["a", "b"]), predict_p1(m, X), X)["maxAbsDiff"] <= 1e-5
