import itertools

import numpy as np
import pytest

from tradeloop_ml.walk_forward import holdout_split, label_end_bars, walk_forward_folds


@pytest.mark.parametrize("n,k,h,e", list(itertools.product([100, 257], [1, 3, 5], [1, 5], [0, 3])))
def test_fold_geometry(n, k, h, e):
    folds = walk_forward_folds(n, k, h, e, initial_train_frac=0.4)
    assert len(folds) == k
    prev_end = None
    for f in folds:
        ts0, te = f.train
        vs, ve = f.validation
        assert 0 <= ts0 < te <= vs < ve <= n
        # purge: no training label window (i, i+h] reaches the validation window ...
        assert (te - 1) + h < vs
        # ... and the embargo adds e more bars: the gap is exactly purge + embargo.
        assert vs - te == h + e
        # time order: validation windows follow each other without overlap, covering the tail.
        assert prev_end is None or vs == prev_end
        prev_end = ve
    assert folds[0].validation[0] == int(np.ceil(n * 0.4)) and folds[-1].validation[1] == n
    # expanding window: each fold trains on at least what the previous one did
    assert all(a.train[1] < b.train[1] and a.train[0] == b.train[0] == 0 for a, b in zip(folds, folds[1:]))


def test_rolling_window_and_errors():
    folds = walk_forward_folds(200, 2, 2, 1, train_window=30)
    assert all(f.train[1] - f.train[0] == 30 for f in folds)
    with pytest.raises(ValueError, match="not enough bars"):
        walk_forward_folds(5, 10, 1)
    with pytest.raises(ValueError, match="training bars"):
        walk_forward_folds(20, 2, horizon=10, embargo=5, min_train_bars=5)


def test_holdout_split_gap():
    s = holdout_split(1000, 0.2, horizon=3, embargo=4)
    assert s.holdout == (800, 1000)
    assert s.development == (0, 793) and s.holdout_train == (0, 793)
    assert s.holdout[0] - s.development[1] == 3 + 4
    assert holdout_split(1000, 0, 3, 4).holdout is None


def test_folds_cut_timestamps_not_rows(small):
    """Every row of a timestamp lands on one side; purge and embargo hold on real rows."""
    bars, ts_idx = small.ts_index()
    h, e = 5, 7
    end = label_end_bars(ts_idx, small.symbol, h, bars.size)
    for f in walk_forward_folds(bars.size, 3, h, e):
        tr, va = f.train_rows(ts_idx, end), f.validation_rows(ts_idx)
        assert (end[tr] + e < ts_idx[va].min()).all()  # per-row purge (2 % of rows are missing)
        assert not (tr & va).any()
        assert set(small.ts[tr]).isdisjoint(set(small.ts[va]))
        # whole timestamps: every row sharing a validation timestamp is in validation
        assert va.sum() == np.isin(small.ts, small.ts[va]).sum()
        # the latest training label window ends more than `e` bars before validation starts
        assert ts_idx[tr].max() + h + e < ts_idx[va].min()
        assert small.ts[tr].max() < small.ts[va].min()


def test_label_end_follows_each_symbols_own_series():
    # bars 0..5; B has no row at bars 2 and 3, so its horizon-2 label from bar 1 ends at bar 5
    ts_idx = np.array([0, 0, 1, 1, 2, 3, 4, 4, 5, 5])
    sym = np.array(["A", "B", "A", "B", "A", "A", "A", "B", "A", "B"], dtype=object)
    end = label_end_bars(ts_idx, sym, horizon=2, n_bars=6)
    np.testing.assert_array_equal(end, [2, 4, 3, 5, 4, 5, 6, 6, 6, 6])


def test_per_row_purge_covers_symbols_with_missing_bars():
    n_bars, h, e = 60, 3, 2
    rows = [(t, s) for t in range(n_bars) for s in ("A", "B") if not (s == "B" and 20 <= t < 30)]
    ts_idx = np.array([t for t, _ in rows])
    sym = np.array([s for _, s in rows], dtype=object)
    end = label_end_bars(ts_idx, sym, h, n_bars)
    fold = walk_forward_folds(n_bars, 1, h, e, initial_train_frac=0.5)[0]  # validation from bar 30
    tr = fold.train_rows(ts_idx, end)
    assert (end[tr] + e < fold.validation[0]).all()
    # B's rows just before its gap have labels reaching past bar 30: purged although i + h + e < 30
    b_last = (sym == "B") & (ts_idx == 19)
    assert ts_idx[b_last][0] + h + e < fold.validation[0] and not tr[b_last].any()
    # A (no gap) keeps everything up to the nominal gap
    assert ts_idx[tr & (sym == "A")].max() == fold.train[1] - 1
