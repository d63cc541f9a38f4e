"""Shared fixtures: small generated datasets in the exact `npm run ml:dataset` format."""

from __future__ import annotations

import pytest

from tradeloop_ml.dataset import load_dataset
from tradeloop_ml.synthetic import make_table, write_arrow_file
from tradeloop_ml.train import run_training

from .helpers import FAST, SMALL


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
