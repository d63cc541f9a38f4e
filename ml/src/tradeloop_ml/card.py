"""The model card (card.json beside model.onnx) and the training distribution used for drift (PSI).

Core fields follow DOMAIN.md "Signals from models": ``name, version, featureSetVersion,
features, target, horizon, threshold {buy, sell}, metrics, trainedAt, trainer``. The rest is
documented in ml/README.md ("Model card").

Feature distribution (``featureDistribution.features[j]``, same order as ``features``):
``edges`` are the distinct training deciles (≤ 9 ascending interior cut points, each an
observed value: numpy quantile method "inverted_cdf") and
``proportions`` (len(edges) + 1, summing to 1) the training share of each bin, where
bin 0 is x <= edges[0], bin i is edges[i-1] < x <= edges[i], the last bin is x > edges[-1]
(numpy ``searchsorted(edges, x, side="left")``; a constant feature has no edges and one bin).
PSI of a live window = Σ_i (a_i - e_i) · ln(a_i / e_i), with live (a) and training (e)
proportions floored at 1e-4.
"""

from __future__ import annotations

import platform
import re
import sys
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from . import __version__
from .dataset import Dataset

CARD_VERSION = 1
PSI_FLOOR = 1e-4
DECILES = tuple(np.round(np.arange(0.1, 0.91, 0.1), 2))
LIBRARIES = ("lightgbm", "scikit-learn", "numpy", "scipy", "pyarrow", "onnx", "onnxmltools", "skl2onnx", "onnxruntime")
CORE_FIELDS = ("name", "version", "featureSetVersion", "features", "target", "horizon", "threshold", "metrics",
               "trainedAt", "trainer")
# The server's zod schema (libs/contracts ml/model-card.schema.ts) accepts these; keep them in step.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VERSION_MAX = 40
FEATURE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TARGET_DEFINITION = ("label = 1 if the close `horizon` bars later (in the symbol's own series) is strictly higher "
                     "than this bar's close, else 0; forward_return = close[t+h] / close[t] - 1 "
                     "(as built by npm run ml:dataset); score = P(label = 1)")


def bin_index(x: np.ndarray, edges: list[float] | np.ndarray) -> np.ndarray:
    """Bin of each value under the card's rule (right-closed bins)."""
    return np.searchsorted(np.asarray(edges, dtype=np.float64), np.asarray(x, dtype=np.float64), side="left")


def proportions(x: np.ndarray, edges: list[float] | np.ndarray) -> np.ndarray:
    counts = np.bincount(bin_index(x, edges), minlength=len(edges) + 1)
    return counts / max(int(np.asarray(x).size), 1)


def psi(expected: np.ndarray, actual: np.ndarray, floor: float = PSI_FLOOR) -> float:
    """Population stability index of two proportion vectors over the same bins."""
    e = np.maximum(np.asarray(expected, dtype=np.float64), floor)
    a = np.maximum(np.asarray(actual, dtype=np.float64), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def feature_distribution(X: np.ndarray, names: list[str]) -> dict:
    """Deciles, bin proportions and summary statistics of each training feature column."""
    out = []
    for j, name in enumerate(names):
        x = np.asarray(X[:, j], dtype=np.float64)
        edges = np.unique(np.quantile(x, DECILES, method="inverted_cdf"))  # observed values
        if edges.size and edges[-1] >= x.max():
            edges = edges[:-1]  # an edge at the maximum leaves an always-empty last bin
        out.append({
            "name": name,
            "edges": [float(e) for e in edges],
            "proportions": [float(v) for v in proportions(x, edges)],
            "mean": float(x.mean()),
            "std": float(x.std()),
            "min": float(x.min()),
            "max": float(x.max()),
        })
    return {
        "method": "training deciles (distinct); right-closed bins",
        "rows": int(X.shape[0]),
        "binRule": "bin 0: x <= edges[0]; bin i: edges[i-1] < x <= edges[i]; last bin: x > edges[-1]",
        "psi": f"sum over bins of (a - e) * ln(a / e), proportions floored at {PSI_FLOOR}; "
               "< 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift",
        "features": out,
    }


def library_versions() -> dict:
    out = {}
    for lib in LIBRARIES:
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            out[lib] = None
    return out


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_card(*, name: str, version_: str, ds: Dataset, result, onnx_info: dict, golden_info: dict,
               argv: list[str] | None = None, trained_at: str | None = None) -> dict:
    """Assembles card.json from the dataset, the training result and the export/parity details."""
    t = result.thresholds["model"]
    cfg = result.config
    libs = library_versions()
    meta = ds.metadata
    return {
        "cardVersion": CARD_VERSION,
        "name": name,
        "version": version_,
        "featureSetName": ds.feature_set_name,
        "featureSetVersion": ds.feature_set_version,
        "features": list(ds.features),
        "target": "label",
        "targetDefinition": meta.get("labelDefinition") or TARGET_DEFINITION,
        "horizon": ds.horizon,
        "timeframe": ds.timeframe,
        "threshold": {"buy": t["buy"], "sell": t["sell"]},
        "thresholdSelection": {k: t[k] for k in ("objective", "grid", "candidates", "validationSharpe", "validationTrades")},
        "signalRule": "BUY if score >= threshold.buy; SELL if score <= threshold.sell; else HOLD",
        "metrics": result.metrics,
        "onnx": onnx_info,
        "golden": golden_info,
        "dataset": {
            "file": ds.path.name,
            "sha256": ds.sha256,
            "rows": ds.rows,
            "symbols": sorted(set(ds.symbol.tolist())),
            "from": meta["from"],
            "to": meta["to"],
            "metadata": dict(meta),
        },
        "training": {
            "rows": ds.rows,
            "from": meta["from"],
            "to": meta["to"],
            "shippedModel": "LightGBM refitted on every dataset row with the walk-forward parameters",
            "inputDtype": "float32",
            "seed": cfg.seed,
            "lightgbm": {**vars(cfg.lgbm), "objective": "binary", "deterministic": True},
            "baseline": "StandardScaler + LogisticRegression(C=1, lbfgs)",
            "seconds": round(result.seconds, 3),
        },
        "featureDistribution": feature_distribution(ds.X, ds.features),
        "trainedAt": trained_at or iso_now(),
        "trainer": f"tradeloop_ml {__version__} (lightgbm {libs['lightgbm']}, python {platform.python_version()})",
        "trainerDetails": {
            "package": "tradeloop_ml",
            "version": __version__,
            "python": platform.python_version(),
            "libraries": libs,
            "command": argv if argv is not None else sys.argv,
        },
    }


def validate_card(card: dict) -> list[str]:
    """Problems with a card (empty when fine): the core fields and their basic shapes."""
    problems = [f"missing '{k}'" for k in CORE_FIELDS if k not in card]
    if problems:
        return problems
    if not (isinstance(card["name"], str) and NAME_RE.match(card["name"])):
        problems.append(f"'name' must match {NAME_RE.pattern}")
    if not (isinstance(card["version"], str) and 0 < len(card["version"].strip()) <= VERSION_MAX):
        problems.append(f"'version' must be 1..{VERSION_MAX} characters")
    feats = card["features"]
    if not (isinstance(feats, list) and feats and all(isinstance(f, str) for f in feats)):
        problems.append("'features' must be a non-empty list of names")
    else:
        bad = [f for f in feats if not FEATURE_RE.match(f)]
        if bad:
            problems.append(f"feature names must match {FEATURE_RE.pattern}: {', '.join(bad[:5])}")
        if len(set(feats)) != len(feats):
            problems.append("feature names must be unique")
    if not (isinstance(card["trainer"], str) and 0 < len(card["trainer"]) <= 200):
        problems.append("'trainer' must be a string of at most 200 characters")
    if not (isinstance(card["target"], str) and 0 < len(card["target"]) <= 200):
        problems.append("'target' must be a string of at most 200 characters")
    th = card["threshold"]
    if not (isinstance(th, dict) and {"buy", "sell"} <= set(th) and 0 <= th["sell"] < th["buy"] <= 1):
        problems.append("'threshold' must be {buy, sell} with 0 <= sell < buy <= 1")
    if not (isinstance(card["horizon"], int) and card["horizon"] >= 1):
        problems.append("'horizon' must be a positive integer")
    dist = card.get("featureDistribution", {}).get("features", [])
    if [d.get("name") for d in dist] != card["features"]:
        problems.append("featureDistribution.features must follow 'features' in order")
    for d in dist:
        if len(d["proportions"]) != len(d["edges"]) + 1 or abs(sum(d["proportions"]) - 1) > 1e-9:
            problems.append(f"featureDistribution '{d['name']}': proportions must be len(edges)+1 and sum to 1")
    if card.get("onnx", {}).get("input", {}).get("shape", [None, None])[1] != len(card["features"]):
        problems.append("onnx input width differs from the number of features")
    return problems
