import math

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.metrics import roc_auc_score

from tradeloop_ml.metrics import (Panel, accuracy, auc, bars_per_year, log_loss, sharpe, signals, strategy_returns,
                                  trading_metrics)
from tradeloop_ml.synthetic import session_timestamps


def test_auc_by_hand_and_against_sklearn():
    # pairs (neg, pos): (0.1,0.35) ok (0.1,0.8) ok (0.4,0.35) wrong (0.4,0.8) ok -> 3/4
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)  # ties count half
    assert auc([1, 1], [0.2, 0.9]) is None
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 500), np.round(rng.random(500), 2)
    assert auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)


def test_log_loss_and_accuracy_by_hand():
    assert log_loss([1, 0], [0.8, 0.3]) == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    assert log_loss([1], [0.0]) == pytest.approx(-math.log(1e-15))  # clipped, not infinite
    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 2, 300), rng.random(300)
    assert log_loss(y, p) == pytest.approx(sk_log_loss(y, p), abs=1e-12)
    assert accuracy([1, 0, 1, 0], [0.5, 0.49, 0.2, 0.9]) == 0.5


def test_signal_rule_boundaries():
    np.testing.assert_array_equal(signals([0.7, 0.6, 0.5, 0.4, 0.3], buy=0.6, sell=0.4), [1, 1, 0, -1, -1])


def one_symbol(p, r, horizon=1):
    n = len(p)
    return Panel.build(np.arange(n), np.array(["X"] * n, dtype=object), np.array(p), np.array(r), horizon)


def test_strategy_returns_sharpe_turnover_hit_rate_by_hand():
    panel = one_symbol([0.9, 0.9, 0.1, 0.5], [0.01, -0.02, -0.01, 0.03])
    # signals +1 +1 -1 0; |Δ| from flat: 1 0 2 1; fee 10 bps = 0.001 per unit
    rets, sig = strategy_returns(panel, buy=0.6, sell=0.4, fee_bps=10)
    np.testing.assert_array_equal(sig[:, 0], [1, 1, -1, 0])
    expected = np.array([0.01 - 0.001, -0.02, 0.01 - 0.002, -0.001])
    np.testing.assert_allclose(rets, expected)
    m = trading_metrics(panel, 0.6, 0.4, fee_bps=10, bars_year=252)
    sd = math.sqrt(sum((x - expected.mean()) ** 2 for x in expected) / 3)
    assert m["sharpe"] == pytest.approx(expected.mean() / sd * math.sqrt(252))
    assert m["turnover"] == pytest.approx((1 + 0 + 2 + 1) / 4)
    assert m["hitRate"] == pytest.approx(2 / 3)  # +0.01 hit, -0.02 miss, short into -0.01 hit
    assert m["trades"] == 3 and m["decisions"] == 4
    assert m["exposure"] == pytest.approx(3 / 4)
    assert m["totalReturn"] == pytest.approx(expected.sum())


def test_portfolio_is_equal_weight_and_missing_rows_are_flat():
    ts_idx = np.array([0, 0, 1])  # symbol B has no row at bar 1
    sym = np.array(["A", "B", "A"], dtype=object)
    panel = Panel.build(ts_idx, sym, np.array([0.9, 0.9, 0.9]), np.array([0.02, 0.04, 0.01]), 1)
    rets, sig = strategy_returns(panel, 0.6, 0.4, fee_bps=0)
    np.testing.assert_allclose(rets, [(0.02 + 0.04) / 2, 0.01 / 2])
    np.testing.assert_array_equal(sig, [[1, 1], [1, 0]])
    # with fees: B leaving its position at bar 1 pays too
    rets, _ = strategy_returns(panel, 0.6, 0.4, fee_bps=100)
    np.testing.assert_allclose(rets, [(0.02 - 0.01 + 0.04 - 0.01) / 2, (0.01 - 0.01) / 2])


def test_horizon_h_decides_every_h_bars():
    # horizon 2: bars 0, 2, 4 are decisions; bars 1, 3 (overlapping returns) are skipped
    panel = one_symbol([0.9, 0.1, 0.9, 0.1, 0.1], [0.01, 9, 0.02, 9, -0.03], horizon=2)
    assert panel.decisions == 3
    rets, _ = strategy_returns(panel, 0.6, 0.4, fee_bps=0)
    np.testing.assert_allclose(rets, [0.01, 0.02, 0.03])
    m = trading_metrics(panel, 0.6, 0.4, 0, bars_year=100)
    assert m["sharpe"] == pytest.approx(np.mean(rets) / np.std(rets, ddof=1) * math.sqrt(100 / 2))


def test_sharpe_edge_cases():
    assert sharpe(np.array([0.0, 0.0, 0.0]), 252) == 0.0
    assert sharpe(np.array([0.01]), 252) is None


def test_bars_per_year_from_sessions():
    ts = session_timestamps(n_days=5, bars_per_day=375)
    value, info = bars_per_year(ts)
    assert value == 375 * 252 and info["barsPerDay"] == 375 and info["daysPerYear"] == 252
    every_day = np.arange(7) * 86_400_000 + np.datetime64("2025-01-06", "ms").astype(np.int64)
    assert bars_per_year(every_day)[0] == 365  # weekend bars: an always-open market
    assert bars_per_year(ts, days_per_year=250)[0] == 375 * 250
