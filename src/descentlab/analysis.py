"""Closed-form facts about linear least squares, to measure gradient descent against.

These are oracles, not training: NumPy's least-squares solver gives the optimum that
gradient descent on the squared loss approaches, and the eigenvalues of the features'
second-moment matrix give the largest learning rate for which it approaches it at all.
"""

import numpy as np


def with_bias_column(X):
    """``X`` with a column of ones appended, the article's x0 = 1 for the bias."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def least_squares(X, y):
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


def stability_bound(X):
    r"""The largest stable learning rate of full-batch gradient descent on the half-MSE.

    Notes
    -----
    The loss is quadratic with Hessian :math:`H = \tfrac{1}{N} \tilde X^\top \tilde X`,
    :math:`\tilde X = [X\;1]`. Gradient descent multiplies the error along each
    eigenvector of :math:`H` by :math:`1 - \alpha \lambda_i` every epoch, so it converges
    if and only if :math:`\alpha < 2 / \lambda_{\max}`.

    Returns
    -------
    float
    """
    Xb = with_bias_column(X)
    lam_max = np.linalg.eigvalsh(Xb.T @ Xb / X.shape[0])[-1]
    return float(2.0 / lam_max)
