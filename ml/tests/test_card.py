import json

import numpy as np
import pytest

from tradeloop_ml.card import build_card, feature_distribution, proportions, psi, validate_card
from tradeloop_ml.export import io_contract


@pytest.fixture(scope="module")
def card(small, trained):
    onnx_info = {"file": "model.onnx", **io_contract(len(small.features))}
    return build_card(name="demo", version_="1", ds=small, result=trained, onnx_info=onnx_info,
                      golden_info={"file": "golden.json", "rows": 3}, argv=["--x"], trained_at="2025-02-01T00:00:00.000Z")


def test_core_fields(card, small, trained):
    assert validate_card(card) == []
    assert card["name"] == "demo" and card["version"] == "1"
    assert card["features"] == json.loads(small.metadata["features"])  # input order = metadata order
    assert card["featureSetVersion"] == small.metadata["featureSetVersion"]
    assert card["horizon"] == int(small.metadata["horizon"]) and card["timeframe"] == small.metadata["timeframe"]
    assert card["target"] == "label"
    assert card["threshold"] == {"buy": trained.thresholds["model"]["buy"], "sell": trained.thresholds["model"]["sell"]}
    assert card["trainedAt"] == "2025-02-01T00:00:00.000Z"
    assert card["trainer"].startswith("tradeloop_ml 0.1.0 (lightgbm 4.7.0")
    assert card["trainerDetails"]["libraries"]["lightgbm"] == "4.7.0"
    assert "close[t+h] / close[t] - 1" in card["targetDefinition"]
    wf = card["metrics"]["walkForward"]
    for kind in ("model", "baseline"):
        assert len(wf[kind]["folds"]) == wf["folds"] and {"auc", "sharpe", "turnover"} <= set(wf[kind]["mean"])
    trading = card["metrics"]["trading"]
    assert trading["feeBps"] == 5.0 and trading["annualization"]["barsPerYear"] == 375 * 252
    assert {"model", "baseline", "train", "holdout"} <= set(card["metrics"]["holdout"])
    assert card["dataset"]["sha256"] == small.sha256 and card["dataset"]["metadata"] == small.metadata
    assert card["onnx"]["input"] == {"name": "features", "type": "float32", "shape": ["N", len(small.features)],
                                     "layout": "one row per (symbol, bar), columns in `features` order"}
    json.dumps(card, allow_nan=False)  # strict JSON


def test_feature_distribution_follows_the_bin_rule(card, small):
    dist = card["featureDistribution"]
    assert [d["name"] for d in dist["features"]] == small.features
    for j, d in enumerate(dist["features"]):
        edges = np.array(d["edges"])
        assert np.all(np.diff(edges) > 0) and len(edges) <= 9
        assert sum(d["proportions"]) == pytest.approx(1)
        # recomputing with the documented rule gives the stored proportions
        x = small.X[:, j]
        manual = [np.mean(x <= edges[0])] + [np.mean((x > a) & (x <= b)) for a, b in zip(edges, edges[1:])] + \
                 [np.mean(x > edges[-1])]
        np.testing.assert_allclose(d["proportions"], manual)
        np.testing.assert_allclose(d["proportions"], 0.1, atol=0.01)  # continuous: ~deciles


def test_discrete_and_constant_features():
    X = np.column_stack([np.repeat([0, 1, 2, 3, 4], 20).astype(float), np.full(100, 3.0)])
    d = feature_distribution(X, ["dow", "const"])["features"]
    assert d[0]["edges"] == [0.0, 1.0, 2.0, 3.0] and d[0]["proportions"] == [0.2] * 5
    assert d[1]["edges"] == [] and d[1]["proportions"] == [1.0]


def test_psi():
    rng = np.random.default_rng(0)
    train = rng.normal(size=5000)
    d = feature_distribution(train[:, None], ["x"])["features"][0]
    same = proportions(rng.normal(size=5000), d["edges"])
    shifted = proportions(rng.normal(1.0, 1, 5000), d["edges"])
    assert psi(d["proportions"], d["proportions"]) == 0
    assert psi(d["proportions"], same) < 0.02 < 0.25 < psi(d["proportions"], shifted)


def test_validate_card_reports_problems(card):
    bad = {**card, "threshold": {"buy": 0.4, "sell": 0.6}}
    assert any("threshold" in p for p in validate_card(bad))
    bad = {**card, "features": list(reversed(card["features"]))}
    assert any("order" in p for p in validate_card(bad))
    assert any("feature names must match" in p for p in validate_card({**card, "features": ["Ret1", *card["features"][1:]]}))
    assert any("'name'" in p for p in validate_card({**card, "name": "Demo_1"}))
    assert any("'trainer'" in p for p in validate_card({**card, "trainer": {"package": "x"}}))
    bad = {k: v for k, v in card.items() if k != "featureSetVersion"}
    assert validate_card(bad) == ["missing 'featureSetVersion'"]
