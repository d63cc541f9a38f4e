"""Sizes and settings shared by the tests (kept small: the whole suite should run in seconds)."""

from tradeloop_ml.train import LgbmParams, TrainConfig

# 3 symbols × 4 sessions × 375 one-minute bars ≈ 4.4k rows (2 % of rows dropped at random).
SMALL = dict(n_days=4, bars_per_day=375, symbols=("AAA", "BBB", "CCC"), seed=7)
# One LightGBM thread: on small data threads only add overhead, and they suffer on a busy machine.
FAST = TrainConfig(folds=3, holdout=0.2, lgbm=LgbmParams(n_estimators=60), n_jobs=1)
