r"""Standardisation, and a linear model's coefficients carried back to the data's units.

Gradient descent is fast when every feature has the same scale (the loss surface is
round, not a long valley) and its stable learning rate does not depend on the units.
The estimators therefore train on standardised features :math:`z_j = (x_j - \mu_j) /
s_j` (and, for regression, a standardised target) and report coefficients in the data's
own units with :func:`to_data_units`.
"""

from typing import Any

import numpy as np

from descentlab.core.xp import Array, FloatArray, is_numpy, namespace
from descentlab.data.blocks import shifted_blocks
from descentlab.data.magnitude import exponents, scaled


def standardize(X: Array, sample_weight: Array | None = None) -> tuple[Array, Array, Array]:
    r"""Centre each column and divide it by its standard deviation.

    Parameters
    ----------
    X : ndarray of shape (n_samples,) or (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Row weights: the mean and deviation are weighted, :math:`\mu_j = \sum_i w_i x_{ij}
        / \sum_i w_i` (integer weights = repeated rows).

    Returns
    -------
    Z : ndarray with the shape of ``X``
    mean : ndarray of shape (n_features,) or float
    scale : ndarray of shape (n_features,) or float
        The standard deviation; 1 for a constant column (which then becomes all zeros,
        as scikit-learn's ``StandardScaler`` does), so nothing is divided by 0.

    Notes
    -----
    .. math:: z_{ij} = \frac{x_{ij} - \mu_j}{s_j}, \qquad
              \mu_j = \frac1N \sum_i x_{ij}, \qquad
              s_j = \sqrt{\frac1N \sum_i (x_{ij} - \mu_j)^2}

    A constant column keeps the scale 1 (:func:`column_scale`).

    Examples
    --------
    >>> Z, mean, scale = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> Z, mean, scale  # the constant column keeps the scale 1 and becomes zeros
    (array([[-1.,  0.],
           [ 1.,  0.]]), array([2., 5.]), array([1., 1.]))
    """
    if not is_numpy(X):
        return _standardize_device(X, sample_weight)
    X = np.asarray(X, dtype=float)
    k = exponents(X)  # columns near 1e300 or 1e-300: their statistics at a safe power of two
    Xs = scaled(X, k)
    mean_s = np.average(Xs, axis=0, weights=sample_weight)
    std_s = np.sqrt(np.average((Xs - mean_s) ** 2, axis=0, weights=sample_weight))
    mean = np.ldexp(mean_s, k)
    scale = column_scale(mean, np.ldexp(std_s, k), X.shape[0])
    return (X - mean) / scale, mean, scale


def _standardize_device(X: Array, sample_weight: Array | None = None) -> tuple[Array, Array, Array]:
    """:func:`standardize` for arrays of another namespace, on their device (without the
    power-of-two rescaling of columns near the float range's ends)."""
    xp = namespace(X)
    if sample_weight is None:
        mean = xp.mean(X, axis=0)
        std = xp.sqrt(xp.mean((X - mean) ** 2, axis=0))
    else:
        w = xp.reshape(sample_weight, (-1,) + (1,) * (X.ndim - 1))
        total = xp.sum(sample_weight)
        mean = xp.sum(w * X, axis=0) / total
        std = xp.sqrt(xp.sum(w * (X - mean) ** 2, axis=0) / total)
    scale = column_scale(mean, std, X.shape[0])
    return (X - mean) / scale, mean, scale


def column_scale(mean: Array | float, std: Array | float, n: float) -> Array:
    r"""The divisor of standardisation: the standard deviation, or 1 for a constant column.

    Parameters
    ----------
    mean, std : ndarray of shape (n_features,) or float
        Each column's mean :math:`\mu_j` and standard deviation :math:`s_j`, from the rows
        (:func:`standardize`), a blocked pass or the data's moments.
    n : int
        The number of rows :math:`N`.

    Returns
    -------
    scale : ndarray with the shape of ``std``

    Notes
    -----
    A column is constant when :math:`s_j \le \sqrt{N}\,\epsilon\,|\mu_j|`, 0 within rounding
    error: it standardises to zeros, as scikit-learn's ``StandardScaler`` makes them.

    Examples
    --------
    >>> column_scale(np.array([3.0, 3.0]), np.array([0.5, 1e-17]), 4)
    array([0.5, 1. ])
    """
    xp = namespace(std)
    constant = std <= float(np.sqrt(n) * np.finfo(float).eps) * abs(mean)
    return xp.where(constant, 1.0, std)


def diagonal_scale(mean: Array | float, std: Array | float) -> Array:
    r"""The Jacobi (diagonal) preconditioner of raw features, as a scale per column.

    :math:`d_j = \sqrt{\mu_j^2 + s_j^2}`, so that :math:`d_j^2 = H_{jj}` and each weight
    takes the step :math:`1/H_{jj}`; scaled, not centred; an all-zero column keeps 1.
    Derivation: :doc:`/maths/moments`, "Why standardise: a preconditioner".

    >>> diagonal_scale(np.array([3.0, 0.0]), np.array([4.0, 0.0]))
    array([5., 1.])
    """
    xp = namespace(std)
    d = xp.sqrt(mean * mean + std * std)
    return xp.where(d > 0, d, 1.0)


def column_mean_std(X: Any, block_rows: int | None = None) -> tuple[FloatArray, FloatArray]:
    """Each column's mean and standard deviation in one pass of row blocks (no copy of ``X``),
    for data that is streamed or too large to standardise whole (the fused solver).

    The sums are taken about the first block's mean, as in
    :meth:`descentlab.fast.moments.Moments.from_sums`. ``X`` is any 2-D array-like that
    :func:`descentlab.data.blocks.shifted_blocks` slices (an ndarray, a memory map, a Dask array).

    Examples
    --------
    >>> column_mean_std(np.array([[1.0, 2.0], [3.0, 2.0]]), block_rows=1)
    (array([2., 2.]), array([1., 0.]))
    """
    n, sx, sxx = 0, np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for shift, Xb, _ in shifted_blocks(X, None, block_rows):  # noqa: B007 (every block's shift is the same: used below)
        n += Xb.shape[0]
        sx += Xb.sum(axis=0)
        sxx += np.einsum("ij,ij->j", Xb, Xb)
    d = sx / n
    return shift + d, np.sqrt(np.maximum(sxx / n - d * d, 0.0))


def no_scaling(n_features: int | None = None) -> tuple[FloatArray, FloatArray] | tuple[float, float]:
    """The mean and scale that leave data as it is (``standardize=False``): 0 and 1.

    Returns ``(zeros, ones)`` of shape (n_features,) for features, or ``(0.0, 1.0)`` for a
    target when ``n_features`` is None.

    Examples
    --------
    >>> no_scaling(2), no_scaling()
    ((array([0., 0.]), array([1., 1.])), (0.0, 1.0))
    """
    if n_features is None:
        return 0.0, 1.0
    return np.zeros(n_features), np.ones(n_features)


def to_data_units(W: Array, b: float | Array, x_mean: Array, x_scale: Array, y_mean: float | Array = 0.0,
                  y_scale: float | Array = 1.0) -> tuple[Array, float]:
    r"""The coefficients of :math:`\hat y = XW + b` for a model fitted on standardised data.

    Parameters
    ----------
    W : ndarray of shape (n_features,)
        Weights on the standardised features.
    b : float
        Bias on the standardised scale.
    x_mean, x_scale : ndarray of shape (n_features,)
        From :func:`standardize` of the features.
    y_mean, y_scale : float, default=0.0 and 1.0
        From :func:`standardize` of the target (the defaults leave it as is).

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float

    Notes
    -----
    .. math::

        \text{coef}_j = \frac{s_y W_j}{s_j}, \qquad
        \text{intercept} = \mu_y + s_y b - \sum_j \text{coef}_j \, \mu_j .

    Derivation: :doc:`/maths/moments`, "Back to the data's units".

    Examples
    --------
    >>> to_data_units(np.array([2.0]), 1.0, x_mean=np.array([10.0]), x_scale=np.array([4.0]))
    (array([0.5]), -4.0)
    """
    coef = W * y_scale / x_scale
    intercept = float(y_mean + y_scale * b - coef @ x_mean)  # one transfer from a device
    return coef, intercept
