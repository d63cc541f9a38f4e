"""`python -m tradeloop_ml.train --dataset F.arrow --name N --version V [--out DIR]`.

Writes DIR/model.onnx, DIR/card.json and DIR/golden.json (default DIR:
$TRADELOOP_MODELS_DIR or ./models, then <name>/<version>/). Exit codes: 0 written; 2 bad dataset
or arguments; 3 ONNX/native parity failure (nothing is written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import numpy as np

from .card import FEATURE_RE, build_card, validate_card
from .dataset import Dataset, DatasetError, load_dataset
from .export import INPUT_NAME, PARITY_TOLERANCE, ParityError, check_parity, io_contract, run_onnx, session, to_onnx
from .metrics import signals
from .train import LgbmParams, TrainConfig, predict_p1, run_training

# What the server's card schema accepts (and safe as directory names).
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
OUTPUT_FILES = ("model.onnx", "card.json", "golden.json")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    d, lg = TrainConfig(), LgbmParams()
    ap = argparse.ArgumentParser(
        prog="python -m tradeloop_ml.train",
        description="Walk-forward training of a LightGBM signal model (+ logistic baseline), ONNX export, model card.",
    )
    ap.add_argument("--dataset", required=True, help="Arrow IPC file from `npm run ml:dataset`")
    ap.add_argument("--name", required=True, help="model name: lowercase letters, digits, '-' (e.g. momentum-lgbm)")
    ap.add_argument("--version", required=True, help="model version, e.g. 1 or 2026-01-15")
    ap.add_argument("--out", help="output directory (default: $TRADELOOP_MODELS_DIR|./models /<name>/<version>)")
    ap.add_argument("--force", action="store_true", help="overwrite an existing model in --out")
    g = ap.add_argument_group("validation")
    g.add_argument("--folds", type=int, default=d.folds, help=f"walk-forward validation windows (default {d.folds})")
    g.add_argument("--holdout", type=float, default=d.holdout, help=f"final holdout fraction of timestamps, 0 = none (default {d.holdout})")
    g.add_argument("--initial-train", type=float, default=d.initial_train, help=f"fraction before the first window (default {d.initial_train})")
    g.add_argument("--embargo", type=int, default=None, help="embargo in bars (default: the label horizon)")
    g.add_argument("--fee-bps", type=float, default=d.fee_bps, help=f"fee per unit of |Δsignal|, bps (default {d.fee_bps})")
    g.add_argument("--days-per-year", type=float, default=None, help="annualisation days (default 252, or 365 with weekend bars)")
    m = ap.add_argument_group("model")
    m.add_argument("--seed", type=int, default=d.seed)
    m.add_argument("--n-estimators", type=int, default=lg.n_estimators)
    m.add_argument("--learning-rate", type=float, default=lg.learning_rate)
    m.add_argument("--num-leaves", type=int, default=lg.num_leaves)
    m.add_argument("--min-child-samples", type=int, default=lg.min_child_samples)
    m.add_argument("--n-jobs", type=int, default=d.n_jobs, help="LightGBM threads (deterministic mode: 1 and 2 give the same model; use 1 on a busy machine)")
    ap.add_argument("--golden-rows", type=int, default=8, help="evenly spaced rows in golden.json (+ the min/max score rows)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if not NAME_RE.match(a.name):
        ap.error(f"--name must match {NAME_RE.pattern} (lowercase letters, digits, '-'; it becomes a directory name)")
    if not VERSION_RE.match(a.version):
        ap.error(f"--version must match {VERSION_RE.pattern} (it becomes a directory name)")
    return a


def golden_vectors(ds: Dataset, model_p1: np.ndarray, sess, thresholds: dict, n: int, meta: dict) -> dict:
    """A few dataset rows, their float32 inputs and what onnxruntime returns for them."""
    rows = set(np.linspace(0, ds.rows - 1, num=max(n, 1), dtype=int).tolist())
    rows |= {int(np.argmax(model_p1)), int(np.argmin(model_p1))}
    idx = np.array(sorted(rows))
    X = ds.X32[idx]
    out = run_onnx(sess, X)
    score = out["score"]
    sig = signals(score.astype(np.float64), thresholds["buy"], thresholds["sell"])
    return {
        **meta,
        "features": list(ds.features),
        "threshold": {"buy": thresholds["buy"], "sell": thresholds["sell"]},
        "tolerance": PARITY_TOLERANCE,
        "rows": [{"symbol": str(ds.symbol[i]), "ts": _iso(ds.ts[i])} for i in idx],
        "input": {"name": INPUT_NAME, "dtype": "float32", "shape": [int(idx.size), len(ds.features)],
                  "data": [[float(v) for v in row] for row in X]},
        "expected": {
            "score": [float(v) for v in score],
            "probabilities": [[float(v) for v in row] for row in out["probabilities"]],
            "label": [int(v) for v in out["label"]],
            "signal": [{1: "BUY", -1: "SELL", 0: "HOLD"}[int(s)] for s in sig],
        },
        "note": "input values are float32 written as exact doubles; expected values are onnxruntime outputs",
    }


def _iso(ms: int) -> str:
    return np.datetime_as_string(np.datetime64(int(ms), "ms"), unit="ms") + "Z"


def _dump(obj) -> str:
    return json.dumps(obj, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def train_to_dir(a: argparse.Namespace, argv: list[str]) -> dict:
    out = Path(a.out) if a.out else Path(os.environ.get("TRADELOOP_MODELS_DIR", "models")) / a.name / a.version
    if out.exists() and any((out / f).exists() for f in OUTPUT_FILES) and not a.force:
        raise FileExistsError(f"{out} already holds a model; a version is immutable (use a new --version, or --force)")

    ds = load_dataset(a.dataset)
    bad = [f for f in ds.features if not FEATURE_RE.match(f)]
    if bad:
        raise ValueError(f"feature names must match {FEATURE_RE.pattern} for the server's card schema: {', '.join(bad)}")
    cfg = TrainConfig(
        folds=a.folds, holdout=a.holdout, initial_train=a.initial_train, embargo=a.embargo, fee_bps=a.fee_bps,
        seed=a.seed, days_per_year=a.days_per_year, n_jobs=a.n_jobs,
        lgbm=LgbmParams(n_estimators=a.n_estimators, learning_rate=a.learning_rate, num_leaves=a.num_leaves,
                        min_child_samples=a.min_child_samples),
    )
    _say(a, f"dataset {ds.path} ({ds.rows} rows, {len(ds.features)} features, horizon {ds.horizon}, {ds.timeframe})")
    result = run_training(ds, cfg, quiet=a.quiet)

    meta = {"name": a.name, "version": a.version, "featureSetVersion": ds.feature_set_version}
    onx = to_onnx(result.model, ds.features, meta)
    # Parity on the validation (and holdout) features, as the server will see them (float32).
    rows = result.validation_rows | (result.holdout_rows if result.holdout_rows is not None else False)
    Xv = ds.X32[rows]
    parity = check_parity(onx, predict_p1(result.model, Xv), Xv)
    _say(a, f"ONNX parity: max abs diff {parity['maxAbsDiff']:.2e} over {parity['rows']} rows (tolerance {parity['tolerance']:g})")

    model_bytes = onx.SerializeToString()
    golden = golden_vectors(ds, predict_p1(result.model, ds.X32), session(model_bytes), result.thresholds["model"],
                            a.golden_rows, meta)
    onnx_info = {
        "file": "model.onnx",
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "bytes": len(model_bytes),
        **io_contract(len(ds.features)),
        "opsetImports": {(o.domain or "ai.onnx"): o.version for o in onx.opset_import},
        "irVersion": onx.ir_version,
        "metadataProps": {p.key: p.value for p in onx.metadata_props},
        "parity": parity,
    }
    card = build_card(name=a.name, version_=a.version, ds=ds, result=result, onnx_info=onnx_info,
                      golden_info={"file": "golden.json", "rows": len(golden["rows"])}, argv=argv)
    problems = validate_card(card)
    if problems:
        raise RuntimeError("card is invalid: " + "; ".join(problems))

    # Write everything beside the target first, then move into place.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        (tmp / "model.onnx").write_bytes(model_bytes)
        (tmp / "card.json").write_text(_dump(card))
        (tmp / "golden.json").write_text(_dump(golden))
        out.mkdir(exist_ok=True)
        for f in OUTPUT_FILES:
            os.replace(tmp / f, out / f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _summary(a, card, out)
    return card


def _say(a: argparse.Namespace, msg: str) -> None:
    if not a.quiet:
        print(msg, file=sys.stderr, flush=True)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v)


def _summary(a: argparse.Namespace, card: dict, out: Path) -> None:
    if a.quiet:
        return
    m = card["metrics"]
    wf, ho = m["walkForward"], m["holdout"]
    cols = ("auc", "logLoss", "hitRate", "sharpe", "turnover")
    print(f"{'':18}" + "".join(f"{c:>10}" for c in cols))
    for kind in ("model", "baseline"):
        for row in wf[kind]["folds"]:
            print(f"{kind + ' fold ' + str(row['fold']):18}" + "".join(f"{_fmt(row.get(c)):>10}" for c in cols))
        print(f"{kind + ' mean':18}" + "".join(f"{_fmt(wf[kind]['mean'].get(c)):>10}" for c in cols))
        if ho:
            print(f"{kind + ' holdout':18}" + "".join(f"{_fmt(ho[kind].get(c)):>10}" for c in cols))
    t = card["threshold"]
    print(f"thresholds (validation folds only): buy >= {t['buy']}, sell <= {t['sell']}; "
          f"fee {m['trading']['feeBps']} bps; Sharpe annualised with {m['trading']['annualization']['barsPerYear']:.0f} bars/year")
    print(f"wrote {out}/model.onnx, card.json, golden.json", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    a = parse_args(argv)
    try:
        train_to_dir(a, argv)
    except DatasetError as e:
        print(f"dataset error: {e}", file=sys.stderr)
        return 2
    except (FileExistsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ParityError as e:
        print(f"ONNX parity check failed, nothing written: {e}", file=sys.stderr)
        return 3
    return 0
