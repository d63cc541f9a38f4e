"""`python -m tradeloop_ml …` is the training CLI (same as `python -m tradeloop_ml.train`)."""

import sys

from .cli import main

sys.exit(main())
