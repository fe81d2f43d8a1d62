"""scikit-learn estimators over the one training loop, and their model files.

``base`` (validation, standardisation, step size, the call to ``train``), ``linear``
(GDRegressor, GDClassifier), ``network`` (GDNetworkRegressor, GDNetworkClassifier),
``classes`` (labels and probabilities), ``problem`` and ``streamed`` (what a fit trains on:
rows, or a :mod:`descentlab.fast` objective), ``persist`` (the JSON model file's text, and
reading it) and ``workflow`` (CSV in, a fitted estimator and its metrics out). The files are
written by :mod:`descentlab.outputs.models` (``save_model``).
"""

from descentlab.estimators.base import GDEstimator
from descentlab.estimators.linear import GDClassifier, GDRegressor, StandardizedTargetRegressor
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor
from descentlab.estimators.persist import load_model

__all__ = ["GDClassifier", "GDEstimator", "GDNetworkClassifier", "GDNetworkRegressor", "GDRegressor",
           "StandardizedTargetRegressor", "load_model"]
