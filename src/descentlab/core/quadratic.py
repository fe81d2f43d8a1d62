r"""The squared loss of a linear model as a quadratic, and least squares to measure against.

With :math:`\tilde X = [X\;1]`, :math:`\theta = [W; b]` and :math:`N` rows, the half-MSE is

.. math::

    L(\theta) = \frac{1}{2N} \lVert \tilde X \theta - y \rVert^2
              = \tfrac12 \theta^\top H \theta - c^\top \theta + s,

with :math:`H = \tfrac1N \tilde X^\top \tilde X`, :math:`c = \tfrac1N \tilde X^\top y`,
:math:`s = \tfrac{1}{2N} y^\top y`: the data's moments are all it needs
(:doc:`/maths/moments`). Least squares gives the optimum gradient descent approaches; the
eigenvalues of :math:`H` the largest rate at which it does (:doc:`/maths/stability`).
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from descentlab.core.xp import Array, FloatArray, is_numpy, namespace


def with_bias_column(X: Array) -> Array:
    """``X`` with a column of ones appended, the article's x0 = 1 for the bias.

    >>> with_bias_column(np.array([[2.0], [3.0]]))
    array([[2., 1.],
           [3., 1.]])
    """
    if not is_numpy(X):
        xp = namespace(X)
        return xp.concat([X, xp.ones_like(X[:, :1])], axis=1)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def least_squares(X: FloatArray, y: FloatArray) -> tuple[NDArray[np.floating[Any]], float]:
    r"""The minimiser of the squared loss, from NumPy's ``lstsq``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    W : ndarray of shape (n_features,)
    b : float

    Notes
    -----
    .. math:: (W, b) = \arg\min \lVert [X\;1] \, [W; b] - y \rVert^2

    Examples
    --------
    >>> W, b = least_squares(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))
    >>> W.round(12), round(b, 12)
    (array([2.]), 1.0)
    """
    theta: NDArray[np.floating[Any]] = np.linalg.lstsq(with_bias_column(X), y, rcond=None)[0]  # float32 stays
    return theta[:-1], float(theta[-1])


def second_moment(X: Array) -> Array:
    r"""The features' second-moment matrix with the bias column, :math:`\tfrac1N \tilde X^\top \tilde X`.

    The Hessian :math:`H` of the half-MSE, straight from the rows (for the step size's row
    samples); :meth:`descentlab.fast.moments.Moments.hessian` gives the same matrix from the moments.

    Returns
    -------
    H : ndarray of shape (n_features + 1, n_features + 1)

    Examples
    --------
    >>> second_moment(np.array([[1.0], [3.0]]))
    array([[5., 2.],
           [2., 1.]])
    """
    Xb = with_bias_column(X)
    return Xb.T @ Xb / X.shape[0]


def quadratic_loss(form: tuple[FloatArray, FloatArray, float], thetas: FloatArray) -> tuple[FloatArray, FloatArray]:
    r"""Evaluate :math:`L` and :math:`\nabla L` of :func:`quadratic_form` at many points.

    Parameters
    ----------
    form : tuple (H, c, s) from :func:`descentlab.fast.moments.quadratic_form`
    thetas : ndarray of shape (..., n_features + 1)
        Points :math:`[W; b]`.

    Returns
    -------
    loss : ndarray of shape (...)
    grad : ndarray of shape (..., n_features + 1)

    Examples
    --------
    >>> H, c, s = np.eye(2), np.array([1.0, 0.0]), 0.5  # L = |theta - (1, 0)|^2 / 2
    >>> quadratic_loss((H, c, s), np.array([[1.0, 0.0], [2.0, 0.0]]))
    (array([0. , 0.5]), array([[0., 0.],
           [1., 0.]]))
    """
    H, c, s = form
    grad = thetas @ H - c
    loss: FloatArray = 0.5 * np.einsum("...i,...i->...", thetas @ H, thetas) - thetas @ c + s
    return loss, grad
