r"""Full-batch training on data read in blocks: a memmap, a ``.npy`` file, a Dask array.

A full-batch loss is a mean over the rows, so it is a weighted sum over any split of them
into blocks of :math:`n_k` rows:

.. math::

    L = \sum_k \frac{n_k}{N} L_k, \qquad \nabla L = \sum_k \frac{n_k}{N} \nabla L_k,

where :math:`L_k` and :math:`\nabla L_k` are the loss and gradients that the model's own
``forward``/``backward`` and the loss's ``loss``/``grad`` give on block :math:`k` alone.
:func:`block_loss_grad` computes one term; a *block source* sums the terms, one block
at a time in this process (:class:`ArrayBlocks`) or on the workers of a Dask cluster
(:class:`descentlab.fast.distributed.DaskBlocks`), so the same math runs
where the data lives and only parameters and sums travel. The standardisation
statistics come from the same kind of sums first (:func:`descentlab.estimators.streamed.blockwise_problem`).

A block source has ``n_samples``, ``n_features`` and ``reduce(func, *args,
combine=add)``: ``combine`` of ``func(X_block, y_block, start, *args)`` over the blocks,
``X_block`` as float64 and ``start`` its first row. A weighted source (rows' weights
:math:`w` of mean 1, so :math:`\sum_i w_i = N`) adds ``w=w_block``: each block's loss is
then its weighted mean :math:`\tfrac{1}{n_k}\sum_{i \in k} w_i \ell_i`, and the same sum
gives :math:`\tfrac1N \sum_i w_i \ell_i`.
"""

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from descentlab.core.quadratic import with_bias_column
from descentlab.core.stepsize import top_eigenvalue
from descentlab.data.blocks import block_rows_for, row_blocks

MAX_CURVATURE_ROWS = 50_000  # as descentlab.core.stepsize.row_sample


def add(a: Any, b: Any) -> Any:
    """Sum two block results: numbers and arrays, or tuples and dicts of them.

    >>> add((1.0, {"W": 2.0}), (3.0, {"W": 5.0}))
    (4.0, {'W': 7.0})
    """
    if isinstance(a, dict):
        return {key: add(a[key], b[key]) for key in a}
    if isinstance(a, tuple):
        return tuple(add(u, v) for u, v in zip(a, b, strict=False))
    return a + b


class Scaling:
    """Maps a raw block to what the model trains on: :math:`z = (x - \\mu)/s` and the target code.

    ``target`` is :class:`Standardized` (regression) or :class:`LabelCodes` (classes).

    >>> import numpy as np
    >>> Scaling(np.array([2.0]), np.array([4.0]), Standardized(0.0, 1.0)).features(np.array([[6.0]]))
    array([[1.]])
    """

    def __init__(self, x_mean: np.ndarray | float, x_scale: np.ndarray | float,
                 target: Callable[[Any], np.ndarray]) -> None:
        self.x_mean, self.x_scale, self.target = x_mean, x_scale, target

    def features(self, Xb: np.ndarray) -> np.ndarray:
        Z: np.ndarray = (Xb - self.x_mean) / self.x_scale
        return Z

    def __repr__(self) -> str:
        return f"Scaling(n_features={np.size(self.x_mean)}, target={self.target!r})"


class Standardized:
    r"""A regression target on the standardised scale, :math:`t = (y - \mu_y)/s_y`.

    >>> Standardized(mean=2.0, scale=4.0)([6.0, 2.0]).tolist()
    [1.0, 0.0]
    """

    def __init__(self, mean: float, scale: float) -> None:
        self.mean, self.scale = mean, scale

    def __call__(self, yb: Any) -> np.ndarray:
        return (np.asarray(yb, dtype=np.float64) - self.mean) / self.scale

    def __repr__(self) -> str:
        return f"Standardized(mean={self.mean:.6g}, scale={self.scale:.6g})"


class LabelCodes:
    """Labels to the training target: the code the estimator gives each of its ``classes``.

    >>> import numpy as np
    >>> LabelCodes(np.array(["no", "yes"]), codes=[0.0, 1.0])(["yes", "no", "yes"]).tolist()
    [1.0, 0.0, 1.0]
    """

    def __init__(self, classes: np.ndarray, codes: np.ndarray) -> None:
        self.classes, self.codes = classes, np.asarray(codes)

    def __call__(self, yb: Any) -> np.ndarray:
        return self.codes[np.searchsorted(self.classes, np.asarray(yb))]

    def __repr__(self) -> str:
        return f"LabelCodes(classes={list(self.classes)!r})"


# -- the per-block terms, run on each block where it lives ------------------------------
def block_loss_grad(Xb: np.ndarray, yb: Any, start: int, model: Any, loss: Any, params: dict[str, np.ndarray],
                    scaling: "Scaling", n_samples: int, w: Any = None) -> tuple[float, dict[str, np.ndarray]]:
    r"""Block :math:`k`'s term :math:`\tfrac{n_k}{N}(L_k, \nabla L_k)`, by the model's own
    ``forward``/``backward`` and the loss's ``loss``/``grad`` (the trainer's article step).

    The model is copied first: threads of one worker may run blocks at once, and
    ``forward`` keeps what ``backward`` needs.

    A block of half the rows holds half the weight:

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> params, same = {"W": np.array([1.0]), "b": np.array(0.0)}, Scaling(0.0, 1.0, Standardized(0.0, 1.0))
    >>> loss, grads = block_loss_grad(np.array([[1.0], [2.0]]), np.array([0.0, 0.0]), 0, LinearModel(1),
    ...                               MeanSquaredError(), params, same, n_samples=4)
    >>> loss, MeanSquaredError().loss(np.zeros(2), np.array([1.0, 2.0])) / 2
    (0.625, 0.625)
    """
    model = copy.deepcopy(model).set_params(params)
    Z, t = scaling.features(Xb), scaling.target(yb)
    y_pred = model.forward(Z)
    weight = Z.shape[0] / n_samples
    weights = {} if w is None else {"sample_weight": np.asarray(w, dtype=np.float64)}
    grads = model.backward(loss.grad(t, y_pred, **weights))
    return loss.loss(t, y_pred, **weights) * weight, {key: np.asarray(g) * weight for key, g in grads.items()}


def block_hessian(Xb: np.ndarray, yb: Any, start: int, loss: Any, params: dict[str, np.ndarray],
                  scaling: "Scaling", w: Any = None) -> tuple[np.ndarray, int]:
    r"""This block's :func:`descentlab.core.models.linear_hessian` of a linear model, and its rows.

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> H, rows = block_hessian(np.array([[1.0], [3.0]]), np.zeros(2), 0, MeanSquaredError(),
    ...                         {"W": np.zeros(1), "b": np.array(0.0)}, Scaling(0.0, 1.0, Standardized(0.0, 1.0)))
    >>> (H / rows).tolist(), rows
    ([[5.0, 2.0], [2.0, 1.0]], 2)
    """
    from descentlab.core.models import linear_forward, linear_hessian

    Z, t = scaling.features(Xb), scaling.target(yb)
    h = loss.hessian_rows(t, linear_forward(Z, params["W"], params["b"]))
    h = h if w is None else h * np.reshape(w, (-1,) + (1,) * (h.ndim - 1))
    return linear_hessian(Z, h), Z.shape[0]


def block_sums(Xb: np.ndarray, yb: Any, start: int, numeric_y: bool, w: Any = None) -> tuple[int, np.ndarray, Any]:
    """Rows, column sums of ``X`` and the sum of ``y`` (or its labels, for classes); weighted
    sums with ``w``.

    >>> import numpy as np
    >>> n, sx, sy = block_sums(np.array([[1.0, 2.0], [3.0, 4.0]]), [1.0, 5.0], 0, numeric_y=True)
    >>> n, sx.tolist(), sy
    (2, [4.0, 6.0], 6.0)
    """
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        y_part = float(w @ np.asarray(yb, dtype=np.float64)) if numeric_y else np.unique(yb)
        return Xb.shape[0], w @ Xb, y_part
    y_part = float(np.sum(np.asarray(yb, dtype=np.float64))) if numeric_y else np.unique(yb)
    return Xb.shape[0], Xb.sum(axis=0), y_part


def block_squares(Xb: np.ndarray, yb: Any, start: int, x_mean: np.ndarray,
                  y_mean: float | None, w: Any = None) -> tuple[np.ndarray, float]:
    """Sums of squares about the means, the second pass of a two-pass variance (weighted with ``w``).

    >>> import numpy as np
    >>> sxx, syy = block_squares(np.array([[1.0], [3.0]]), [1.0, 5.0], 0, np.array([2.0]), 3.0)
    >>> sxx.tolist(), syy
    ([2.0], 8.0)
    """
    d = np.asarray(yb, dtype=np.float64) - y_mean if y_mean is not None else np.zeros(0)
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        return np.einsum("i,ij,ij->j", w, Xb - x_mean, Xb - x_mean), float((w * d) @ d) if d.size else 0.0
    return np.einsum("ij,ij->j", Xb - x_mean, Xb - x_mean), float(d @ d)


def block_second_moment(Xb: np.ndarray, yb: Any, start: int, scaling: "Scaling",
                        step: int, w: Any = None) -> tuple[np.ndarray, int]:
    r""":math:`\tilde Z^\top \tilde Z` and the row count over this block's rows of the evenly
    spaced sample ``Z[::step]`` (:func:`descentlab.core.stepsize.row_sample`).

    >>> import numpy as np
    >>> G, rows = block_second_moment(np.array([[1.0], [3.0]]), None, 0, Scaling(0.0, 1.0, Standardized(0.0, 1.0)), 1)
    >>> G.tolist(), rows
    ([[10.0, 4.0], [4.0, 2.0]], 2)
    """
    Zs = with_bias_column(scaling.features(Xb[(-start) % step::step]))
    if w is not None:  # sqrt(w_i) z~_i: the weighted second moment
        Zs = Zs * np.sqrt(np.asarray(w, dtype=np.float64)[(-start) % step::step])[:, None]
    return Zs.T @ Zs, Zs.shape[0]


def combine_sums(a: Any, b: Any) -> Any:
    """:func:`add`, with labels united instead of added.

    >>> import numpy as np
    >>> n, sx, labels = combine_sums((2, np.array([1.0]), np.array(["a"])), (1, np.array([2.0]), np.array(["b"])))
    >>> n, sx.tolist(), labels.tolist()
    (3, [3.0], ['a', 'b'])
    """
    if isinstance(a[2], np.ndarray):
        return a[0] + b[0], a[1] + b[1], np.union1d(a[2], b[2])
    return add(a, b)


class SummedObjective:
    r"""The full-batch loss and gradients of ``model`` as a sum of per-block terms.

    ``objective(params) -> (loss, grads)`` with ``grads`` keyed as ``model.params``, the seam of
    :func:`descentlab.core.trainer.train`; each call is one pass over the blocks, :func:`block_loss_grad` on
    each. ``curvature()``: :math:`\lambda_{\max}` of the standardised rows' second moment (the step size's rows).

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> X, y = np.arange(5.0).reshape(5, 1), np.array([1.0, 0.0, 2.0, 1.0, 3.0])
    >>> objective = SummedObjective(ArrayBlocks(X, y, block_rows=2), LinearModel(1), MeanSquaredError(),
    ...                             Scaling(0.0, 1.0, Standardized(0.0, 1.0)))
    >>> params = {"W": np.array([0.5]), "b": np.array(0.0)}
    >>> round(objective(params)[0], 6), round(MeanSquaredError().loss(y, 0.5 * X[:, 0]), 6)
    (0.35, 0.35)
    >>> objective.hessian(params), round(objective.curvature(), 4)  # [x, 1]'s second moment; its top eigenvalue
    (array([[6., 2.], [2., 1.]]), 6.7016)
    >>> objective.close()  # hands back what the blocks hold (a Dask cluster's workers); nothing here
    """

    def __init__(self, blocks: Any, model: Any, loss: Any, scaling: "Scaling") -> None:
        self.blocks, self.model, self.loss, self.scaling = blocks, model, loss, scaling
        self.n_samples = blocks.n_samples

    def __call__(self, params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        loss_grads: tuple[float, dict[str, np.ndarray]] = self.blocks.reduce(
            block_loss_grad, self.model, self.loss, params, self.scaling, self.n_samples)
        return loss_grads

    def curvature(self) -> float:
        step = max(1, self.n_samples // MAX_CURVATURE_ROWS)
        gram, rows = self.blocks.reduce(block_second_moment, self.scaling, step)
        return top_eigenvalue(gram / rows)

    def hessian(self, params: dict[str, np.ndarray]) -> np.ndarray:
        """A linear model's Hessian of the mean loss at ``params``: one pass (:func:`block_hessian`)."""
        H, rows = self.blocks.reduce(block_hessian, self.loss, params, self.scaling)
        hessian: np.ndarray = H / rows
        return hessian

    def close(self) -> None:
        if hasattr(self.blocks, "close"):
            self.blocks.close()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({type(self.model).__name__}, {self.loss!r}, "
                f"n_samples={self.n_samples}, blocks={self.blocks!r})")


class ArrayBlocks:
    """Rows of an array, a memmap or a :class:`descentlab.data.blocks.NpyRows` file, one
    block at a time in this process (:func:`descentlab.data.blocks.row_blocks`); ``y`` is
    sliced alongside. ``offset`` is the first row's index in the whole data (for a chunk).

    Blocks default to about 1 MiB, below NumPy's 4 MiB huge-page threshold: each block's temporaries
    are reused from the heap, not faulted in afresh (up to 10x slower on a busy machine).

    >>> import numpy as np
    >>> blocks = ArrayBlocks(np.arange(10.0).reshape(5, 2), np.zeros(5), block_rows=2)
    >>> blocks.reduce(lambda Xb, yb, start: (Xb.shape[0], start))  # rows and first rows, summed
    (5, 6)
    """

    BLOCK_BYTES = 2**20

    def __init__(self, X: Any, y: Any, block_rows: int | None = None, offset: int = 0, w: Any = None) -> None:
        self.X, self.y, self.offset, self.w = X, y, offset, w
        self.n_samples, self.n_features = X.shape
        self.block_rows = block_rows or block_rows_for(self.n_features, self.BLOCK_BYTES)

    def reduce(self, func: Callable[..., Any], *args: Any, combine: Callable[[Any, Any], Any] = add) -> Any:
        total = None
        for start, Xb, _ in row_blocks(self.X, None, self.block_rows):
            rows = slice(start, start + Xb.shape[0])
            weights = {} if self.w is None else {"w": self.w[rows]}
            part = func(Xb, self.y[rows], self.offset + start, *args, **weights)
            total = part if total is None else combine(total, part)
        return total

    def __repr__(self) -> str:
        return f"ArrayBlocks(n_samples={self.n_samples}, n_features={self.n_features})"
