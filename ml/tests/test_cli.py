import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tradeloop_ml.cli as cli
from tradeloop_ml.export import ParityError, run_onnx, session
from tradeloop_ml.synthetic import make_table

SRC = Path(__file__).resolve().parents[1] / "src"
FAST_ARGS = ["--folds", "3", "--n-estimators", "40", "--n-jobs", "1", "--quiet"]


def test_end_to_end_as_a_module(small_path, small, tmp_path):
    out = tmp_path / "models" / "demo-lgbm" / "1"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-m", "tradeloop_ml.train", "--dataset", str(small_path), "--name", "demo-lgbm",
         "--version", "1", "--out", str(out), "--folds", "3", "--n-estimators", "40", "--n-jobs", "1"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ONNX parity" in proc.stderr and "thresholds (validation folds only)" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["card.json", "golden.json", "model.onnx"]
    assert not list(out.parent.glob(".*tmp*"))

    card = json.loads((out / "card.json").read_text())
    model = (out / "model.onnx").read_bytes()
    assert card["features"] == json.loads(small.metadata["features"])
    assert card["featureSetVersion"] == small.metadata["featureSetVersion"]
    assert card["onnx"]["sha256"] == hashlib.sha256(model).hexdigest()
    assert card["onnx"]["parity"]["maxAbsDiff"] <= 1e-5 and card["onnx"]["parity"]["rows"] > 0
    assert card["dataset"]["file"] == "small.arrow"

    golden = json.loads((out / "golden.json").read_text())
    assert golden["features"] == card["features"] and golden["threshold"] == card["threshold"]
    X = np.array(golden["input"]["data"], dtype=np.float32)
    assert list(X.shape) == golden["input"]["shape"] and X.shape[1] == len(card["features"])
    got = run_onnx(session(model), X)
    np.testing.assert_allclose(got["score"], golden["expected"]["score"], atol=golden["tolerance"])
    buy, sell = card["threshold"]["buy"], card["threshold"]["sell"]
    want = ["BUY" if s >= buy else "SELL" if s <= sell else "HOLD" for s in golden["expected"]["score"]]
    assert golden["expected"]["signal"] == want and {"BUY", "SELL"} <= set(want)  # min & max score rows


def test_refuses_to_overwrite_a_version_unless_forced(small_path, tmp_path, capsys):
    out = tmp_path / "m"
    args = ["--dataset", str(small_path), "--name", "m", "--version", "1", "--out", str(out), *FAST_ARGS]
    assert cli.main(args) == 0
    first = (out / "model.onnx").read_bytes()
    assert cli.main(args) == 2
    assert "already holds a model" in capsys.readouterr().err
    assert cli.main([*args, "--force"]) == 0
    assert (out / "model.onnx").read_bytes() == first  # deterministic


def test_default_out_dir_is_models_name_version(small_path, tmp_path, monkeypatch):
    monkeypatch.setenv("TRADELOOP_MODELS_DIR", str(tmp_path / "models"))
    assert cli.main(["--dataset", str(small_path), "--name", "x", "--version", "2", *FAST_ARGS]) == 0
    assert (tmp_path / "models" / "x" / "2" / "card.json").is_file()


def test_bad_dataset_exits_non_zero_with_the_reason(tmp_path, write, capsys):
    t = make_table(n_days=1, bars_per_day=40).drop_columns(["rsi_14"])
    code = cli.main(["--dataset", str(write(t)), "--name", "m", "--version", "1", "--out", str(tmp_path / "o")])
    assert code == 2
    assert "dataset error: columns missing: rsi_14" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_parity_failure_writes_nothing(small_path, tmp_path, monkeypatch, capsys):
    def failing(*a, **k):
        raise ParityError("max abs diff 1 exceeds 1e-05")

    monkeypatch.setattr(cli, "check_parity", failing)
    out = tmp_path / "o"
    assert cli.main(["--dataset", str(small_path), "--name", "m", "--version", "1", "--out", str(out), *FAST_ARGS]) == 3
    assert "parity check failed" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "-x", "Upper", "a_b", "a.b"])
def test_rejects_unsafe_names(small_path, bad):
    with pytest.raises(SystemExit):
        cli.parse_args(["--dataset", str(small_path), "--name", bad, "--version", "1"])


@pytest.mark.parametrize("bad", ["../1", "a/b", "", "x" * 41])
def test_rejects_unsafe_versions(small_path, bad):
    with pytest.raises(SystemExit):
        cli.parse_args(["--dataset", str(small_path), "--name", "m", "--version", bad])
