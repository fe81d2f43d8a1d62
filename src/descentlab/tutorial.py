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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import init_normal, linear_backward, linear_forward
from descentlab.core.optimizers import gd_update
from descentlab.core.xp import FloatArray

if TYPE_CHECKING:  # matplotlib is imported only by the functions that draw
    from matplotlib.figure import Figure

_MSE = MeanSquaredError()


class ArticleSteps(Protocol):
    """The three steps :func:`article_loop` calls: this module's, or a learner's (the exercises).

    >>> import descentlab.tutorial as steps  # this module is one: its three functions
    >>> X, y = reset_sizes([0.0, 1.0], [1.0, 3.0]); y_pred = steps.forward_prop(X, 1.0, 1.0)
    >>> steps.compute_loss(y, y_pred), steps.grad_desc(X, y, y_pred, 1.0, 1.0, 0.1)  # an epoch's loss, then m and b
    (0.25, (1.05, 1.05))
    """

    def forward_prop(self, X: FloatArray, m: float, b: float, /) -> FloatArray: ...

    def compute_loss(self, y: FloatArray, y_pred: FloatArray, /) -> float: ...

    def grad_desc(self, X_train: FloatArray, y_train: FloatArray, y_pred: FloatArray, m: float, b: float,
                  l_r: float, /) -> tuple[float, ...]: ...  # the new m and b


def reset_sizes(*arrays: ArrayLike) -> tuple[NDArray[Any], ...]:
    """Reshape every array to a column of shape (N, 1), as page 1 of the article does.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> X.shape, y.shape
    ((3, 1), (3, 1))
    """
    return tuple(np.asarray(a).reshape(-1, 1) for a in arrays)


def init_params(rng: np.random.Generator | int | None = None, scale: float = 10.0) -> tuple[float, float]:
    """Draw ``m`` and ``b`` independently from :math:`N(0, 10^2)`, as Python floats.

    The article has no seed; here every draw is seeded by ``rng`` (None means seed 0).

    >>> m, b = init_params(0)
    >>> round(m, 3), round(b, 3)
    (1.257, -1.321)
    """
    rng = np.random.default_rng(0 if rng is None else rng)
    params = init_normal(1, rng, scale)
    return float(params["W"][0]), float(params["b"])


def forward_prop(X: FloatArray, m: float, b: float) -> FloatArray:
    r"""The prediction :math:`\hat y = m X + b`, for ``X`` of shape (N, 1).

    >>> X, = reset_sizes([0.0, 1.0, 2.0])
    >>> forward_prop(X, 2.0, 1.0).ravel()
    array([1., 3., 5.])
    """
    y_pred: FloatArray = linear_forward(X, np.array([[m]]), b)
    return y_pred


def compute_loss(y: FloatArray, y_pred: FloatArray) -> float:
    r"""Half the mean squared error, :math:`L = \frac{1}{2M}\sum (\hat y - y)^2`.

    >>> y, y_pred = reset_sizes([1.0, 3.0, 5.0], [2.0, 3.0, 4.0])
    >>> round(compute_loss(y, y_pred), 6)  # (1 + 0 + 1) / (2 * 3)
    0.333333
    """
    return _MSE.loss(y, y_pred)


def gradient(m: float, b: float, X_train: FloatArray, y_train: FloatArray, y_pred: FloatArray) -> tuple[float, float]:
    r"""The partial derivatives of the loss with respect to ``m`` and ``b``.

    .. math::

        \frac{\partial L}{\partial m} = \frac{1}{M}\sum (\hat y - y)\,x, \qquad
        \frac{\partial L}{\partial b} = \frac{1}{M}\sum (\hat y - y)

    ``m`` and ``b`` are unused, as in the article: the prediction already holds them.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> dm, db = gradient(1.0, 1.0, X, y, forward_prop(X, 1.0, 1.0))  # the line m = 1 is too flat
    >>> round(dm, 6), round(db, 6)
    (-1.666667, -1.0)
    """
    dW, db = linear_backward(X_train, _MSE.grad(y_train, y_pred))
    return float(np.ravel(dW)[0]), float(np.ravel(db)[0])


def update_params(m: float, b: float, dm: float, db: float, l_r: float) -> tuple[float, float]:
    r"""One step against the gradient: :math:`m \leftarrow m - \alpha\,dm`, same for ``b``.

    >>> update_params(1.0, 1.0, dm=-2.0, db=-1.0, l_r=0.1)
    (1.2, 1.1)
    """
    return gd_update(m, dm, l_r), gd_update(b, db, l_r)


def grad_desc(X_train: FloatArray, y_train: FloatArray, y_pred: FloatArray, m: float, b: float,
              l_r: float) -> tuple[float, float]:
    """Compute the gradients and update ``m`` and ``b``; return the new values.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> m, b = grad_desc(X, y, forward_prop(X, 1.0, 1.0), 1.0, 1.0, l_r=0.1)
    >>> round(m, 6), round(b, 6)
    (1.166667, 1.1)
    """
    dm, db = gradient(m, b, X_train, y_train, y_pred)
    return update_params(m, b, dm, db, l_r)


def article_loop(X_train: FloatArray, y_train: FloatArray, m: float, b: float, l_r: float, epochs: int,
                 steps: ArticleSteps | None = None, stop: float | None = None) -> tuple[FloatArray, float, float]:
    """The article's loop, ``epochs`` times: predict, the loss, the gradients, the update.

    ``steps`` holds ``forward_prop``, ``compute_loss`` and ``grad_desc`` (this module's by
    default; a learner's in the exercises); ``stop`` ends it once the loss is not finite or
    reaches ``stop``. Returns the loss of each epoch (an array), ``m`` and ``b``.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> losses, m, b = article_loop(X, y, 0.0, 0.0, l_r=0.1, epochs=500)
    >>> round(m, 6), round(b, 6)
    (2.0, 1.0)
    """
    # this module implements the protocol; a module object is not typed as one
    steps = cast(ArticleSteps, sys.modules[__name__]) if steps is None else steps
    losses: list[float] = []
    for _ in range(epochs):
        y_pred = steps.forward_prop(X_train, m, b)
        losses.append(steps.compute_loss(y_train, y_pred))
        m, b = steps.grad_desc(X_train, y_train, y_pred, m, b, l_r)
        if stop is not None and not (np.isfinite(losses[-1]) and losses[-1] < stop):
            break
    return np.array(losses), m, b


def plot_graph(dataset: dict[str, ArrayLike], pred_line: dict[str, ArrayLike] | None = None,
               losses: Sequence[float] | None = None, show: bool = False) -> "Figure":
    """The article's figure: the data ``{"X": ..., "y": ...}`` (and a line ``{"x_line": ...,
    "y_line": ...}``), plus the loss panel when given.

    Returns the matplotlib Figure (and shows it when ``show`` is True).
    See :func:`descentlab.viz.article.plot_graph`.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> len(plot_graph({"X": X, "y": y}, losses=[3.0, 1.0]).axes)  # the data, and the loss
    2
    """
    from descentlab.viz.article import plot_graph as _plot_graph

    return _plot_graph(dataset, pred_line=pred_line, losses=losses, show=show)


def plot_pred_line(X: ArrayLike, y: ArrayLike, m: float, b: float, losses: Sequence[float] | None = None,
                   show: bool = False) -> "Figure":
    """Draw the line ``m x + b`` over the range of ``X`` on the data; returns the Figure.

    >>> X, y = reset_sizes([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> len(plot_pred_line(X, y, 2.0, 1.0).axes)
    1
    """
    from descentlab.viz.article import plot_pred_line as _plot_pred_line

    return _plot_pred_line(X, y, m, b, losses=losses, show=show)
