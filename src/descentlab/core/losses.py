"""Losses: a value and its gradient with respect to the prediction, every loss in one home.

Each loss is an object with ``loss(y, y_pred)`` and ``grad(y, y_pred)``
(the numpy-ml convention). ``grad`` returns :math:`\\partial L / \\partial \\hat y`
with the same shape as ``y_pred``, already divided by the number of samples, so
that a model's backward pass only applies the chain rule.
"""

import math
from typing import Protocol

import numpy as np

from descentlab.core.xp import Array, namespace


class Loss(Protocol):
    r"""What the trainer and the step size need of a loss: its value, its gradient with respect
    to the prediction, each row's curvature and ``hessian_bound``, the bound of
    :math:`N\,\partial^2 L/\partial \hat y_i^2` the stable step size is taken from.

    >>> import numpy as np
    >>> loss: Loss = BinaryCrossEntropy(); y, z = np.array([0.0, 1.0]), np.zeros(2)
    >>> round(loss.loss(y, z), 4), loss.grad(y, z), loss.hessian_rows(y, z), loss.hessian_bound  # met at z = 0
    (0.6931, array([ 0.25, -0.25]), array([0.25, 0.25]), 0.25)
    """

    name: str

    @property
    def hessian_bound(self) -> float: ...

    def loss(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> float: ...

    def grad(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> Array: ...

    def hessian_rows(self, y: Array, y_pred: Array) -> Array: ...


def _weighted(terms: Array, sample_weight: Array | None) -> Array:
    """Each row's terms times its weight (rows are the first axis); as they are without weights."""
    if sample_weight is None:
        return terms
    return terms * namespace(terms).reshape(sample_weight, (-1,) + (1,) * (terms.ndim - 1))


class MeanSquaredError:
    r"""Half the mean squared error, the article's ``compute_loss``.

    Notes
    -----
    For :math:`N` predictions (all samples and outputs),

    .. math::

        L = \frac{1}{2N} \sum_{i=1}^{N} (\hat y_i - y_i)^2, \qquad
        \frac{\partial L}{\partial \hat y_i} = \frac{\hat y_i - y_i}{N}.

    The factor 1/2 cancels the 2 of the derivative (article, "Cost/Loss Function");
    ``hessian_bound`` is 1. Derivation: :doc:`/maths/gradients`, "The squared loss and the line".

    Examples
    --------
    >>> import numpy as np
    >>> mse, y = MeanSquaredError(), np.array([1.0, 3.0])
    >>> mse.loss(y, np.array([2.0, 3.0])), mse.grad(y, np.array([2.0, 3.0]))  # (1/2)(1/2)(1 + 0)
    (0.25, array([0.5, 0. ]))
    >>> mse.hessian_rows(y, np.array([2.0, 3.0]))  # the same curvature everywhere
    array([1., 1.])
    """

    name = "mse"
    hessian_bound = 1.0

    def loss(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> float:
        r"""Return :math:`L` as a float. ``y`` and ``y_pred`` have the same shape.

        ``sample_weight`` (one per row) multiplies each row's term: :math:`\tfrac{1}{2N}\sum w_i r_i^2`.
        """
        return 0.5 * float(namespace(y_pred).mean(_weighted((y_pred - y) ** 2, sample_weight)))

    def grad(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> Array:
        """Return ``dLdY``, the gradient of ``loss`` with respect to ``y_pred``."""
        return _weighted(y_pred - y, sample_weight) / math.prod(y.shape)  # y.size, in any namespace

    def hessian_rows(self, y: Array, y_pred: Array) -> Array:
        r"""Each row's :math:`N\,\partial^2 L / \partial \hat y_i^2 = 1`, shape of ``y_pred``; for
        :math:`k` outputs, each row's :math:`k \times k` block :math:`I / k` (the mean over them)."""
        if np.ndim(y_pred) == 2:
            k = y_pred.shape[1]
            return np.broadcast_to(np.eye(k) / k, (y_pred.shape[0], k, k))
        return np.ones_like(y_pred, dtype=float)

    def __repr__(self) -> str:
        return "MeanSquaredError()"


class BinaryCrossEntropy:
    r"""Binary cross-entropy computed from logits, so it never takes ``log(0)``.

    The model outputs the logit :math:`z`; the probability is :math:`p = \sigma(z)`.

    Notes
    -----
    .. math::

        L = \frac{1}{N}\sum_i \operatorname{softplus}(z_i) - y_i z_i, \qquad
        \frac{\partial L}{\partial z_i} = \frac{\sigma(z_i) - y_i}{N},

    the cross-entropy :math:`-y \log p - (1 - y)\log(1 - p)` rewritten so that it never
    overflows; ``hessian_bound`` is :math:`\max \sigma(1 - \sigma) = 1/4`.
    Derivation: :doc:`/maths/gradients`, "Binary cross-entropy from logits".

    Examples
    --------
    >>> bce, y, z = BinaryCrossEntropy(), np.array([0.0, 1.0]), np.array([0.0, 2.0])
    >>> round(bce.loss(y, z), 4), bce.grad(y, z).round(4), bce.hessian_rows(y, z).round(4)  # (sigma(z) - y) / 2
    (0.41, array([ 0.25  , -0.0596]), array([0.25 , 0.105]))
    """

    name = "bce"
    hessian_bound = 0.25

    def loss(self, y: Array, z: Array, sample_weight: Array | None = None) -> float:
        """Return :math:`L` for targets ``y`` in {0, 1} and logits ``z`` of the same shape
        (each row's term times its ``sample_weight`` when given)."""
        xp = namespace(z)
        softplus = xp.maximum(z, 0.0) + xp.log1p(xp.exp(-xp.abs(z)))
        return float(xp.mean(_weighted(softplus - y * z, sample_weight)))

    def grad(self, y: Array, z: Array, sample_weight: Array | None = None) -> Array:
        """Return ``dLdZ``, the gradient with respect to the logits."""
        from descentlab.core.activations import sigmoid

        return _weighted(sigmoid(z) - y, sample_weight) / math.prod(y.shape)

    def hessian_rows(self, y: Array, z: Array) -> Array:
        r"""Each row's :math:`N\,\partial^2 L / \partial z_i^2 = \sigma(z_i)(1 - \sigma(z_i))`."""
        from descentlab.core.activations import sigmoid

        p = sigmoid(z)
        return p * (1.0 - p)

    def __repr__(self) -> str:
        return "BinaryCrossEntropy()"


class SoftmaxCrossEntropy:
    r"""Multinomial (softmax) cross-entropy computed from logits, for :math:`K \ge 2` classes.

    The model outputs logits :math:`Z` of shape (n_samples, K); the probabilities are
    :math:`P = \operatorname{softmax}(Z)` row by row (:func:`descentlab.core.activations.softmax`).
    The targets :math:`Y` are one-hot rows of the same shape.

    Notes
    -----
    .. math::

        L = \frac1N \sum_i \Bigl(\operatorname{logsumexp}_k Z_{ik} - \sum_k Y_{ik} Z_{ik}\Bigr),
        \qquad
        \frac{\partial L}{\partial Z} = \frac{P - Y}{N},

    with :math:`N` the number of rows (not of cells); ``hessian_bound`` is 1/2.
    Derivation: :doc:`/maths/gradients`, "Softmax cross-entropy".

    Examples
    --------
    >>> ce, Y, Z = SoftmaxCrossEntropy(), np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])
    >>> round(ce.loss(Y, Z), 4), ce.grad(Y, Z)  # log 2; P - Y
    (0.6931, array([[-0.5,  0.5]]))
    >>> ce.hessian_rows(Y, Z)  # diag(p) - p p^T
    array([[[ 0.25, -0.25],
            [-0.25,  0.25]]])
    """

    name = "softmax_ce"
    hessian_bound = 0.5

    def loss(self, Y: Array, Z: Array, sample_weight: Array | None = None) -> float:
        """Return :math:`L` for one-hot ``Y`` and logits ``Z``, both (n_samples, n_classes)
        (each row's term times its ``sample_weight`` when given)."""
        from descentlab.core.activations import log_softmax, softmax_lse

        xp = namespace(Z)
        if xp is not np:
            return float(-xp.sum(_weighted(Y * log_softmax(Z), sample_weight)) / Y.shape[0])
        P, lse = softmax_lse(Z)  # P kept for grad at the same Z (the trainer's next call)
        self._last = (Z, P)
        ones = np.ones(Y.shape[1])  # row sums as products: a reduction along short rows is slow
        terms = lse * (Y @ ones) - (Y * Z) @ ones  # sum_k Y_ik (lse_i - Z_ik)
        return float((terms.sum() if sample_weight is None else terms @ sample_weight) / Y.shape[0])

    def grad(self, Y: Array, Z: Array, sample_weight: Array | None = None) -> Array:
        """Return ``dLdZ``, the gradient with respect to the logits."""
        from descentlab.core.activations import softmax

        last = self.__dict__.pop("_last", None)
        P = last[1] if last is not None and last[0] is Z else softmax(Z)
        return _weighted(P - Y, sample_weight) / Y.shape[0]

    def hessian_rows(self, Y: Array, Z: Array) -> Array:
        r"""Each row's :math:`N\,\partial^2 L / \partial Z_i \partial Z_i^\top = \operatorname{diag}(p_i)
        - p_i p_i^\top`, shape (n_samples, n_classes, n_classes)."""
        from descentlab.core.activations import softmax

        P = softmax(Z)
        return P[:, :, None] * np.eye(P.shape[1]) - P[:, :, None] * P[:, None, :]

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"


# -- scikit-learn's losses with kinks: huber, epsilon_insensitive, quantile; hinge, modified_huber --
# Huber and modified Huber have a Lipschitz gradient: a constant step converges on them. The
# three piecewise-linear ones (``kinked = True``) take a smoothing ``mu`` (see :func:`envelope`).

#: Rows this close to the band's edges (times :math:`\mu`) count as inside in ``hessian_rows``.
EDGE = 1e-3


def envelope(a: Array, lo: float, hi: float, mu: float) -> tuple[Array, Array, Array]:
    r"""``(value, slope, curvature)`` of :math:`\varphi_\mu(a)` (:class:`_Kinked`), elementwise;
    ``mu`` 0 is :math:`\varphi` itself with slope 0 at the kink.

    The curvature is :math:`1/\mu` inside the band :math:`(\mu l, \mu h)` and within
    ``EDGE * mu`` of it: at an edge the second derivative jumps (0 or :math:`1/\mu`), and
    a Newton step taken near one must see the side the optimum may lie on.

    >>> envelope(np.array([0.05, 1.0]), 0.0, 1.0, mu=0.1)  # inside the band (0, 0.1), then past it
    (array([0.0125, 0.95  ]), array([0.5, 1. ]), array([10.,  0.]))
    """
    if mu == 0:
        return np.maximum(lo * a, hi * a), hi * (a > 0) + lo * (a < 0), np.zeros_like(a, dtype=float)
    slope = np.clip(a / mu, lo, hi)
    value = np.where(a >= mu * hi, hi * a - 0.5 * mu * hi**2,
                     np.where(a <= mu * lo, lo * a - 0.5 * mu * lo**2, 0.5 * a**2 / mu))
    edge = EDGE * mu
    return value, slope, ((a > mu * lo - edge) & (a < mu * hi + edge)) / mu


class _Kinked:
    r"""A piecewise-linear loss, smoothed by ``mu`` (0: exact, the subgradient with 0 at a kink).

    A kink has no gradient (a constant step bounces across it), so each kink
    :math:`\varphi(a) = \max(l\,a, h\,a)` is replaced by its Moreau envelope, of
    curvature :math:`1/\mu` and within :math:`\tfrac{\mu}{2}\max(l^2, h^2)` of it,

    .. math:: \varphi_\mu'(a) = \operatorname{clip}(a/\mu, l, h)

    (:func:`envelope`; :class:`descentlab.estimators.continuation.Continuation` shrinks :math:`\mu`).
    Derivation: :doc:`/maths/kinks`, "The Moreau envelope".
    """

    kinked, degree = True, 1

    def __init__(self, mu: float = 0.0) -> None:
        self.mu = float(mu)

    @property
    def hessian_bound(self) -> float:
        r""":math:`1/\mu`, the smoothed loss's largest curvature (1 for the exact loss: a
        subgradient step has no bound, and 1 sizes it as the squared loss's)."""
        return 1.0 / self.mu if self.mu else 1.0

    def _parts(self, y: Array, y_pred: Array) -> tuple[Array, Array, Array]:
        """``(value, dvalue/dy_pred, d2value/dy_pred2)`` of each row."""
        raise NotImplementedError

    def loss(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> float:
        """The mean over rows of each row's (smoothed) loss."""
        return float(np.sum(_weighted(self._parts(y, y_pred)[0], sample_weight))) / int(y.shape[0])

    def grad(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> Array:
        """The (smoothed) slope of each row, over the rows."""
        return _weighted(self._parts(y, y_pred)[1], sample_weight) / y.shape[0]

    def hessian_rows(self, y: Array, y_pred: Array) -> Array:
        r"""Each row's curvature: :math:`1/\mu` inside a kink's band, else 0."""
        return _diagonal(self._parts(y, y_pred)[2])


def _diagonal(h: Array) -> Array:
    """Each row's curvature as :func:`descentlab.core.models.linear_hessian` takes it: one
    number per row, or for one score per class (one versus rest) a diagonal matrix per row."""
    return h if h.ndim == 1 else h[:, :, None] * np.eye(h.shape[1])


class HuberLoss:
    r"""scikit-learn's ``SGDRegressor(loss="huber")``: squared near 0, linear beyond :math:`\epsilon`.

    Notes
    -----
    With :math:`r = \hat y - y`,

    .. math::

        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \epsilon \\
                  \epsilon |r| - \tfrac12 \epsilon^2 & |r| > \epsilon \end{cases}, \qquad
        \ell'(r) = \operatorname{clip}(r, -\epsilon, \epsilon), \qquad \ell''(r) = [|r| \le \epsilon],

    :math:`L = \tfrac1N \sum_i \ell(r_i)`. ``degree`` 2: :math:`\ell_{\epsilon s}(s r) = s^2 \ell_\epsilon(r)`.

    Examples
    --------
    >>> huber, y, y_pred = HuberLoss(epsilon=0.1), np.zeros(2), np.array([0.05, 1.0])
    >>> huber.loss(y, y_pred), huber.grad(y, y_pred), huber.hessian_rows(y, y_pred)  # the slope clipped at 0.1
    (0.048125, array([0.025, 0.05 ]), array([1., 0.]))
    """

    name, hessian_bound, degree, kinked = "huber", 1.0, 2, False

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = float(epsilon)

    def loss(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> float:
        a, e = np.abs(y_pred - y), self.epsilon
        return float(np.mean(_weighted(np.where(a <= e, 0.5 * a**2, e * a - 0.5 * e**2), sample_weight)))

    def grad(self, y: Array, y_pred: Array, sample_weight: Array | None = None) -> Array:
        return _weighted(np.clip(y_pred - y, -self.epsilon, self.epsilon), sample_weight) / y.size

    def hessian_rows(self, y: Array, y_pred: Array) -> Array:
        return (np.abs(y_pred - y) <= self.epsilon).astype(float)

    def __repr__(self) -> str:
        return f"HuberLoss(epsilon={self.epsilon!r})"


class EpsilonInsensitive(_Kinked):
    r"""scikit-learn's ``loss="epsilon_insensitive"`` (linear SVR): no loss within :math:`\epsilon`.

    Notes
    -----
    .. math:: \ell(r) = \max(0, |r| - \epsilon), \qquad \ell'(r) = \operatorname{sign}(r)\,[|r| > \epsilon],

    a subgradient (0 at the kinks); ``degree`` 1: :math:`\ell_{\epsilon s}(s r) = s\,\ell_\epsilon(r)`.
    Smoothed: :math:`\varphi_\mu(|r| - \epsilon)` with :math:`l, h = 0, 1`.

    >>> svr, y, y_pred = EpsilonInsensitive(epsilon=0.1), np.zeros(2), np.array([0.05, 1.0])
    >>> svr.loss(y, y_pred), svr.grad(y, y_pred)  # no loss nor slope inside the tube
    (0.45, array([0. , 0.5]))
    """

    name = "epsilon_insensitive"

    def __init__(self, epsilon: float = 0.1, mu: float = 0.0) -> None:
        super().__init__(mu)
        self.epsilon = float(epsilon)

    def _parts(self, y: Array, y_pred: Array) -> tuple[Array, Array, Array]:
        r = y_pred - y
        value, slope, curv = envelope(np.abs(r) - self.epsilon, 0.0, 1.0, self.mu)
        return value, np.sign(r) * slope, curv

    def __repr__(self) -> str:
        return f"EpsilonInsensitive(epsilon={self.epsilon!r}, mu={self.mu!r})"


class QuantileLoss(_Kinked):
    r"""The pinball loss of ``QuantileRegressor(quantile=q)``: its minimiser is the q-quantile.

    Notes
    -----
    With :math:`u = y - \hat y`,

    .. math:: \ell(u) = \max(q u, (q - 1) u), \qquad
              \frac{\partial \ell}{\partial \hat y} = -q\,[u > 0] + (1 - q)\,[u < 0],

    ``degree`` 1 (a subgradient, 0 at the kink). Smoothed: :math:`\varphi_\mu(u)`, :math:`l, h = q - 1, q`.

    >>> pinball, y = QuantileLoss(quantile=0.9), np.array([1.0, 1.0])
    >>> pinball.loss(y, np.array([0.0, 2.0])), pinball.grad(y, np.array([0.0, 2.0]))  # under-predicting costs 9x more
    (0.5, array([-0.45,  0.05]))
    """

    name = "quantile"

    def __init__(self, quantile: float = 0.5, mu: float = 0.0) -> None:
        super().__init__(mu)
        self.quantile = float(quantile)

    def _parts(self, y: Array, y_pred: Array) -> tuple[Array, Array, Array]:
        value, slope, curv = envelope(y - y_pred, self.quantile - 1.0, self.quantile, self.mu)
        return value, -slope, curv

    def __repr__(self) -> str:
        return f"QuantileLoss(quantile={self.quantile!r}, mu={self.mu!r})"


class Hinge(_Kinked):
    r"""scikit-learn's ``SGDClassifier(loss="hinge")`` (linear SVM) on labels :math:`y \in \{0, 1\}`.

    On one-hot rows (one score per class) the loss is summed over the classes and averaged
    over the rows: one versus rest, each class's problem as for two (:class:`ModifiedHuber` too).

    Notes
    -----
    With :math:`s = 2y - 1 \in \{-1, 1\}` and the score :math:`z`,
    :math:`\ell = \max(0, 1 - s z)`, :math:`\ell' = -s\,[s z < 1]` (a subgradient).
    Smoothed: :math:`\varphi_\mu(1 - s z)`, :math:`l, h = 0, 1`.

    >>> hinge, y, z = Hinge(), np.array([0.0, 1.0]), np.array([0.5, 0.5])
    >>> hinge.loss(y, z), hinge.grad(y, z)  # both violate the margin; the first is misclassified
    (1.0, array([ 0.5, -0.5]))
    """

    name = "hinge"

    def _parts(self, y: Array, z: Array) -> tuple[Array, Array, Array]:
        s = 2 * y - 1
        value, slope, curv = envelope(1.0 - s * z, 0.0, 1.0, self.mu)
        return value, -s * slope, curv

    def __repr__(self) -> str:
        return f"Hinge(mu={self.mu!r})"


class ModifiedHuber:
    r"""scikit-learn's ``loss="modified_huber"`` on labels :math:`y \in \{0, 1\}`: a smoothed hinge.

    Notes
    -----
    With :math:`m = s z`, :math:`s = 2y - 1`,

    .. math::

        \ell = \begin{cases} \max(0, 1 - m)^2 & m \ge -1 \\ -4 m & m < -1 \end{cases}, \qquad
        \frac{\partial \ell}{\partial z} = \begin{cases} -2 s \max(0, 1 - m) & m \ge -1 \\
        -4 s & m < -1 \end{cases},

    :math:`\ell'' = 2\,[-1 \le m < 1]`: a Lipschitz gradient, no smoothing needed.

    >>> mh, y, z = ModifiedHuber(), np.array([0.0, 1.0]), np.array([0.5, 0.5])
    >>> mh.loss(y, z), mh.grad(y, z), mh.hessian_rows(y, z)  # margins -0.5 and 0.5
    (1.25, array([ 1.5, -0.5]), array([2., 2.]))
    """

    name, hessian_bound, degree, kinked = "modified_huber", 2.0, 1, False

    def loss(self, y: Array, z: Array, sample_weight: Array | None = None) -> float:
        m = (2 * y - 1) * z
        terms = np.where(m >= -1, np.maximum(0.0, 1 - m) ** 2, -4 * m)
        return float(np.sum(_weighted(terms, sample_weight))) / int(y.shape[0])

    def grad(self, y: Array, z: Array, sample_weight: Array | None = None) -> Array:
        s = 2 * y - 1
        m = s * z
        return _weighted(np.where(m >= -1, -2 * s * np.maximum(0.0, 1 - m), -4 * s), sample_weight) / y.shape[0]

    def hessian_rows(self, y: Array, z: Array) -> Array:
        m = (2 * y - 1) * z
        return _diagonal(2.0 * ((m >= -1) & (m < 1)))

    def __repr__(self) -> str:
        return "ModifiedHuber()"
