"""Walk-forward training of the LightGBM model beside a logistic-regression baseline.

Steps (all deterministic for a seed):
1. split the distinct timestamps into a development part and a final holdout (purge + embargo gap);
2. walk-forward folds inside the development part: fit both models on each fold's training rows,
   predict its validation rows (out-of-fold predictions);
3. choose buy/sell thresholds per model on the pooled validation predictions only;
4. per-fold metrics (AUC, log loss, accuracy, and the thresholded signal's Sharpe, turnover, hit
   rate after fees), then the holdout scored by models fitted on the whole development part;
5. the shipped model: LightGBM refitted with the same parameters on every row.

The models see float32 features (the ONNX input type), so the native predictions the ONNX export
is checked against are the ones the server will reproduce.

Run as a module for the CLI: ``python -m tradeloop_ml.train --help``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .dataset import Dataset
from .export import snap_thresholds_to_float32
from .metrics import Panel, bars_per_year, classification_metrics, trading_metrics
from .thresholds import choose_thresholds
from .walk_forward import Fold, holdout_split, label_end_bars, walk_forward_folds


@dataclass(frozen=True)
class LgbmParams:
    n_estimators: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_child_samples: int = 50
    subsample: float = 0.8
    subsample_freq: int = 1
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0


@dataclass(frozen=True)
class TrainConfig:
    folds: int = 4
    holdout: float = 0.2
    initial_train: float = 0.4
    embargo: int | None = None  # bars; None = the label horizon
    fee_bps: float = 5.0
    seed: int = 42
    days_per_year: float | None = None
    n_jobs: int = 2
    lgbm: LgbmParams = field(default_factory=LgbmParams)

    def embargo_bars(self, horizon: int) -> int:
        return horizon if self.embargo is None else self.embargo


def fit_lightgbm(X: np.ndarray, y: np.ndarray, params: LgbmParams, seed: int, n_jobs: int = 2) -> lgb.LGBMClassifier:
    model = lgb.LGBMClassifier(
        objective="binary",
        random_state=seed,
        deterministic=True,
        force_row_wise=True,
        n_jobs=n_jobs,
        verbose=-1,
        **asdict(params),
    )
    model.fit(np.asarray(X, dtype=np.float32), y)
    # Served on float32 inputs: make the split values float32 too (no prediction changes; see export).
    snap_thresholds_to_float32(model)
    return model


def fit_logistic(X: np.ndarray, y: np.ndarray, seed: int) -> Pipeline:
    model = Pipeline([
        ("scale", StandardScaler()),
        ("logistic", LogisticRegression(C=1.0, max_iter=2000, random_state=seed)),
    ])
    return model.fit(np.asarray(X, dtype=np.float32), y)


def predict_p1(model, X: np.ndarray) -> np.ndarray:
    """P(label = 1) from a fitted model on float32 features, as float64."""
    return model.predict_proba(np.asarray(X, dtype=np.float32))[:, 1].astype(np.float64)


@dataclass
class TrainingResult:
    model: lgb.LGBMClassifier  # refitted on all rows: the one exported
    baseline: Pipeline  # refitted on all rows (not exported; kept for comparison/tests)
    thresholds: dict  # {"model": {...}, "baseline": {...}}
    metrics: dict  # card["metrics"]
    validation_rows: np.ndarray  # bool mask of rows that were in some validation window
    holdout_rows: np.ndarray | None
    config: TrainConfig
    annualization: dict
    seconds: float


def _iso(ms: int) -> str:
    return np.datetime_as_string(np.datetime64(int(ms), "ms"), unit="ms") + "Z"


def _range(bars: np.ndarray, lo: int, hi: int, rows: int) -> dict:
    return {"from": _iso(bars[lo]), "to": _iso(bars[hi - 1]), "bars": hi - lo, "rows": rows}


def _mean(rows: list[dict], keys: tuple[str, ...]) -> dict:
    out = {}
    for k in keys:
        vals = [r[k] for r in rows if r.get(k) is not None]
        out[k] = float(np.mean(vals)) if vals else None
    return out


MEAN_KEYS = ("auc", "logLoss", "accuracy", "hitRate", "sharpe", "turnover", "exposure", "meanReturnBps")


def _f(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


def _log(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def run_training(ds: Dataset, cfg: TrainConfig = TrainConfig(), quiet: bool = True) -> TrainingResult:
    started = time.perf_counter()
    X, y = ds.X32, ds.label
    bars, ts_idx = ds.ts_index()
    h = ds.horizon
    embargo = cfg.embargo_bars(h)
    bars_year, annualization = bars_per_year(ds.ts, cfg.days_per_year)
    label_end = label_end_bars(ts_idx, ds.symbol, h, bars.size)

    split = holdout_split(bars.size, cfg.holdout, h, embargo)
    dev_lo, dev_hi = split.development
    folds: list[Fold] = walk_forward_folds(
        dev_hi - dev_lo, cfg.folds, h, embargo, initial_train_frac=cfg.initial_train, min_train_bars=max(2 * h, 10)
    )

    fold_rows = {"model": [], "baseline": []}
    panels = {"model": [], "baseline": []}
    validation_rows = np.zeros(ds.rows, dtype=bool)
    for fold in folds:
        tr = fold.train_rows(ts_idx, label_end)
        va = fold.validation_rows(ts_idx)
        validation_rows |= va
        if np.unique(y[tr]).size < 2:
            raise ValueError(f"fold {fold.index}: the training rows have a single class")
        models = {
            "model": fit_lightgbm(X[tr], y[tr], cfg.lgbm, cfg.seed, cfg.n_jobs),
            "baseline": fit_logistic(X[tr], y[tr], cfg.seed),
        }
        for kind, m in models.items():
            p = predict_p1(m, X[va])
            panels[kind].append(Panel.build(ts_idx[va], ds.symbol[va], p, ds.forward_return[va], h, y[va]))
            fold_rows[kind].append({
                "fold": fold.index,
                "train": _range(bars, *fold.train, int(tr.sum())),
                "validation": _range(bars, *fold.validation, int(va.sum())),
                **classification_metrics(y[va], p),
            })
        _log(f"fold {fold.index}: train {int(tr.sum())} rows, validation {int(va.sum())} rows, "
             f"AUC model {_f(fold_rows['model'][-1]['auc'])} baseline {_f(fold_rows['baseline'][-1]['auc'])}", quiet)

    # Thresholds from validation panels only; then the trading metrics of each fold with them.
    thresholds = {k: choose_thresholds(panels[k], cfg.fee_bps, bars_year) for k in panels}
    for kind in panels:
        t = thresholds[kind]
        for row, panel in zip(fold_rows[kind], panels[kind]):
            row.update(trading_metrics(panel, t["buy"], t["sell"], cfg.fee_bps, bars_year))

    holdout = None
    holdout_rows = None
    if split.holdout is not None:
        tr = ((ts_idx >= split.holdout_train[0]) & (ts_idx < split.holdout_train[1])
              & (label_end + embargo < split.holdout[0]))
        ho = (ts_idx >= split.holdout[0]) & (ts_idx < split.holdout[1])
        holdout_rows = ho
        holdout = {
            "train": _range(bars, *split.holdout_train, int(tr.sum())),
            "holdout": _range(bars, *split.holdout, int(ho.sum())),
        }
        hm = {
            "model": fit_lightgbm(X[tr], y[tr], cfg.lgbm, cfg.seed, cfg.n_jobs),
            "baseline": fit_logistic(X[tr], y[tr], cfg.seed),
        }
        for kind, m in hm.items():
            p = predict_p1(m, X[ho])
            panel = Panel.build(ts_idx[ho], ds.symbol[ho], p, ds.forward_return[ho], h, y[ho])
            t = thresholds[kind]
            holdout[kind] = {**classification_metrics(y[ho], p),
                             **trading_metrics(panel, t["buy"], t["sell"], cfg.fee_bps, bars_year)}
        _log(f"holdout: AUC model {_f(holdout['model']['auc'])} baseline {_f(holdout['baseline']['auc'])}; "
             f"Sharpe model {_f(holdout['model']['sharpe'])} baseline {_f(holdout['baseline']['sharpe'])}", quiet)

    final_model = fit_lightgbm(X, y, cfg.lgbm, cfg.seed, cfg.n_jobs)
    final_baseline = fit_logistic(X, y, cfg.seed)

    metrics = {
        "walkForward": {
            "scheme": "expanding window, purged + embargoed, folds over distinct timestamps",
            "folds": len(folds),
            "purgeBars": h,
            "embargoBars": embargo,
            "initialTrainFraction": cfg.initial_train,
            "model": {"kind": "lightgbm", "folds": fold_rows["model"], "mean": _mean(fold_rows["model"], MEAN_KEYS)},
            "baseline": {"kind": "logistic-regression", "folds": fold_rows["baseline"],
                         "mean": _mean(fold_rows["baseline"], MEAN_KEYS),
                         "threshold": {"buy": thresholds["baseline"]["buy"], "sell": thresholds["baseline"]["sell"]}},
            "note": "fold trading metrics use the thresholds chosen on these same validation folds (in-sample for "
                    "the threshold choice only); the holdout uses them out of sample",
        },
        "holdout": None if holdout is None else {"fraction": cfg.holdout, **holdout},
        "trading": {
            "feeBps": cfg.fee_bps,
            "feeModel": "fee_bps/1e4 × |Δsignal| per symbol per decision (entering from flat pays once, a flip twice)",
            "decisionEveryBars": h,
            "annualization": annualization,
            "sharpe": "mean/std(ddof=1) of per-decision equal-weight portfolio returns × sqrt(barsPerYear / horizon)",
            "turnover": "mean over decisions of Σ|Δsignal| / symbols (fraction of capital traded per decision)",
            "hitRate": "share of non-HOLD (symbol, decision) cells with signal × forward_return > 0",
        },
    }
    return TrainingResult(
        model=final_model,
        baseline=final_baseline,
        thresholds=thresholds,
        metrics=metrics,
        validation_rows=validation_rows,
        holdout_rows=holdout_rows,
        config=cfg,
        annualization=annualization,
        seconds=time.perf_counter() - started,
    )


if __name__ == "__main__":  # python -m tradeloop_ml.train
    from .cli import main

    sys.exit(main())
