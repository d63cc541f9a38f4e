import json

import numpy as np
import pyarrow as pa
import pytest

from tradeloop_ml.dataset import DatasetError, load_dataset
from tradeloop_ml.synthetic import make_table


def test_reads_a_valid_file(small_path):
    ds = load_dataset(small_path)
    assert ds.features == json.loads(ds.metadata["features"])
    assert ds.X.shape == (ds.rows, len(ds.features)) and ds.X.dtype == np.float64
    assert ds.X32.dtype == np.float32
    assert ds.label.dtype == np.int8 and set(np.unique(ds.label)) == {0, 1}
    assert ds.horizon == 1 and ds.timeframe == "1m" and ds.feature_set_version == "synthetic-v1"
    assert len(ds.sha256) == 64
    assert np.all(np.diff(ds.ts) >= 0)
    # ts are epoch ms UTC: the first bar is 09:15 IST on 2025-01-06.
    assert ds.ts[0] == np.datetime64("2025-01-06T03:45:00", "ms").astype(np.int64)


def test_feature_names_and_order_come_from_metadata(write):
    names = ("zeta", "alpha", "mid", "b")
    t = make_table(n_days=1, bars_per_day=50, features=names)
    ds = load_dataset(write(t))
    assert ds.features == list(names)
    for j, n in enumerate(names):
        np.testing.assert_array_equal(ds.X[:, j], t.column(n).to_numpy())


def _with_meta(t, **changes):
    meta = {k.decode(): v.decode() for k, v in t.schema.metadata.items()}
    for k, v in changes.items():
        if v is None:
            meta.pop(k)
        else:
            meta[k] = v
    return t.replace_schema_metadata(meta)


def _set_col(t, name, arr):
    return t.set_column(t.column_names.index(name), name, arr)


def _base():
    return make_table(n_days=1, bars_per_day=40, seed=1)


def _nan_in(t, name, row, value=np.nan):
    x = t.column(name).to_numpy().copy()
    x[row] = value
    return _set_col(t, name, pa.array(x, pa.float64()))


BROKEN = {
    "missing metadata": (lambda t: _with_meta(t, featureSetVersion=None), "metadata is missing: featureSetVersion"),
    "features not json": (lambda t: _with_meta(t, features="ret_1,ret_5"), "'features' is not valid JSON"),
    "horizon not int": (lambda t: _with_meta(t, horizon="1.5"), "'horizon' must be an integer"),
    "rows mismatch": (lambda t: _with_meta(t, rows="3"), "metadata 'rows' says 3"),
    "missing column": (lambda t: t.drop_columns(["rsi_14"]), "columns missing: rsi_14"),
    "extra column": (lambda t: t.append_column("extra", pa.array(np.zeros(t.num_rows))), "unexpected columns: extra"),
    "out of order": (lambda t: t.select(["ts", "symbol", *t.column_names[2:]]), "columns out of order"),
    "ts without tz": (lambda t: _set_col(t, "ts", t.column("ts").cast(pa.timestamp("ms"))), "timestamp[ms, tz=UTC]"),
    "ts in us": (lambda t: _set_col(t, "ts", t.column("ts").cast(pa.timestamp("us", tz="UTC"))), "timestamp[ms, tz=UTC]"),
    "float32 feature": (lambda t: _set_col(t, "vol_20", t.column("vol_20").cast(pa.float32())), "'vol_20' must be float64"),
    "label int64": (lambda t: _set_col(t, "label", t.column("label").cast(pa.int64())), "'label' must be int8"),
    "label value 2": (lambda t: _set_col(t, "label", pa.array(np.full(t.num_rows, 2, np.int8))), "'label' must be 0 or 1"),
    "nan feature": (lambda t: _nan_in(t, "macd_hist", 5), "'macd_hist' has 1 non-finite value(s), first at row 5"),
    "inf feature": (lambda t: _nan_in(t, "dow", 7, np.inf), "'dow' has 1 non-finite"),
    "nan forward return": (lambda t: _nan_in(t, "forward_return", 3), "'forward_return' has non-finite"),
    "null": (lambda t: _set_col(t, "ret_1", pa.array([None] + t.column("ret_1").to_pylist()[1:], pa.float64())),
             "'ret_1' has 1 null"),
    "unsorted ts": (lambda t: t.take(np.r_[3:t.num_rows, 0:3]), "not sorted by ts"),
    "duplicate row": (lambda t: _with_meta(t.take(np.r_[0, 0:t.num_rows]), rows=str(t.num_rows + 1)), "duplicate symbols"),
    "undeclared symbol": (lambda t: _with_meta(t, symbols='["AAA"]'), "not listed in metadata 'symbols'"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_rejects_broken_files_with_a_clear_message(write, case):
    breaker, message = BROKEN[case]
    with pytest.raises(DatasetError) as e:
        load_dataset(write(breaker(_base())))
    assert message in str(e.value)


def test_rejects_the_stream_format_and_non_arrow_files(tmp_path):
    t = _base()
    stream = tmp_path / "s.arrow"
    with pa.OSFile(str(stream), "wb") as sink, pa.ipc.new_stream(sink, t.schema) as w:
        w.write_table(t)
    with pytest.raises(DatasetError, match=r"Arrow IPC \*stream\*"):
        load_dataset(stream)
    junk = tmp_path / "j.arrow"
    junk.write_text("symbol,ts\n")
    with pytest.raises(DatasetError, match="not an Arrow IPC file"):
        load_dataset(junk)
    with pytest.raises(DatasetError, match="not found"):
        load_dataset(tmp_path / "missing.arrow")
