"""Closed-form facts about linear least squares, to measure gradient descent against.

These are oracles, not training: NumPy's least-squares solver gives the optimum that
gradient descent on the squared loss approaches, and the eigenvalues of the features'
second-moment matrix give the largest learning rate for which it approaches it at all.
"""

import numpy as np


def with_bias_column(X):
    """``X`` with a column of ones appended, the article's x0 = 1 for the bias."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
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
    """
    theta, *_ = np.linalg.lstsq(with_bias_column(X), y, rcond=None)
    return theta[:-1], float(theta[-1])


def second_moment(X):
    r"""The features' second-moment matrix with the bias column, :math:`\tfrac1N \tilde X^\top \tilde X`.

    Returns
    -------
    H : ndarray of shape (n_features + 1, n_features + 1)
    """
    Xb = with_bias_column(X)
    return Xb.T @ Xb / X.shape[0]


def quadratic_form(X, y):
    r"""The half-MSE of a linear model written as a quadratic in :math:`\theta = [W; b]`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    H : ndarray of shape (n_features + 1, n_features + 1)
    c : ndarray of shape (n_features + 1,)
    s : float

    Notes
    -----
    With :math:`\tilde X = [X\;1]` and :math:`N` samples,

    .. math::

        L(\theta) = \frac{1}{2N} \lVert \tilde X \theta - y \rVert^2
                  = \tfrac12 \theta^\top H \theta - c^\top \theta + s,
        \quad H = \tfrac1N \tilde X^\top \tilde X,\;
        c = \tfrac1N \tilde X^\top y,\;
        s = \tfrac{1}{2N} y^\top y.

    :math:`H` is the Hessian and :math:`\nabla L = H\theta - c`. Once these moments
    are known, :math:`L` costs nothing per point of a grid, whatever :math:`N` is.
    """
    n = X.shape[0]
    return second_moment(X), with_bias_column(X).T @ y / n, 0.5 * float(y @ y) / n


def quadratic_loss(form, thetas):
    r"""Evaluate :math:`L` and :math:`\nabla L` of :func:`quadratic_form` at many points.

    Parameters
    ----------
    form : tuple (H, c, s) from :func:`quadratic_form`
    thetas : ndarray of shape (..., n_features + 1)
        Points :math:`[W; b]`.

    Returns
    -------
    loss : ndarray of shape (...)
    grad : ndarray of shape (..., n_features + 1)
    """
    H, c, s = form
    grad = thetas @ H - c
    loss = 0.5 * np.einsum("...i,...i->...", thetas @ H, thetas) - thetas @ c + s
    return loss, grad
