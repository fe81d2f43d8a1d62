r"""A learning rate chosen from the data, so that raw data trains with the defaults.

For a linear model the loss's Hessian is (at most) :math:`c\,H` with
:math:`H = \tfrac1N \tilde X^\top \tilde X` the second-moment matrix of the features with
the bias column and :math:`c` the loss's ``hessian_bound`` (1 for the half-MSE, 1/4 for
the cross-entropy). Full-batch gradient descent is stable below :math:`2 / (c\lambda_{\max})`;
the default step :math:`1 / (c\lambda_{\max})` is half of that, the classical
:math:`1/L` step for an :math:`L`-smooth loss.
"""

import numpy as np

from .analysis import power_iteration, second_moment, with_bias_column

ADAM_LR = 0.01


def row_sample(X, max_rows=50_000):
    """At most about ``max_rows`` evenly spaced rows of ``X`` (all of them when fewer)."""
    return X[:: max(1, X.shape[0] // max_rows)]


def curvature(X, loss, batch_size=None, max_rows=50_000):
    r"""The largest curvature :math:`L` of ``loss`` for a linear model on ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The features the model trains on (standardised, in the estimators).
    loss : loss object
        With a ``hessian_bound`` attribute (1 when it has none).
    batch_size : int or None, default=None
        With mini-batches of :math:`B < N` rows the curvature of one batch can exceed the
        full one; the estimate adds a term for it.
    max_rows : int, default=50_000
        With more rows, :math:`\lambda_{\max}` is estimated on at most this many evenly
        spaced rows.

    Returns
    -------
    float

    Notes
    -----
    .. math:: L = c \Bigl(\lambda_{\max}(H) + \frac{1}{B} \max_i \lVert \tilde x_i \rVert^2\Bigr)

    with :math:`\lambda_{\max}` the top eigenvalue of :math:`H` (from NumPy's ``eigvalsh``
    for fewer than 1024 features, else :func:`descentlab.analysis.power_iteration`) and the
    second term only for mini-batches. A batch's Hessian has trace at most
    :math:`\max_i \lVert \tilde x_i\rVert^2`, its bound for :math:`B = 1`; for large
    batches the term fades and the full-batch value remains (a heuristic in between).
    """
    c = getattr(loss, "hessian_bound", 1.0)
    # a few percent would do (1/L has a factor 2 of margin), so on many rows evenly spaced
    # rows stand in for all of them: the estimate then costs no pass over the data
    sample = row_sample(X, max_rows)
    if sample.shape[1] < 1024:  # the matrix is small: its top eigenvalue exactly
        lam = float(np.linalg.eigvalsh(second_moment(sample))[-1])
    else:
        lam = power_iteration(sample, n_iter=200, rtol=1e-4)
    if batch_size is not None and batch_size < X.shape[0]:
        lam += float(np.max(np.sum(with_bias_column(X) ** 2, axis=1))) / batch_size
    return c * lam


def default_lr(curv, optimizer="gd", momentum=0.0, minibatch=False):
    r"""The step size for ``lr=None``: :math:`1/L` for gradient descent and momentum.

    Parameters
    ----------
    curv : float
        :math:`L` from :func:`curvature`.
    optimizer : str, default="gd"
        A name of :data:`descentlab.optimizers.OPTIMIZERS`. Adam's step does not scale with
        the curvature (about ``lr`` per coordinate), so it gets ``ADAM_LR`` = 0.01, a step
        of a hundredth of a standard deviation on standardised data.
    momentum : float, default=0.0
        :math:`\beta` of "momentum" and "nesterov".
    minibatch : bool, default=False
        Whether the gradients are mini-batch estimates.

    Returns
    -------
    float

    Notes
    -----
    Full-batch, :math:`1/L` is within the stable bound of every update rule here:
    :math:`\alpha L = 1 < 2 \le 2(1+\beta)` (GD, momentum) and
    :math:`1 < 2(1+\beta)/(1+2\beta)` for Nesterov with :math:`\beta < 1`, and momentum
    then speeds the slow directions up. With mini-batches momentum adds up the gradients'
    noise as well, by :math:`1/(1-\beta)`, so the rate becomes :math:`(1-\beta)/L`: the
    same effective step as plain stochastic gradient descent.
    """
    if optimizer == "adam":
        return ADAM_LR
    if minibatch and optimizer in ("momentum", "nesterov"):
        return (1.0 - momentum) / curv
    return 1.0 / curv
