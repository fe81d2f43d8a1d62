"""Metrics under their real names (scikit-learn computes them).

The article's "Accuracy" is ``mean(abs((y_pred - y) / y)) * 100``: the mean absolute
percentage error (MAPE), where lower is better. It is undefined where a target is 0 and
huge where a target is near 0.

Zero-target policy: rows whose target is exactly 0 are left out of the MAPE and counted
in ``mape_excluded``; if every target is 0 the MAPE is ``None`` (undefined). It is never
``inf`` and never crashes.
"""

import numpy as np
from numpy.typing import ArrayLike

from descentlab.core.losses import MeanSquaredError
from descentlab.data.magnitude import exponents, scaled


def mape_percent(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[float | None, int]:
    """The MAPE in percent over the rows with a non-zero target, and how many were left out.

    Returns
    -------
    mape : float or None
    n_excluded : int

    Examples
    --------
    >>> mape_percent([2.0, 0.0, 4.0], [3.0, 1.0, 4.0])  # (50 % + 0 %) / 2; the 0 target left out
    (25.0, 1)
    """
    from sklearn.metrics import mean_absolute_percentage_error

    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    keep = y_true != 0
    n_excluded = int(np.count_nonzero(~keep))
    if not keep.any():
        return None, n_excluded
    return 100.0 * float(mean_absolute_percentage_error(y_true[keep], y_pred[keep])), n_excluded


def regression_metrics(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float | int | None]:
    """The half-MSE loss, R^2, MAE, RMSE and MAPE of a prediction, as a dict of floats.

    Targets far from 1 (near 1e300 or 1e-300) are scaled by a power of two before the
    squares (:mod:`descentlab.data.magnitude`) and the results scaled back, exactly; the
    loss, a square in the target's units, is None when it is beyond a float's range.

    Examples
    --------
    >>> m = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    >>> m["loss"], round(m["r2"], 3), m["mape_percent"]
    (0.6666666666666666, -1.0, 22.22222222222222)
    """
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    k = exponents(np.concatenate([np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)]))
    y_true, y_pred = scaled(y_true, k), scaled(y_pred, k)
    mape, n_excluded = mape_percent(y_true, y_pred)
    with np.errstate(over="ignore"):
        loss = float(np.ldexp(MeanSquaredError().loss(y_true, y_pred), 2 * k))
    return {
        "loss": loss if np.isfinite(loss) else None,
        "r2": float(r2_score(y_true, y_pred)),
        "mae": float(np.ldexp(mean_absolute_error(y_true, y_pred), k)),
        "rmse": float(np.ldexp(root_mean_squared_error(y_true, y_pred), k)),
        "mape_percent": mape,
        "mape_excluded": n_excluded,
    }


def accuracy(y_true: ArrayLike, proba: ArrayLike, threshold: float = 0.5) -> float:
    """The share of correct predictions: class 1 where ``proba >= threshold``, else 0.

    This is accuracy as Part 3 of the series means it (predictions rounded to a class,
    compared with the labels), computed by scikit-learn's ``accuracy_score``. Higher is
    better; 0.5 is a coin toss on balanced classes.

    Examples
    --------
    >>> accuracy([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.5])
    0.5
    """
    from sklearn.metrics import accuracy_score

    y_pred = (np.ravel(proba) >= threshold).astype(float)
    return float(accuracy_score(np.ravel(y_true), y_pred))
