"""Small synthetic datasets in the exact `npm run ml:dataset` format, for tests and trying the CLI.

Not a data source for real models. Rows are NSE-session 1-minute bars (09:15 IST = 03:45 UTC,
weekdays), features are independent standard normals, and a planted signal drives the label:

    z = 0.5 * f0 + sign(f1 * f2)            (f0..f2 = the first three features, by position)
    forward_return = 0.001 * (strength * z + N(0, 1.2)),   label = forward_return > 0

A linear model can only use f0; trees also find the f1 × f2 interaction, so LightGBM should beat
the logistic baseline, and both should beat a coin flip when strength > 0.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

DEFAULT_FEATURES = ("ret_1", "ret_5", "ret_15", "vol_20", "rsi_14", "macd_hist", "bb_pctb", "atr_14_rel",
                    "volume_z_20", "ema_8_21_ratio", "tod_sin", "tod_cos", "dow")
SESSION_OPEN_UTC_MS = (3 * 60 + 45) * 60_000


def session_timestamps(n_days: int, bars_per_day: int, start: str = "2025-01-06", step_minutes: int = 1) -> np.ndarray:
    """Epoch-ms bar starts of `n_days` weekday sessions from `start`."""
    day = np.datetime64(start, "D")
    out = []
    while len(out) < n_days:
        if (day.astype(np.int64) + 3) % 7 < 5:  # Monday..Friday
            out.append(day)
        day += 1
    base = np.array(out).astype("datetime64[ms]").astype(np.int64) + SESSION_OPEN_UTC_MS
    minutes = np.arange(bars_per_day, dtype=np.int64) * step_minutes * 60_000
    return (base[:, None] + minutes[None, :]).ravel()


def make_table(
    n_days: int = 4,
    bars_per_day: int = 375,
    symbols: tuple[str, ...] = ("AAA", "BBB", "CCC"),
    features: tuple[str, ...] = DEFAULT_FEATURES,
    horizon: int = 1,
    strength: float = 1.0,
    drop_frac: float = 0.02,
    seed: int = 0,
    timeframe: str = "1m",
    metadata: dict[str, str] | None = None,
) -> pa.Table:
    rng = np.random.default_rng(seed)
    ts_bars = session_timestamps(n_days, bars_per_day)
    syms = np.array(sorted(symbols), dtype=object)
    ts = np.repeat(ts_bars, syms.size)
    sym = np.tile(syms, ts_bars.size)
    keep = rng.random(ts.size) >= drop_frac
    ts, sym = ts[keep], sym[keep]
    n, F = ts.size, len(features)
    X = rng.standard_normal((n, F))
    z = 0.5 * X[:, 0] + np.sign(X[:, 1] * X[:, 2]) if F >= 3 else X[:, 0]
    fwd = 0.001 * (strength * z + rng.normal(0, 1.2, n))
    label = (fwd > 0).astype(np.int8)

    meta = {
        "featureSetName": "synthetic",
        "featureSetVersion": "synthetic-v1",
        "features": json.dumps(list(features)),
        "timeframe": timeframe,
        "horizon": str(horizon),
        "symbols": json.dumps(syms.tolist()),
        "from": _iso(ts_bars[0]),
        "to": _iso(ts_bars[-1]),
        "rows": str(n),
        "createdAt": "2025-02-01T00:00:00.000Z",
        "generator": "tradeloop_ml.synthetic",
        **(metadata or {}),
    }
    arrays = [pa.array(sym.tolist(), pa.string()), pa.array(ts, pa.timestamp("ms", tz="UTC"))]
    arrays += [pa.array(X[:, j], pa.float64()) for j in range(F)]
    arrays += [pa.array(fwd, pa.float64()), pa.array(label, pa.int8())]
    names = ["symbol", "ts", *features, "forward_return", "label"]
    return pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(meta)


def write_arrow_file(table: pa.Table, path: str | Path) -> Path:
    """Writes the RecordBatch *file* format (what the trainer reads)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(p), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=4096)
    return p


def _iso(ms: int) -> str:
    return np.datetime_as_string(np.datetime64(int(ms), "ms"), unit="ms") + "Z"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tradeloop_ml.synthetic", description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--bars-per-day", type=int, default=375)
    ap.add_argument("--symbols", default="AAA,BBB,CCC")
    ap.add_argument("--horizon", type=int, default=1)
    ap.add_argument("--strength", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    t = make_table(a.days, a.bars_per_day, tuple(a.symbols.split(",")), horizon=a.horizon, strength=a.strength, seed=a.seed)
    print(write_arrow_file(t, a.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
