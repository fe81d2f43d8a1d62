"""The article's functions, one to one, to read beside the article.

Part 2 of "Neural Networks with Numpy for Absolute Beginners" fits a line
:math:`\\hat y = m x + b` by gradient descent. Each function here keeps the article's
name, arguments and meaning, with its slips fixed (every function returns its result;
``is not None`` instead of ``!= None``). None of them holds its own copy of the math:
they call the one implementation that the library trains with
(:mod:`descentlab.core.models`, :mod:`descentlab.core.losses`, :mod:`descentlab.core.optimizers`),
so what a learner reads here is exactly what ``descentlab tutorial`` runs.

The article's loop is :func:`article_loop`: it gives the same losses, m and b as
:func:`descentlab.core.trainer.train` on a :class:`descentlab.core.models.LinearModel`
(to 1e-12; the tests check it).
"""

import sys

import numpy as np

from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import init_normal, linear_backward, linear_forward
from descentlab.core.optimizers import gd_update

_MSE = MeanSquaredError()


def reset_sizes(*arrays):
    """Reshape every array to a column of shape (N, 1), as page 1 of the article does."""
    return tuple(np.asarray(a).reshape(-1, 1) for a in arrays)


def init_params(rng=None, scale=10.0):
    """Draw ``m`` and ``b`` independently from :math:`N(0, 10^2)`, as Python floats.

    Parameters
    ----------
    rng : numpy.random.Generator or int or None
        The article has no seed; here every draw is seeded (None means seed 0).
    """
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_normal(1, rng, scale)
    return float(params["W"][0]), float(params["b"])


def forward_prop(X, m, b):
    r"""The prediction :math:`\hat y = m X + b`, for ``X`` of shape (N, 1)."""
    return linear_forward(X, np.array([[m]]), b)


def compute_loss(y, y_pred):
    r"""Half the mean squared error, :math:`L = \frac{1}{2M}\sum (\hat y - y)^2`."""
    return _MSE.loss(y, y_pred)


def gradient(m, b, X_train, y_train, y_pred):
    r"""The partial derivatives of the loss with respect to ``m`` and ``b``.

    .. math::

        \frac{\partial L}{\partial m} = \frac{1}{M}\sum (\hat y - y)\,x, \qquad
        \frac{\partial L}{\partial b} = \frac{1}{M}\sum (\hat y - y)

    ``m`` and ``b`` are unused, as in the article: the prediction already holds them.
    """
    dW, db = linear_backward(X_train, _MSE.grad(y_train, y_pred))
    return float(np.ravel(dW)[0]), float(np.ravel(db)[0])


def update_params(m, b, dm, db, l_r):
    r"""One step against the gradient: :math:`m \leftarrow m - \alpha\,dm`, same for ``b``."""
    return gd_update(m, dm, l_r), gd_update(b, db, l_r)


def grad_desc(X_train, y_train, y_pred, m, b, l_r):
    """Compute the gradients and update ``m`` and ``b``; return the new values."""
    dm, db = gradient(m, b, X_train, y_train, y_pred)
    return update_params(m, b, dm, db, l_r)


def article_loop(X_train, y_train, m, b, l_r, epochs, steps=None, stop=None):
    """The article's loop, ``epochs`` times: predict, the loss, the gradients, the update.

    ``steps`` holds ``forward_prop``, ``compute_loss`` and ``grad_desc`` (this module's by
    default; a learner's in the exercises); ``stop`` ends it once the loss is not finite or
    reaches ``stop``. Returns the loss of each epoch (an array), ``m`` and ``b``.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> losses, m, b = article_loop(X, y, 0.0, 0.0, l_r=0.1, epochs=500)
    >>> round(m, 6), round(b, 6)
    (2.0, 1.0)
    """
    steps = sys.modules[__name__] if steps is None else steps
    losses = []
    for _ in range(epochs):
        y_pred = steps.forward_prop(X_train, m, b)
        losses.append(steps.compute_loss(y_train, y_pred))
        m, b = steps.grad_desc(X_train, y_train, y_pred, m, b, l_r)
        if stop is not None and not (np.isfinite(losses[-1]) and losses[-1] < stop):
            break
    return np.array(losses), m, b


def plot_graph(dataset, pred_line=None, losses=None, show=False):
    """The article's figure: the data (and a line), plus the loss panel when given.

    Returns the matplotlib Figure (and shows it when ``show`` is True).
    See :func:`descentlab.viz.article.plot_graph`.
    """
    from descentlab.viz.article import plot_graph as _plot_graph

    return _plot_graph(dataset, pred_line=pred_line, losses=losses, show=show)


def plot_pred_line(X, y, m, b, losses=None, show=False):
    """Draw the line ``m x + b`` over the range of ``X`` on the data; returns the Figure."""
    from descentlab.viz.article import plot_pred_line as _plot_pred_line

    return _plot_pred_line(X, y, m, b, losses=losses, show=show)
