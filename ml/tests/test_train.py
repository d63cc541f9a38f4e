import numpy as np
import pytest

from tradeloop_ml.dataset import load_dataset
from tradeloop_ml.synthetic import make_table
from tradeloop_ml.train import MEAN_KEYS, predict_p1, run_training

from .helpers import FAST, SMALL

FOLD_KEYS = {"fold", "train", "validation", "auc", "logLoss", "accuracy", "rows", "sharpe", "turnover", "hitRate",
             "exposure", "trades", "meanReturnBps", "totalReturn", "decisions"}


def test_model_beats_baseline_and_coin_flip_on_a_planted_signal(trained):
    m = trained.metrics
    model, base = m["walkForward"]["model"]["mean"], m["walkForward"]["baseline"]["mean"]
    assert model["auc"] > 0.65 and base["auc"] > 0.53  # both find signal; trees find more
    assert model["auc"] > base["auc"] + 0.05
    assert model["logLoss"] < base["logLoss"] < np.log(2)
    ho = m["holdout"]
    assert ho["model"]["auc"] > ho["baseline"]["auc"] > 0.5
    assert ho["model"]["sharpe"] > 0 and ho["model"]["hitRate"] > 0.5


def test_per_fold_metrics_for_both_models(trained):
    m = trained.metrics["walkForward"]
    assert m["folds"] == 3 and m["purgeBars"] == 1 and m["embargoBars"] == 1
    assert trained.metrics["trading"]["feeBps"] == 5.0
    for kind in ("model", "baseline"):
        folds = m[kind]["folds"]
        assert [f["fold"] for f in folds] == [0, 1, 2]
        for f in folds:
            assert FOLD_KEYS <= set(f)
            assert f["train"]["to"] < f["validation"]["from"]
        for k in MEAN_KEYS:
            vals = [f[k] for f in folds if f[k] is not None]
            assert m[kind]["mean"][k] == pytest.approx(np.mean(vals))
    t = trained.thresholds["model"]
    assert 0 < t["sell"] < t["buy"] < 1


def test_no_signal_no_skill(tmp_path, write):
    ds = load_dataset(write(make_table(**{**SMALL, "strength": 0.0, "seed": 11})))
    m = run_training(ds, FAST).metrics
    assert abs(m["walkForward"]["model"]["mean"]["auc"] - 0.5) < 0.05
    assert abs(m["holdout"]["model"]["auc"] - 0.5) < 0.06


def test_deterministic(small, trained):
    again = run_training(small, FAST)
    np.testing.assert_array_equal(predict_p1(again.model, small.X32), predict_p1(trained.model, small.X32))
    assert again.metrics == trained.metrics and again.thresholds == trained.thresholds
