"""Tradeloop model training: dataset → walk-forward validation → ONNX + model card.

See ml/README.md. The TypeScript code never imports this package; it reads what it writes
(models/<name>/<version>/model.onnx, card.json, golden.json).
"""

__version__ = "0.1.0"
