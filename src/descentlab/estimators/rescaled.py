r"""Fitting data whose columns are near 1e300 or 1e-300, exactly, and checking the fit learned.

:func:`fit_scaled` scales such columns (and such a target) by powers of two
(:mod:`descentlab.data.magnitude`), fits, and carries the scales into the learned
attributes, so the estimator is the one fitted on the data as given:

.. math::

    x_j = 2^{k_j} x'_j,\ y = 2^{k_y} y' \ \Rightarrow\
    \mu_j = 2^{k_j} \mu'_j,\ s_j = 2^{k_j} s'_j,\
    \text{coef}_j = 2^{k_y - k_j}\,\text{coef}'_j,\ \text{intercept} = 2^{k_y}\,\text{intercept}'.

:func:`check_learned` then compares the fit with least squares on the same rows: a
regression far below it, or a loss that never went down, is not reported as success.
"""

import math
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import is_classifier

from descentlab.data.magnitude import exponents, scaled
from descentlab.errors import DescentlabError
from descentlab.estimators.device import Array

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.rows import ValidationData
    from descentlab.fast.moments import Moments

E = TypeVar("E", bound="GDEstimator")

#: A training R^2 this far below least squares' means the fit did not learn.
R2_GAP = 0.1


def fit_scaled(estimator: E, X: ArrayLike, y: ArrayLike, names: Sequence[str] | None = None,
               **fit_params: Any) -> E:
    """``estimator.fit(X, y)`` with columns far from 1 scaled by powers of two, exactly.

    Parameters
    ----------
    estimator : GDRegressor, GDClassifier or GDNetworkRegressor
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    names : list of str, optional
        The columns' names, for messages.
    **fit_params
        Passed to ``fit`` (``callbacks``).

    Returns
    -------
    estimator
        Fitted, its attributes in the units of ``X`` and ``y``.

    Raises
    ------
    DescentlabError
        When a coefficient in the data's units is beyond a float's range (a tiny feature
        that predicts a huge target).

    Examples
    --------
    >>> from descentlab.estimators import GDRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]) * 1e300
    >>> round(float(fit_scaled(GDRegressor(), X, [1.0, 3.0, 5.0, 7.0]).coef_[0]) * 1e300, 3)
    2.0
    """
    kx, ky = fit_params.pop("_exponents", (None, None))
    if kx is None:  # scaled here (else X and y come scaled by fit_extremes)
        kx = exponents(X)
        ky = 0 if is_classifier(estimator) else exponents(y)
        if not np.any(kx) and not ky:
            estimator.fit(X, y, **fit_params)
            return estimator
        X, y = scaled(X, kx), scaled(y, ky)
    estimator.fit(X, y, **fit_params)
    estimator.x_mean_ = np.ldexp(estimator.x_mean_, kx)
    estimator.x_scale_ = np.ldexp(estimator.x_scale_, kx)
    if hasattr(estimator, "y_scale_"):
        estimator.y_mean_ = float(np.ldexp(estimator.y_mean_, ky))
        estimator.y_scale_ = float(np.ldexp(estimator.y_scale_, ky))
    if hasattr(estimator, "coef_"):
        names = names or [f"column {j}" for j in range(len(kx))]
        for c in np.reshape(estimator.coef_, (-1, len(kx))):  # a row per class, or the one row
            for j, cj in enumerate(c):
                _check_range(f"the coefficient of {names[j]!r}", cj, ky - kx[j])
        for b in np.ravel(estimator.intercept_):
            _check_range("the intercept", b, ky)
        estimator.coef_ = np.ldexp(estimator.coef_, ky - kx)
        intercept = np.ldexp(estimator.intercept_, ky)
        estimator.intercept_ = float(intercept) if np.ndim(intercept) == 0 else intercept
    return estimator


def fit_extremes(estimator: "GDEstimator", X: Array, y: Array, sample_weight: Array = None,
                 callbacks: Sequence[Any] = (), validation_data: "ValidationData" = None) -> bool:
    """:func:`fit_scaled` from ``estimator.fit`` itself: True when ``X`` (an ndarray or a
    DataFrame in memory) or a regressor's ``y`` has columns to scale, and it was fitted so.

    A warm start or a ``validation_data`` keeps the data as given (their scale is another fit's).

    On the default moments solver the check waits for the moments pass
    (:func:`moments_checked`); on the others it reads the columns here:

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor(solver="gd")
    >>> fit_extremes(reg, np.array([[0.0], [1e-300], [2e-300]]), np.array([1.0, 3.0, 5.0]))
    True
    >>> float(reg.coef_[0]) > 1e300
    True
    """
    estimator._extremes_on_moments = False
    if getattr(estimator, "warm_start", False) and hasattr(estimator, "_model") or validation_data is not None:
        return False
    frame = hasattr(X, "columns") and hasattr(X, "dtypes")
    if not (isinstance(X, np.ndarray) or frame) or getattr(X, "dtype", None) == object:
        return False
    try:
        ky = 0 if is_classifier(estimator) else exponents(y)
        if ky == 0 and _on_moments(estimator, X, sample_weight):  # see moments_checked
            estimator._extremes_on_moments = True
            return False
        kx = exponents(X)
    except (TypeError, ValueError):
        return False  # not numbers: fit's own validation says what is wrong
    if not (np.any(kx) or np.any(ky)) or np.ndim(ky) > 0:
        return False
    Xs = X * np.ldexp(1.0, -np.asarray(kx)) if frame else scaled(X, kx)
    fit_scaled(estimator, Xs, scaled(y, ky), _exponents=(kx, ky), sample_weight=sample_weight,
               callbacks=callbacks)
    return True


class ColumnsToScale(DescentlabError):
    """Raised by :func:`moments_checked` with the exponents ``kx`` fit must scale ``X`` by.

    >>> ColumnsToScale(np.array([-995])).kx
    array([-995])
    """

    def __init__(self, kx: NDArray[np.int_]) -> None:
        super().__init__("X has columns near 1e300 or 1e-300: scale them by powers of two first")
        self.kx = kx


def _on_moments(estimator: "GDEstimator", X: Array, sample_weight: ArrayLike | None) -> bool:
    """Whether the check of float64 ``X`` can wait for the moments pass: an unweighted
    regressor on the moments solver (the pass is then the whole fit, and a second pass to
    look at the columns would cost a third of it)."""
    if sample_weight is not None or getattr(X, "dtype", None) != np.float64 or is_classifier(estimator):
        return False
    try:
        return getattr(estimator, "_solver_for", lambda X: None)(X) == "moments"
    except DescentlabError:
        return False  # fit says what is wrong


#: A column's mean square :math:`\overline{x^2}` inside [2^-300, 2^300] rules out a largest
#: magnitude outside [2^-200, 2^200] (:data:`~descentlab.data.magnitude.SAFE`): that one
#: gives :math:`\overline{x^2} < 2^{-400}` or :math:`\overline{x^2} > 2^{400} / n`.
MEAN_SQUARE_RANGE = (2.0 ** -300, 2.0 ** 300)


def moments_checked(estimator: "GDEstimator", moments_of: Callable[[Array, Array, Array], "Moments"], X: Array,
                    y: Array, sample_weight: Array = None) -> "Moments":
    """``moments_of(X, y, sample_weight)``, doing :func:`fit_extremes`'s check when it left it
    to the moments: only when a column's mean square (or an overflow) hints at a column
    outside the safe range are the columns read again (:func:`~descentlab.data.magnitude.exponents`).

    Raises
    ------
    ColumnsToScale
        When some column must be scaled: ``fit`` then fits on the scaled columns.

    >>> from descentlab.estimators import GDRegressor
    >>> from descentlab.fast.moments import Moments
    >>> reg = GDRegressor()
    >>> reg._extremes_on_moments = True  # as fit_extremes leaves a moments fit
    >>> def moments_of(X, y, w):
    ...     return Moments.from_arrays(X, y, sample_weight=w)
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> type(moments_checked(reg, moments_of, X, y)).__name__
    'Moments'
    >>> moments_checked(reg, moments_of, X * 1e-300, y)
    Traceback (most recent call last):
    ...
    descentlab.estimators.rescaled.ColumnsToScale: X has columns near 1e300 or 1e-300: ...
    """
    if not getattr(estimator, "_extremes_on_moments", False):
        return moments_of(X, y, sample_weight)
    moments: Moments | None
    try:
        moments = moments_of(X, y, sample_weight)
    except DescentlabError as exc:  # an overflow, or NaN
        moments, error = None, exc
    if moments is not None:
        mean_square = np.diag(moments.cov) + moments.mean_x ** 2
        low, high = MEAN_SQUARE_RANGE
        if np.all(np.isfinite(mean_square)) and np.all((mean_square >= low) & (mean_square <= high)):
            return moments
    kx = exponents(X)
    if np.any(kx):
        raise ColumnsToScale(kx)
    if moments is None:
        raise error
    return moments


def _check_range(what: str, value: float, k: int) -> None:
    if value == 0:
        return
    log10 = math.log10(abs(value)) + k * math.log10(2.0)
    if log10 > 308.25:
        raise DescentlabError(f"{what} would be about 1e{log10:.0f} in the data's units, beyond "
                              "a float's range (1.8e308): rescale that column or the target")


def check_learned(estimator: "GDEstimator", X: ArrayLike, y: ArrayLike,
                  r2: float | None = None) -> float | None:
    """Warn (one line) when a fit did not learn: its loss never went down, or (a regression
    that stopped as converged) its training R^2 is far below least squares' on the same rows.

    Returns
    -------
    r2_least_squares : float or None

    Examples
    --------
    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> reg = GDRegressor().fit(X, y)
    >>> check_learned(reg, X, y, r2=reg.score(X, y))  # least squares' R^2; no warning
    1.0
    """
    h = estimator.history_
    if h.n_epochs >= 2 and min(h.loss) >= h.loss[0]:
        _warn(f"the training loss never went below its first value {h.loss[0]:.6g} in "
              f"{h.n_epochs} epochs: the model did not learn; check the data or set --lr")
        return None
    if r2 is None or is_classifier(estimator) or h.status != "converged":
        return None  # a spent budget has its own warning; early stopping aims at other rows
    r2_ls = least_squares_r2(X, y)
    if r2 < r2_ls - R2_GAP:
        _warn(f"the fit reached R^2 = {r2:.4f} on the training rows where least squares "
              f"reaches {r2_ls:.4f}: it did not learn what a straight line can; raise --epochs, "
              "lower --tol or set --lr")
    return r2_ls


def least_squares_r2(X: ArrayLike, y: ArrayLike) -> float:
    """R^2 of least squares with an intercept on ``(X, y)``, computed on power-of-two scaled
    columns so that values near 1e300 or 1e-300 neither overflow nor vanish.

    >>> X = np.array([[0.0], [1e-300], [2e-300]])
    >>> round(least_squares_r2(X, np.array([1.0, 3.0, 5.0])), 12)
    1.0
    """
    Xs, ys = scaled(X, exponents(X)), scaled(y, exponents(y))
    A = np.column_stack([Xs, np.ones(len(ys))])
    coef, *_ = np.linalg.lstsq(A, ys, rcond=None)
    residual = ys - A @ coef
    spread = ys - ys.mean()
    total = float(spread @ spread)
    return 1.0 - float(residual @ residual) / total if total > 0 else 1.0


def _warn(message: str) -> None:
    from sklearn.exceptions import ConvergenceWarning

    warnings.warn(message, ConvergenceWarning, stacklevel=3)
