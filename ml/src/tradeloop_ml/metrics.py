"""Classification and trading metrics for one set of predictions.

Trading rule (DOMAIN.md "Signals from models"): signal = +1 (BUY) if p >= buy, -1 (SELL) if
p <= sell, else 0 (HOLD). The position is the signal, one unit per symbol, capital split equally
across the symbols of the evaluated window.

Strategy return of symbol s at decision d:  signal[d,s] * forward_return[d,s] - fee * |signal[d,s] -
signal[d-1,s]|, with the position flat before the first decision (entering pays the fee; the last
position is not closed). The portfolio return of a decision is the sum over symbols divided by the
number of symbols (a missing row counts as flat with zero return).

`forward_return` spans `horizon` bars, so consecutive bars' returns overlap when horizon > 1.
Decisions are therefore taken every `horizon` bars (bars 0, h, 2h, … of the window): each
decision holds for exactly the span its forward return covers, and no return is counted twice.

Sharpe = mean / sample std (ddof=1) of the per-decision portfolio returns × sqrt(decisions per
year), decisions per year = bars per year / horizon (see :func:`bars_per_year`). 0 when the
returns have no variance (e.g. never in the market). Turnover = mean over decisions of
sum_s |Δsignal| / n_symbols: the fraction of capital traded per decision (a long→short flip on
every symbol is 2.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

EPS = 1e-15


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """ROC AUC via the Mann–Whitney U statistic (ties get average ranks); None with one class."""
    y = np.asarray(y).astype(bool)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(np.asarray(p, dtype=np.float64))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean binary cross-entropy in nats, probabilities clipped to [1e-15, 1 - 1e-15]."""
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def accuracy(y: np.ndarray, p: np.ndarray) -> float:
    """Share of rows where (p >= 0.5) equals the label."""
    return float(np.mean((np.asarray(p) >= 0.5) == np.asarray(y).astype(bool)))


def signals(p: np.ndarray, buy: float, sell: float) -> np.ndarray:
    """+1 where p >= buy, -1 where p <= sell, else 0 (BUY wins if the bands touch)."""
    p = np.asarray(p)
    return np.where(p >= buy, 1, np.where(p <= sell, -1, 0)).astype(np.int8)


def bars_per_year(ts_ms: np.ndarray, days_per_year: float | None = None) -> tuple[float, dict]:
    """Bars per year for annualising, measured on the data.

    Bars per trading day = distinct timestamps / distinct UTC dates that have bars (so exchange
    hours, holidays and missing days are accounted for). Days per year = 252 (trading days) unless
    the data has weekend bars (an always-open market), then 365 — or whatever is passed.
    Returns the figure and a description of how it was obtained (written to the model card).
    """
    uniq = np.unique(np.asarray(ts_ms, dtype=np.int64))
    days = uniq // 86_400_000
    n_days = np.unique(days).size
    per_day = uniq.size / n_days
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    has_weekend = bool((weekday >= 5).any())
    if days_per_year is None:
        days_per_year = 365.0 if has_weekend else 252.0
        source = "365 (weekend bars present)" if has_weekend else "252 (trading days)"
    else:
        source = "given"
    value = per_day * days_per_year
    return value, {
        "barsPerYear": value,
        "barsPerDay": per_day,
        "daysPerYear": days_per_year,
        "daysPerYearSource": source,
        "method": "distinct timestamps / distinct UTC dates with bars × days per year",
    }


@dataclass(frozen=True)
class Panel:
    """Predictions and forward returns on the decision grid: [decisions, symbols] matrices."""

    p: np.ndarray  # float64 [D, S]
    r: np.ndarray  # float64 [D, S] forward return (0 where missing)
    present: np.ndarray  # bool [D, S]
    y: np.ndarray  # int8 [D, S] label (0 where missing)
    horizon: int

    @property
    def decisions(self) -> int:
        return int(self.p.shape[0])

    @staticmethod
    def build(ts_idx: np.ndarray, symbol: np.ndarray, p: np.ndarray, forward_return: np.ndarray,
              horizon: int, label: np.ndarray | None = None) -> "Panel":
        """Keeps every `horizon`-th bar of the window (from its first bar) as a decision."""
        ts_idx = np.asarray(ts_idx)
        bars = np.unique(ts_idx)
        first = bars[0] if bars.size else 0
        keep = (ts_idx - first) % horizon == 0
        dec_bars = np.unique(ts_idx[keep])
        syms, s_inv = np.unique(np.asarray(symbol)[keep].astype(str), return_inverse=True)
        d_inv = np.searchsorted(dec_bars, ts_idx[keep])
        D, S = dec_bars.size, syms.size
        P = np.full((D, S), 0.5)
        R = np.zeros((D, S))
        Y = np.zeros((D, S), dtype=np.int8)
        M = np.zeros((D, S), dtype=bool)
        P[d_inv, s_inv] = np.asarray(p, dtype=np.float64)[keep]
        R[d_inv, s_inv] = np.asarray(forward_return, dtype=np.float64)[keep]
        if label is not None:
            Y[d_inv, s_inv] = np.asarray(label)[keep]
        M[d_inv, s_inv] = True
        return Panel(p=P, r=R, present=M, y=Y, horizon=horizon)


def strategy_returns(panel: Panel, buy: float, sell: float, fee_bps: float) -> tuple[np.ndarray, np.ndarray]:
    """(per-decision portfolio returns [D], signal matrix [D, S])."""
    sig = signals(panel.p, buy, sell).astype(np.int8)
    sig[~panel.present] = 0
    prev = np.vstack([np.zeros((1, sig.shape[1]), dtype=np.int8), sig[:-1]])
    dpos = np.abs(sig.astype(np.int16) - prev.astype(np.int16))
    fee = fee_bps / 1e4
    per_cell = sig * panel.r - fee * dpos
    n_sym = max(sig.shape[1], 1)
    return per_cell.sum(axis=1) / n_sym, sig


def sharpe(returns: np.ndarray, decisions_per_year: float) -> float | None:
    """Annualised Sharpe of per-decision returns (no risk-free rate); None with < 2 decisions."""
    if returns.size < 2:
        return None
    sd = float(np.std(returns, ddof=1))
    if sd == 0 or not math.isfinite(sd):
        return 0.0
    return float(np.mean(returns) / sd * math.sqrt(decisions_per_year))


def trading_metrics(panel: Panel, buy: float, sell: float, fee_bps: float, bars_year: float) -> dict:
    """Sharpe, turnover, hit rate and friends of the thresholded signal after fees."""
    rets, sig = strategy_returns(panel, buy, sell, fee_bps)
    prev = np.vstack([np.zeros((1, sig.shape[1]), dtype=np.int8), sig[:-1]])
    dpos = np.abs(sig.astype(np.int16) - prev.astype(np.int16))
    n_sym = max(sig.shape[1], 1)
    active = (sig != 0) & panel.present
    hits = (sig * panel.r) > 0
    return {
        "sharpe": sharpe(rets, bars_year / panel.horizon),
        "turnover": float(dpos.sum(axis=1).mean() / n_sym) if rets.size else 0.0,
        "hitRate": float(hits[active].mean()) if active.any() else None,
        "exposure": float(np.abs(sig[panel.present]).mean()) if panel.present.any() else 0.0,
        "trades": int((dpos > 0).sum()),
        "meanReturnBps": float(rets.mean() * 1e4) if rets.size else 0.0,
        "totalReturn": float(rets.sum()),
        "decisions": panel.decisions,
    }


def classification_metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """AUC, log loss and accuracy at 0.5 over every row (not only decision bars)."""
    return {"auc": auc(y, p), "logLoss": log_loss(y, p), "accuracy": accuracy(y, p), "rows": int(np.asarray(y).size)}
