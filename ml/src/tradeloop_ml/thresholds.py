"""Buy/sell threshold choice from walk-forward *validation* predictions only.

The caller passes one :class:`~tradeloop_ml.metrics.Panel` per validation fold (out-of-fold
predictions of models trained before that fold); nothing else reaches this module, so the final
holdout cannot influence the thresholds.

Candidates come from the pooled validation predictions: buy ∈ their quantiles 50 %, 52.5 %, …,
97.5 %; sell ∈ 2.5 %, 5 %, …, 50 % (rounded to 4 decimals, sell < buy). A grid on quantiles rather
than on fixed probabilities because a weak financial model's scores crowd near 0.5. Objective:
the annualised Sharpe after fees of the per-decision portfolio returns of all validation folds
concatenated in time. Ties go to fewer trades, then to the wider HOLD band.
"""

from __future__ import annotations

import numpy as np

from .metrics import Panel, sharpe, strategy_returns

BUY_LEVELS = tuple(np.round(np.arange(0.5, 0.9751, 0.025), 4))
SELL_LEVELS = tuple(np.round(np.arange(0.025, 0.5001, 0.025), 4))


def candidate_grid(panels: list[Panel]) -> tuple[np.ndarray, np.ndarray]:
    pooled = np.concatenate([pl.p[pl.present] for pl in panels])
    if pooled.size == 0:
        raise ValueError("no validation predictions to choose thresholds from")
    buys = np.unique(np.round(np.quantile(pooled, BUY_LEVELS), 4))
    sells = np.unique(np.round(np.quantile(pooled, SELL_LEVELS), 4))
    return buys, sells


def choose_thresholds(panels: list[Panel], fee_bps: float, bars_year: float, min_trades: int = 1) -> dict:
    """Maximises pooled validation Sharpe over the candidate grid; returns the choice and its score."""
    if not panels:
        raise ValueError("need at least one validation fold")
    horizon = panels[0].horizon
    buys, sells = candidate_grid(panels)
    best: tuple | None = None
    evaluated = 0
    for buy in buys:
        for sell in sells:
            if not sell < buy:
                continue
            rets, trades = [], 0
            for pl in panels:
                r, sig = strategy_returns(pl, float(buy), float(sell), fee_bps)
                rets.append(r)
                prev = np.vstack([np.zeros((1, sig.shape[1]), dtype=np.int8), sig[:-1]])
                trades += int((sig != prev).sum())
            s = sharpe(np.concatenate(rets), bars_year / horizon)
            evaluated += 1
            if s is None or trades < min_trades:
                continue
            key = (s, -trades, float(buy) - float(sell))
            if best is None or key > best[0]:
                best = (key, float(buy), float(sell), trades)
    if best is None:
        raise ValueError("no threshold pair trades on the validation folds")
    (s, _, _), buy, sell, trades = best
    return {
        "buy": buy,
        "sell": sell,
        "validationSharpe": s,
        "validationTrades": trades,
        "candidates": evaluated,
        "objective": "max annualised Sharpe after fees of the pooled walk-forward validation folds",
        "grid": "quantiles of validation predictions: buy 50%..97.5%, sell 2.5%..50%, step 2.5%",
    }
