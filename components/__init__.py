"""Custom Rasa NLU components.

Rasa imports this package in every process that loads the model, so the patches that
cut Rasa's per-message overhead (action server calls, reading events) are installed here
(``ops/rasa_patches.py``, with the measurements behind them).
"""
from ops import rasa_patches

rasa_patches.apply()
