"""Model files and predictions, written atomically: the estimators' text, put on disk.

:mod:`descentlab.estimators.persist` makes a model file's text (and reads it back);
:mod:`descentlab.estimators.workflow` fits and predicts. This module writes what they hand
over: :func:`save_model`, :func:`save_fit` (a model with the names of its data) and
:func:`write_predictions` (CSV), each to a temporary file renamed into place
(:func:`descentlab.files.write_text`), so a file is whole or absent.
"""

import os
from pathlib import Path
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.files import check_outputs, write_text

PathLike = str | os.PathLike[str]


def check_writable(path: PathLike) -> Path:
    """Raise a one-line error unless a model can be written at ``path``; create nothing.

    >>> check_writable("model.json")  # doctest: +SKIP
    PosixPath('model.json')
    """
    path = Path(path)
    check_outputs([("the model", path)])
    return path


def save_model(estimator: Any, path: PathLike, info: dict[str, Any] | None = None) -> Path:
    """Write a fitted estimator to ``path`` as JSON, atomically (the format:
    :mod:`descentlab.estimators.persist`; read it with :func:`~descentlab.load_model`).

    Parameters
    ----------
    estimator : GDRegressor, GDClassifier, GDNetworkRegressor or GDNetworkClassifier
        Fitted, with a named (not callable) schedule.
    path : str or Path
    info : dict, optional
        Free-form JSON-serialisable facts to keep beside the model.

    Returns
    -------
    Path

    Examples
    --------
    >>> save_model(GDRegressor().fit(X, y), "model.json")  # doctest: +SKIP
    PosixPath('model.json')
    """
    from descentlab.estimators.persist import model_text

    return write_text(path, model_text(estimator, info))


def save_fit(result: Any, path: PathLike) -> Path:
    """Save a :class:`~descentlab.estimators.workflow.FitResult`'s model with the names of
    its features and target (:func:`~descentlab.estimators.workflow.fit_info`), atomically."""
    from descentlab.estimators.workflow import fit_info

    return save_model(result.estimator, path, info=fit_info(result))


def write_predictions(path: PathLike, predictions: dict[str, np.ndarray]) -> Path:
    """Write :func:`~descentlab.estimators.workflow.predictions_csv` to ``path`` atomically;
    a one-line error if it cannot."""
    from descentlab.estimators.workflow import predictions_csv

    try:
        return write_text(path, predictions_csv(predictions))
    except OSError as exc:
        raise DescentlabError(f"cannot write predictions to {str(path)!r} "
                              f"({exc.strerror or exc}): choose another --out") from None
