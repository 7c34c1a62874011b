"""Custom Rasa NLU components.

Rasa imports this package in every process that loads the model, so the patches that
cut per-message overhead of Rasa's action server calls are installed here
(``ops/rasa_patches.py``, with the measurements behind them).
"""
from ops import rasa_patches

rasa_patches.apply()
