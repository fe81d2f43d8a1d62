"""Closed-form facts about linear least squares, to measure gradient descent against.

These are oracles, not training: NumPy's least-squares solver gives the optimum that
gradient descent on the squared loss approaches, and the eigenvalues of the features'
second-moment matrix give the largest learning rate for which it approaches it at all.
"""

import numpy as np


def with_bias_column(X):
    """``X`` with a column of ones appended, the article's x0 = 1 for the bias."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def power_iteration(X, *, bias=True, n_iter=1000, rtol=1e-9, seed=0):
    r"""The largest eigenvalue of the second-moment matrix, by power iteration.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    bias : bool, default=True
        Append the bias column of ones, :math:`\tilde X = [X\;1]` (as the models do).
    n_iter : int, default=1000
        At most this many products with the matrix.
    rtol : float, default=1e-9
        Stop once the estimate changes by less than this, relatively.
    seed : int, default=0
        Seeds the random starting vector.

    Returns
    -------
    lam_max : float
        :math:`\lambda_{\max}(H)` with :math:`H = \tfrac1N \tilde X^\top \tilde X`, the
        Hessian of the half-MSE of a linear model; 0 when :math:`X` is all zeros.

    Notes
    -----
    Repeating :math:`v \leftarrow H v / \lVert H v \rVert` turns :math:`v` towards the top
    eigenvector, and :math:`\lVert H v \rVert \to \lambda_{\max}`. :math:`H` is never
    formed: each product is :math:`\tilde X^\top (\tilde X v) / N`, so the cost is
    :math:`O(N d)` per iteration. Full-batch gradient descent is stable for
    :math:`\alpha < 2 / \lambda_{\max}` (:func:`stability_bound`).
    """
    Xt = with_bias_column(X) if bias else np.asarray(X, dtype=float)
    n = Xt.shape[0]
    v = np.random.default_rng(seed).normal(size=Xt.shape[1])
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(n_iter):
        Hv = Xt.T @ (Xt @ v) / n
        lam_new = float(np.linalg.norm(Hv))
        if lam_new == 0.0:
            return 0.0
        v = Hv / lam_new
        if abs(lam_new - lam) <= rtol * lam_new:
            return lam_new
        lam = lam_new
    return lam


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


def stability_bound(X):
    r"""The largest stable learning rate of full-batch gradient descent on the half-MSE.

    Notes
    -----
    The loss is quadratic with Hessian :math:`H = \tfrac{1}{N} \tilde X^\top \tilde X`,
    :math:`\tilde X = [X\;1]` (:func:`quadratic_form`). Gradient descent multiplies the
    error along each eigenvector of :math:`H` by :math:`1 - \alpha \lambda_i` every
    epoch, so it converges if and only if :math:`\alpha < 2 / \lambda_{\max}`.

    Returns
    -------
    float
    """
    lam_max = np.linalg.eigvalsh(second_moment(X))[-1]
    return float(2.0 / lam_max)
