"""Purged, embargoed walk-forward folds over *distinct timestamps*.

Many symbols share a timestamp, so folds are cut on the sorted list of distinct timestamps
(positions 0..T-1, "bars"), never on rows: every row of one bar lands on the same side.

Layout of fold k (expanding window; nothing after the validation window is ever trained on)::

    [ train ............ ][ embargo E ][ purge h ][ validation k ]
    0                     te            te+E      vs              ve

- purge: a row at bar i has a label built from bars (i, i+h]. It overlaps the validation window
  when i + h >= vs, so bars [vs - h, vs) are dropped from training. Row masks also apply the
  rule per row with the row's own label end (:func:`label_end_bars`), which is later than i + h
  for a symbol with missing bars.
- embargo: E more bars are dropped in front of the purge. De Prado's embargo drops training rows
  that *follow* a test window, because serially correlated features carry test-window information
  into them; a walk-forward fold trains only on the past, so the one boundary where that can
  happen is the one in front of validation, and the gap goes there. Train bars satisfy
  i + h + E < vs, i.e. te = vs - h - E.

The final holdout (if any) is split off first with the same purge + embargo gap, and folds are
built only inside the development part before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fold:
    """One walk-forward fold as half-open ranges [start, end) of distinct-timestamp positions."""

    index: int
    train: tuple[int, int]
    validation: tuple[int, int]
    horizon: int
    embargo: int

    @property
    def gap(self) -> tuple[int, int]:
        """Bars dropped between training and validation (embargo then purge)."""
        return (self.train[1], self.validation[0])

    def train_rows(self, ts_idx: np.ndarray, label_end: np.ndarray | None = None) -> np.ndarray:
        """Boolean row mask of the training rows, given each row's timestamp position.

        With `label_end` (see :func:`label_end_bars`) the purge is per row: a row trains only if
        its own label window ends more than `embargo` bars before validation. That also covers
        a symbol with missing bars, whose h-th next bar lies further than h positions ahead.
        """
        if label_end is None:
            return (ts_idx >= self.train[0]) & (ts_idx < self.train[1])
        return (ts_idx >= self.train[0]) & (ts_idx < self.train[1]) & (label_end + self.embargo < self.validation[0])

    def validation_rows(self, ts_idx: np.ndarray) -> np.ndarray:
        return (ts_idx >= self.validation[0]) & (ts_idx < self.validation[1])


def label_end_bars(ts_idx: np.ndarray, symbol: np.ndarray, horizon: int, n_bars: int) -> np.ndarray:
    """Timestamp position where each row's label window ends: its symbol's `horizon`-th next row.

    The dataset builder labels a row with the close `horizon` bars later in the symbol's own
    series; rows are a subset of those bars, so the `horizon`-th next *row* is at or after the
    true end (conservative). A row without one gets `n_bars` (treated as overlapping anything
    after it).
    """
    ts_idx = np.asarray(ts_idx)
    order = np.lexsort((ts_idx, np.asarray(symbol).astype(str)))  # by symbol, then time
    sym_sorted = np.asarray(symbol).astype(str)[order]
    end_sorted = np.full(order.size, n_bars, dtype=np.int64)
    if order.size > horizon:
        same = sym_sorted[horizon:] == sym_sorted[:-horizon]
        later = ts_idx[order[horizon:]]
        end_sorted[:-horizon] = np.where(same, later, n_bars)
    out = np.empty_like(end_sorted)
    out[order] = end_sorted
    return out


@dataclass(frozen=True)
class Split:
    """Development part (for the folds) and the final holdout, as timestamp-position ranges."""

    development: tuple[int, int]
    holdout: tuple[int, int] | None  # None when no holdout was asked for
    holdout_train: tuple[int, int] | None  # what the holdout model trains on (purged + embargoed)


def holdout_split(n_bars: int, holdout_frac: float, horizon: int, embargo: int) -> Split:
    """Splits off the last `holdout_frac` of bars as a holdout, with a purge + embargo gap."""
    if not 0 <= holdout_frac < 1:
        raise ValueError(f"holdout fraction must be in [0, 1), got {holdout_frac}")
    if holdout_frac == 0:
        return Split(development=(0, n_bars), holdout=None, holdout_train=None)
    size = max(1, math.ceil(n_bars * holdout_frac))
    hs = n_bars - size
    dev_end = hs - horizon - embargo
    if dev_end <= 0:
        raise ValueError(f"not enough bars ({n_bars}) for a {holdout_frac:.0%} holdout with a {horizon + embargo}-bar gap")
    return Split(development=(0, dev_end), holdout=(hs, n_bars), holdout_train=(0, dev_end))


def walk_forward_folds(
    n_bars: int,
    n_folds: int,
    horizon: int,
    embargo: int = 0,
    initial_train_frac: float = 0.4,
    min_train_bars: int = 1,
    train_window: int | None = None,
) -> list[Fold]:
    """Builds `n_folds` time-ordered folds over bars [0, n_bars).

    The first `initial_train_frac` of bars is only ever trained on; the rest is cut into
    `n_folds` consecutive validation windows of equal size (the last one takes the remainder).
    Training is expanding (everything before the gap) unless `train_window` bars is given.
    """
    if n_folds < 1:
        raise ValueError("n_folds must be >= 1")
    if horizon < 0 or embargo < 0:
        raise ValueError("horizon and embargo must be >= 0")
    if not 0 < initial_train_frac < 1:
        raise ValueError("initial_train_frac must be in (0, 1)")
    first = math.ceil(n_bars * initial_train_frac)
    size = (n_bars - first) // n_folds
    if size < 1:
        raise ValueError(f"not enough bars ({n_bars}) for {n_folds} validation windows")
    folds: list[Fold] = []
    for k in range(n_folds):
        vs = first + k * size
        ve = n_bars if k == n_folds - 1 else vs + size
        te = vs - horizon - embargo
        ts_ = 0 if train_window is None else max(0, te - train_window)
        if te - ts_ < min_train_bars:
            raise ValueError(
                f"fold {k}: only {max(te - ts_, 0)} training bars before validation bar {vs} "
                f"(purge {horizon} + embargo {embargo}); need {min_train_bars}"
            )
        folds.append(Fold(index=k, train=(ts_, te), validation=(vs, ve), horizon=horizon, embargo=embargo))
    return folds
