import numpy as np
import pytest

import tradeloop_ml.train as train_mod
from tradeloop_ml.dataset import load_dataset
from tradeloop_ml.metrics import Panel
from tradeloop_ml.synthetic import make_table, write_arrow_file
from tradeloop_ml.thresholds import choose_thresholds

from .helpers import FAST, SMALL


def test_informative_scores_give_sensible_thresholds():
    rng = np.random.default_rng(3)
    n = 2000
    r = rng.normal(0, 0.01, n)
    p = 0.5 + 0.4 * np.tanh(r / 0.01) + rng.normal(0, 0.02, n)  # high p ~ up moves
    panel = Panel.build(np.arange(n), np.array(["X"] * n, dtype=object), p, r, 1)
    t = choose_thresholds([panel], fee_bps=5, bars_year=252)
    assert 0 < t["sell"] < 0.5 < t["buy"] < 1
    assert t["validationSharpe"] > 5 and t["candidates"] > 100


def test_inverted_scores_are_never_rewarded():
    rng = np.random.default_rng(4)
    r = rng.normal(0, 0.01, 1000)
    p = 0.5 - 0.4 * np.tanh(r / 0.01)  # anti-informative
    t = choose_thresholds([Panel.build(np.arange(1000), np.array(["X"] * 1000, dtype=object), p, r, 1)], 5, 252)
    assert t["validationSharpe"] < 0


def test_thresholds_see_validation_rows_only(small, monkeypatch):
    """choose_thresholds receives exactly the walk-forward validation rows, never the holdout."""
    seen = []
    real = train_mod.choose_thresholds

    def spy(panels, *a, **k):
        seen.append(sum(int(pl.present.sum()) for pl in panels))
        return real(panels, *a, **k)

    monkeypatch.setattr(train_mod, "choose_thresholds", spy)
    res = train_mod.run_training(small, FAST)
    assert seen == [int(res.validation_rows.sum())] * 2  # model and baseline, horizon 1: every row
    assert not (res.validation_rows & res.holdout_rows).any()


def test_holdout_data_cannot_move_the_thresholds(tmp_path, small, trained):
    """Scrambling the holdout's returns and labels leaves thresholds and fold metrics unchanged."""
    t = make_table(**SMALL)
    ho = trained.holdout_rows
    fwd = t.column("forward_return").to_numpy().copy()
    fwd[ho] = -fwd[ho] * 3
    label = (fwd > 0).astype(np.int8)
    import pyarrow as pa

    t = t.set_column(t.column_names.index("forward_return"), "forward_return", pa.array(fwd))
    t = t.set_column(t.column_names.index("label"), "label", pa.array(label, pa.int8()))
    res = train_mod.run_training(load_dataset(write_arrow_file(t, tmp_path / "scrambled.arrow")), FAST)
    assert res.thresholds == trained.thresholds
    assert res.metrics["walkForward"] == trained.metrics["walkForward"]
    assert res.metrics["holdout"]["model"] != trained.metrics["holdout"]["model"]  # the holdout did change


def test_requires_validation_predictions():
    with pytest.raises(ValueError):
        choose_thresholds([], 5, 252)
