"""Shared fixtures: small generated datasets in the exact `npm run ml:dataset` format."""

from __future__ import annotations

import pytest

from tradeloop_ml.dataset import load_dataset
from tradeloop_ml.synthetic import make_table, write_arrow_file
from tradeloop_ml.train import LgbmParams, TrainConfig, run_training

# Small and quick: 3 symbols × 4 sessions × 375 one-minute bars ≈ 4.4k rows.
SMALL = dict(n_days=4, bars_per_day=375, symbols=("AAA", "BBB", "CCC"), seed=7)
FAST = TrainConfig(folds=3, holdout=0.2, lgbm=LgbmParams(n_estimators=60), n_jobs=2)


@pytest.fixture
def write(tmp_path):
    """write(table, name='d.arrow') -> path of an Arrow IPC file in a temp dir."""

    def _write(table, name="d.arrow"):
        return write_arrow_file(table, tmp_path / name)

    return _write


@pytest.fixture(scope="session")
def small_path(tmp_path_factory):
    return write_arrow_file(make_table(**SMALL), tmp_path_factory.mktemp("data") / "small.arrow")


@pytest.fixture(scope="session")
def small(small_path):
    return load_dataset(small_path)


@pytest.fixture(scope="session")
def trained(small):
    return run_training(small, FAST)
