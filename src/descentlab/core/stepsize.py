r"""A learning rate chosen from the data, so that raw data trains with the defaults.

For a linear model the loss's Hessian is (at most) :math:`c\,H` with
:math:`H = \tfrac1N \tilde X^\top \tilde X` the second-moment matrix of the features with
the bias column and :math:`c` the loss's ``hessian_bound`` (1 for the half-MSE, 1/4 for
the cross-entropy). Full-batch gradient descent is stable below :math:`2 / (c\lambda_{\max})`;
the default step :math:`1 / (c\lambda_{\max})` is half of that, the classical
:math:`1/L` step for an :math:`L`-smooth loss. Derivation: :doc:`/maths/stability`.
"""

from typing import TYPE_CHECKING

import numpy as np

from descentlab.core.quadratic import least_squares, second_moment, with_bias_column
from descentlab.core.xp import Array, FloatArray, floats, namespace, to_numpy

if TYPE_CHECKING:
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty

ADAM_LR = 0.01


def hessian_bound(loss: object) -> float:
    r"""The loss's :math:`c`: a bound on :math:`N\,\partial^2 L/\partial \hat y_i^2` (1 when it names none).

    >>> from descentlab.core.losses import BinaryCrossEntropy
    >>> hessian_bound(BinaryCrossEntropy()), hessian_bound(object())
    (0.25, 1.0)
    """
    return float(getattr(loss, "hessian_bound", 1.0))


def top_eigenvalue(H: Array) -> float:
    r""":math:`\lambda_{\max}` of the symmetric matrix ``H``, exactly (``eigvalsh`` of its namespace).

    >>> top_eigenvalue(np.diag([1.0, 3.0]))
    3.0
    """
    return float(namespace(H).linalg.eigvalsh(H)[-1])


def row_sample(X: Array, max_rows: int = 50_000) -> Array:
    """At most about ``max_rows`` evenly spaced rows of ``X`` (all of them when fewer).

    >>> row_sample(np.arange(10.0)[:, None], max_rows=3).ravel()
    array([0., 3., 6., 9.])
    """
    return X[:: max(1, X.shape[0] // max_rows), ...]


def curvature(X: Array, loss: object, batch_size: int | None = None, max_rows: int = 50_000,
              sample_weight: Array | None = None) -> float:
    r"""The largest curvature :math:`L` of ``loss`` (its ``hessian_bound`` :math:`c`) for a
    linear model on the features ``X`` of shape (n_samples, n_features).

    With more than ``max_rows`` rows, :math:`\lambda_{\max}` is estimated on that many evenly
    spaced rows; ``sample_weight`` (mean 1) weighs each row's :math:`\tilde x_i \tilde x_i^\top`.

    Notes
    -----
    .. math:: L = c \Bigl(\lambda_{\max}(H) + \frac{1}{B} \max_i \lVert \tilde x_i \rVert^2\Bigr)

    the second term only for mini-batches of :math:`B < N` rows, which can be sharper than
    the full batch. Derivation: :doc:`/maths/stability`, "A mini-batch is sharper than the full batch".

    Examples
    --------
    >>> from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
    >>> X = np.array([[1.0], [-1.0]])  # H = I
    >>> curvature(X, MeanSquaredError()), curvature(X, BinaryCrossEntropy()), curvature(X, MeanSquaredError(), batch_size=1)
    (1.0, 0.25, 3.0)
    """
    c = hessian_bound(loss)
    # a few percent would do (1/L has a factor 2 of margin), so on many rows evenly spaced
    # rows stand in for all of them: the estimate then costs no pass over the data
    sample = row_sample(X, max_rows)
    if sample_weight is not None:  # sqrt(w_i) x~_i has second moment sum w_i x~_i x~_i^T / N
        sample = with_bias_column(sample) * namespace(X).sqrt(row_sample(floats(sample_weight), max_rows))[:, None]
        lam = top_eigenvalue(sample.T @ sample / sample.shape[0]) if sample.shape[1] <= 1024 \
            else power_iteration(to_numpy(sample), bias=False, n_iter=200, rtol=1e-4)
    elif sample.shape[1] < 1024:  # the matrix is small: its top eigenvalue exactly
        lam = top_eigenvalue(second_moment(sample))
    else:  # on the host for arrays of other namespaces: a sample of rows, once per fit
        lam = power_iteration(to_numpy(sample), n_iter=200, rtol=1e-4)
    if batch_size is not None and batch_size < X.shape[0]:
        w, xp = 1.0 if sample_weight is None else floats(sample_weight), namespace(X)
        lam += float(xp.max(w * xp.sum(with_bias_column(X) ** 2, axis=1))) / batch_size
    return c * lam


def with_penalty(curv: float, penalty: "Penalty | None") -> float:
    r"""The curvature :math:`L` of the loss plus its penalty's: :math:`L + \max_j \lambda_j`.

    An l2 penalty :math:`\tfrac12 \sum_j \lambda_j W_j^2` adds :math:`\lambda_j` to the
    Hessian's diagonal; an l1 part adds none. :func:`default_lr` and ``stable_lr`` take this sum.

    >>> from descentlab.core.penalties import Penalty
    >>> with_penalty(1.0, Penalty(0.5, 0.0, {"W": 1.0})), with_penalty(1.0, None)
    (1.5, 1.0)
    """
    return curv if penalty is None else curv + penalty.curvature()


def default_lr(curv: float, optimizer: str = "gd", momentum: float = 0.0, minibatch: bool = False) -> float:
    r"""The step size for ``lr=None``: :math:`1/L` (``curv``, from :func:`curvature`) for
    gradient descent and momentum :math:`\beta` (``momentum``); Adam, whose step does not
    scale with the curvature, gets ``ADAM_LR`` = 0.01, a hundredth of a standard deviation
    on standardised data.

    Notes
    -----
    :math:`1/L` is within every update rule's stability bound. With mini-batches momentum at the
    rate :math:`\alpha` acts like plain SGD at :math:`\alpha/(1-\beta)`, noise included, so the rate is :math:`(1-\beta)/L`.
    Derivation: :doc:`/maths/stability`, "Momentum and Nesterov".

    Examples
    --------
    >>> default_lr(4.0), round(default_lr(4.0, "momentum", 0.9, minibatch=True), 6), default_lr(4.0, "adam")
    (0.25, 0.025, 0.01)
    """
    if optimizer == "adam":
        return ADAM_LR
    if minibatch and optimizer in ("momentum", "nesterov"):
        return (1.0 - momentum) / curv
    return 1.0 / curv


def power_iteration(X: FloatArray, *, bias: bool = True, n_iter: int = 1000, rtol: float = 1e-9,
                    seed: int = 0) -> float:
    r""":math:`\lambda_{\max}(H)`, :math:`H = \tfrac1N \tilde X^\top \tilde X` (the half-MSE's
    Hessian; 0 when ``X`` is all zeros), by power iteration from a vector seeded by ``seed``:
    at most ``n_iter`` products, until the estimate changes by less than ``rtol``, relatively.
    ``bias`` appends the column of ones, :math:`\tilde X = [X\;1]`, as the models do.

    Notes
    -----
    :math:`v \leftarrow H v / \lVert H v \rVert`, with :math:`H v = \tilde X^\top (\tilde X v) / N`
    (:math:`H` never formed, :math:`O(N d)` a product), and :math:`\lVert H v \rVert \to \lambda_{\max}`.
    Derivation: :doc:`/maths/stability`, "Finding λmax: power iteration".

    Examples
    --------
    >>> round(power_iteration(np.array([[2.0], [0.0]])), 6)  # H = [[2, 1], [1, 1]]: (3 + sqrt 5) / 2
    2.618034
    """
    Xt = with_bias_column(X) if bias else np.asarray(X, dtype=float)
    n, v, lam = Xt.shape[0], np.random.default_rng(seed).normal(size=(Xt.shape[1],)), 0.0
    v /= np.linalg.norm(v)
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


def lam_max(X: Array) -> float:
    r""":math:`\lambda_{\max}` of :math:`H = \tfrac1N \tilde X^\top \tilde X`, the Hessian of the
    half-MSE of a linear model on ``X`` (exactly, NumPy's ``eigvalsh``).

    >>> lam_max(np.array([[1.0], [-1.0]]))  # H = [[1, 0], [0, 1]]
    1.0
    """
    return top_eigenvalue(second_moment(X))


def stable_rate(curv: float, optimizer: "Optimizer", penalty: "Penalty | None" = None) -> float | None:
    """``optimizer``'s largest stable rate on a loss of curvature ``curv`` plus ``penalty``'s
    (:func:`with_penalty`); None for Adam, whose step does not scale with the curvature.

    >>> from descentlab.core.optimizers import Adam, GradientDescent
    >>> stable_rate(4.0, GradientDescent()), stable_rate(4.0, Adam())
    (0.5, None)
    """
    return optimizer.stable_lr(with_penalty(curv, penalty))


def stability_bound(X: Array) -> float:
    r"""The largest stable learning rate of full-batch gradient descent on the half-MSE.

    Notes
    -----
    .. math:: \alpha < \frac{2}{\lambda_{\max}(H)}, \qquad H = \tfrac{1}{N} \tilde X^\top \tilde X,

    as each step multiplies the error along an eigenvector of :math:`H` by :math:`1 - \alpha \lambda_i`.
    Derivation: :doc:`/maths/stability`, "Gradient descent on a quadratic".

    Returns
    -------
    float

    Examples
    --------
    >>> stability_bound(np.array([[1.0], [-1.0]]))  # lambda_max = 1
    2.0
    """
    return 2.0 / lam_max(X)


def linear_network_bound(X: FloatArray, y: FloatArray, output_bias: bool = False) -> float:
    """The largest rate at which full-batch gradient descent can settle at a minimum of a
    two-layer linear network on the half-MSE: 2 / :func:`linear_network_sharpness`.

    >>> round(linear_network_bound(np.array([[1.0], [-1.0]]), np.array([1.0, -1.0])), 6)  # the line's is 2
    1.0
    """
    return 2.0 / linear_network_sharpness(X, y, output_bias)


def linear_network_sharpness(X: FloatArray, y: FloatArray, output_bias: bool = False) -> float:
    r"""The sharpness :math:`S` (top Hessian eigenvalue) of the flattest minimum of a
    two-layer linear network on the half-MSE: its curvature, as :func:`lam_max` is the line's.
    ``output_bias``: the output layer has its own bias :math:`b_2` (the ``"layers"`` form of
    :func:`descentlab.lessons.collapse.article_network`), not the article's input :math:`x_0 = 1`.

    Notes
    -----
    With :math:`H` the line's Hessian (:func:`stability_bound`), :math:`\theta^*` the least
    squares line, :math:`e` its bias coordinate and :math:`v = \theta^* - b_2 e`,

    .. math::

        S = \min_{s > 0,\, b_2} \lambda_{\max}\!\left(H^{1/2}
            \left(s I + v v^\top / s\;(+\, e e^\top)\right) H^{1/2}\right),

    the :math:`e e^\top` term and :math:`b_2` only with ``output_bias``. Unlike
    :func:`stability_bound` it depends on ``y``: a steeper line needs larger weights, which
    make the loss sharper. Derivation: :doc:`/maths/networks`, "The sharpness of a two-layer linear network".

    Examples
    --------
    >>> X, y = np.array([[1.0], [-1.0]]), np.array([1.0, -1.0])  # H = I, theta* = (1, 0)
    >>> round(linear_network_sharpness(X, y), 6)  # min over s of s + 1/s
    2.0
    """
    from scipy.optimize import minimize

    W, b = least_squares(X, y)
    theta = np.append(W, b)
    lam, V = np.linalg.eigh(second_moment(X))
    root = (V * np.sqrt(np.clip(lam, 0.0, None))) @ V.T
    e = np.zeros_like(theta)
    e[-1] = 1.0

    def sharpness(z: FloatArray) -> float:
        s = np.exp(z[0])
        v = theta - z[1] * e if output_bias else theta
        M = s * np.eye(theta.size) + np.outer(v, v) / s + (np.outer(e, e) if output_bias else 0.0)
        return top_eigenvalue(root @ M @ root)

    start = [np.log(max(float(np.linalg.norm(theta)), 1e-12)), 0.0]
    best = minimize(sharpness, start, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    return float(best.fun)


#: Where each regime of a rate ends, as a fraction of the stable bound (:func:`classify_rate`).
REGIME_EDGES: dict[str, float] = {"too small": 0.05, "good": 0.8, "near the bound": 1.0}


def classify_rate(lr: float, bound: float) -> str:
    r"""Where ``lr`` falls against the stability bound :math:`2/\lambda_{\max}`.

    ``"too small"`` (below 5% of the bound: slow), ``"good"``, ``"near the bound"`` (80% to
    100%) or ``"beyond the bound"`` (at the bound too: there the error no longer shrinks, so the
    rate is not stable); edges in :data:`REGIME_EDGES`. What the steps do: :mod:`~descentlab.core.regimes`.

    >>> classify_rate(0.5, 2.0), classify_rate(1.9, 2.0), classify_rate(2.0, 2.0)
    ('good', 'near the bound', 'beyond the bound')
    """
    ratio = lr / bound  # the first regime whose edge lies above the ratio
    if ratio >= REGIME_EDGES["near the bound"]:
        return "beyond the bound"
    if ratio >= REGIME_EDGES["good"]:
        return "near the bound"
    if ratio < REGIME_EDGES["too small"]:
        return "too small"
    return "good"
