"""Reads and validates the training dataset written by `npm run ml:dataset`.

The contract (one Arrow IPC *file*, RecordBatch file format):

- columns, in this order: ``symbol`` (utf8), ``ts`` (timestamp[ms, UTC]), one float64 column per
  feature (names and order from the ``features`` metadata key), ``forward_return`` (float64),
  ``label`` (int8, 0/1);
- schema metadata (utf8): ``featureSetName``, ``featureSetVersion``, ``features`` (JSON array),
  ``timeframe``, ``horizon`` (integer as a string), ``symbols`` (JSON array), ``from``, ``to``
  (ISO), ``rows``, ``createdAt``, ``generator``;
- rows sorted by ``ts`` then ``symbol``, one row per (ts, symbol), no nulls, finite numbers.

Anything else raises :class:`DatasetError` with a message that says what is wrong and where.
Feature names are always taken from the metadata, never assumed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

REQUIRED_METADATA = (
    "featureSetName",
    "featureSetVersion",
    "features",
    "timeframe",
    "horizon",
    "symbols",
    "from",
    "to",
    "rows",
    "createdAt",
    "generator",
)
FIXED_LEADING = ("symbol", "ts")
FIXED_TRAILING = ("forward_return", "label")
UTC_NAMES = {"UTC", "Etc/UTC", "+00:00", "Z"}


class DatasetError(ValueError):
    """The dataset file does not follow the contract; the message names the problem."""


@dataclass(frozen=True)
class Dataset:
    """A validated dataset held as numpy arrays (row order as in the file: ts, then symbol)."""

    path: Path
    sha256: str
    metadata: dict[str, str]
    features: list[str]
    symbol: np.ndarray  # object array of str, shape [N]
    ts: np.ndarray  # int64 epoch milliseconds UTC, shape [N]
    X: np.ndarray  # float64 [N, F], columns in `features` order
    forward_return: np.ndarray  # float64 [N]
    label: np.ndarray  # int8 [N], 0/1
    horizon: int
    timeframe: str
    feature_set_name: str
    feature_set_version: str
    declared_symbols: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return int(self.ts.shape[0])

    @property
    def X32(self) -> np.ndarray:
        """Features as the model sees them: float32, the ONNX input type."""
        return self.X.astype(np.float32)

    def ts_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(distinct sorted timestamps, index of each row's timestamp among them)."""
        uniq, inv = np.unique(self.ts, return_inverse=True)
        return uniq, inv.astype(np.int64)


def _json_list(meta: dict[str, str], key: str) -> list[str]:
    try:
        value = json.loads(meta[key])
    except json.JSONDecodeError as e:
        raise DatasetError(f"metadata '{key}' is not valid JSON: {e}") from None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DatasetError(f"metadata '{key}' must be a JSON array of non-empty strings")
    return value


def _is_utf8(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_table(path: str | Path) -> pa.Table:
    """Opens an Arrow IPC file; a stream-format file or a non-Arrow file is a DatasetError."""
    p = Path(path)
    if not p.is_file():
        raise DatasetError(f"dataset file not found: {p}")
    try:
        with pa.memory_map(str(p), "r") as source:
            return pa.ipc.open_file(source).read_all()
    except pa.ArrowInvalid as e:
        hint = ""
        try:
            with pa.memory_map(str(p), "r") as source:
                pa.ipc.open_stream(source).read_all()
            hint = " (it is an Arrow IPC *stream*; write the RecordBatch *file* format)"
        except Exception:  # noqa: BLE001 - only used to improve the message
            pass
        raise DatasetError(f"{p} is not an Arrow IPC file{hint}: {e}") from None


def validate_table(table: pa.Table, path: Path | None = None, sha256: str = "") -> Dataset:
    """Checks a table against the contract and converts it to a :class:`Dataset`."""
    raw_meta = table.schema.metadata or {}
    meta = {k.decode("utf-8"): v.decode("utf-8") for k, v in raw_meta.items()}
    missing_meta = [k for k in REQUIRED_METADATA if k not in meta]
    if missing_meta:
        raise DatasetError(f"schema metadata is missing: {', '.join(missing_meta)}")

    features = _json_list(meta, "features")
    if not features:
        raise DatasetError("metadata 'features' is empty")
    dupes = sorted({f for f in features if features.count(f) > 1})
    if dupes:
        raise DatasetError(f"metadata 'features' repeats: {', '.join(dupes)}")
    clash = [f for f in features if f in FIXED_LEADING + FIXED_TRAILING]
    if clash:
        raise DatasetError(f"feature names clash with fixed columns: {', '.join(clash)}")
    declared_symbols = _json_list(meta, "symbols")
    try:
        horizon = int(meta["horizon"])
    except ValueError:
        raise DatasetError(f"metadata 'horizon' must be an integer, got {meta['horizon']!r}") from None
    if horizon < 1:
        raise DatasetError(f"metadata 'horizon' must be >= 1, got {horizon}")
    for key in ("featureSetVersion", "featureSetName", "timeframe"):
        if not meta[key].strip():
            raise DatasetError(f"metadata '{key}' is empty")

    expected = list(FIXED_LEADING) + features + list(FIXED_TRAILING)
    actual = table.column_names
    missing_cols = [c for c in expected if c not in actual]
    if missing_cols:
        raise DatasetError(f"columns missing: {', '.join(missing_cols)}")
    if actual != expected:
        extra = [c for c in actual if c not in expected]
        if extra:
            raise DatasetError(f"unexpected columns: {', '.join(extra)} (expected exactly {expected})")
        raise DatasetError(f"columns out of order: got {actual}, expected {expected}")

    schema = table.schema
    if not _is_utf8(schema.field("symbol").type):
        raise DatasetError(f"column 'symbol' must be utf8, got {schema.field('symbol').type}")
    ts_type = schema.field("ts").type
    if not (pa.types.is_timestamp(ts_type) and ts_type.unit == "ms" and ts_type.tz in UTC_NAMES):
        raise DatasetError(f"column 'ts' must be timestamp[ms, tz=UTC], got {ts_type}")
    for name in features + ["forward_return"]:
        t = schema.field(name).type
        if not pa.types.is_float64(t):
            raise DatasetError(f"column '{name}' must be float64, got {t}")
    if not pa.types.is_int8(schema.field("label").type):
        raise DatasetError(f"column 'label' must be int8, got {schema.field('label').type}")

    for name in actual:
        nulls = table.column(name).null_count
        if nulls:
            raise DatasetError(f"column '{name}' has {nulls} null value(s)")

    n = table.num_rows
    if n == 0:
        raise DatasetError("the dataset has no rows")
    try:
        declared_rows = int(meta["rows"])
    except ValueError:
        raise DatasetError(f"metadata 'rows' must be an integer, got {meta['rows']!r}") from None
    if declared_rows != n:
        raise DatasetError(f"metadata 'rows' says {declared_rows} but the file has {n} rows")

    symbol = np.asarray(table.column("symbol").to_pylist(), dtype=object)
    ts = table.column("ts").cast(pa.int64()).to_numpy()
    X = np.column_stack([table.column(f).to_numpy() for f in features]).astype(np.float64, copy=False)
    fwd = table.column("forward_return").to_numpy().astype(np.float64, copy=False)
    label = table.column("label").to_numpy().astype(np.int8, copy=False)

    finite = np.isfinite(X)
    if not finite.all():
        bad_cols = np.where(~finite.all(axis=0))[0]
        parts = []
        for j in bad_cols:
            rows = np.where(~finite[:, j])[0]
            r = rows[0]
            parts.append(
                f"'{features[j]}' has {rows.size} non-finite value(s), first at row {r} "
                f"({symbol[r]} @ {_iso(ts[r])}: {X[r, j]})"
            )
        raise DatasetError("non-finite feature values: " + "; ".join(parts))
    if not np.isfinite(fwd).all():
        r = int(np.where(~np.isfinite(fwd))[0][0])
        raise DatasetError(f"'forward_return' has non-finite values, first at row {r} ({symbol[r]} @ {_iso(ts[r])})")
    bad_labels = ~np.isin(label, (0, 1))
    if bad_labels.any():
        r = int(np.where(bad_labels)[0][0])
        raise DatasetError(f"'label' must be 0 or 1, got {label[r]} at row {r}")

    # Sorted by ts then symbol, with no duplicate (ts, symbol).
    if n > 1:
        dts = np.diff(ts)
        if (dts < 0).any():
            r = int(np.where(dts < 0)[0][0]) + 1
            raise DatasetError(f"rows are not sorted by ts: row {r} ({_iso(ts[r])}) comes after {_iso(ts[r - 1])}")
        same = np.where(dts == 0)[0]
        ordered = (symbol[same] < symbol[same + 1]).astype(bool)
        if not ordered.all():
            i = int(same[np.where(~ordered)[0][0]])
            what = "duplicate" if symbol[i] == symbol[i + 1] else "unsorted"
            raise DatasetError(
                f"{what} symbols within ts {_iso(ts[i])}: row {i} {symbol[i]!r}, row {i + 1} {symbol[i + 1]!r}"
            )
    undeclared = sorted(set(symbol.tolist()) - set(declared_symbols))
    if undeclared:
        raise DatasetError(f"symbols not listed in metadata 'symbols': {', '.join(undeclared[:10])}")
    if len(np.unique(label)) < 2:
        raise DatasetError("'label' has a single class; nothing to learn")

    return Dataset(
        path=path or Path("<memory>"),
        sha256=sha256,
        metadata=meta,
        features=features,
        symbol=symbol,
        ts=ts.astype(np.int64),
        X=X,
        forward_return=fwd,
        label=label,
        horizon=horizon,
        timeframe=meta["timeframe"],
        feature_set_name=meta["featureSetName"],
        feature_set_version=meta["featureSetVersion"],
        declared_symbols=declared_symbols,
    )


def load_dataset(path: str | Path) -> Dataset:
    """Reads and validates a dataset file; raises :class:`DatasetError` if it breaks the contract."""
    p = Path(path)
    table = read_table(p)
    return validate_table(table, path=p, sha256=_sha256(p))


def _iso(ms: int) -> str:
    return np.datetime_as_string(np.datetime64(int(ms), "ms"), unit="ms") + "Z"
