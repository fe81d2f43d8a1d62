r"""scikit-learn's losses with kinks: huber, epsilon_insensitive, quantile; hinge, modified_huber.

Each has ``loss``, ``grad`` and ``hessian_rows`` as :mod:`descentlab.core.losses`'s do. Huber
and modified Huber have a Lipschitz gradient, so gradient descent with a constant step
converges on them. The three piecewise-linear ones (``kinked = True``) have none: at a
kink the gradient jumps, a constant step ends up bouncing across it and a small gradient
says nothing. They take a smoothing ``mu`` (0: exact, the subgradient with 0 at a kink):
each kink :math:`\varphi(a) = \max(l\,a, h\,a)` is replaced by its Moreau envelope

.. math::

    \varphi_\mu(a) = \begin{cases} h a - \mu h^2/2 & a \ge \mu h \\ a^2 / (2\mu) & \mu l < a < \mu h \\
                     l a - \mu l^2 / 2 & a \le \mu l \end{cases}, \qquad
    \varphi_\mu'(a) = \operatorname{clip}(a/\mu, l, h), \qquad
    0 \le \varphi - \varphi_\mu \le \tfrac{\mu}{2}\max(l^2, h^2),

a loss with curvature :math:`1/\mu` whose minimiser tends to the exact one as
:math:`\mu \to 0` (Nesterov's smoothing; :class:`descentlab.estimators.kinked.Continuation`
shrinks it).
"""

import numpy as np

from descentlab.core.losses import _weighted

#: Rows this close to the band's edges (times :math:`\mu`) count as inside in ``hessian_rows``.
EDGE = 1e-3


def envelope(a, lo, hi, mu):
    r"""``(value, slope, curvature)`` of :math:`\varphi_\mu(a)` (see the module), elementwise;
    ``mu`` 0 is :math:`\varphi` itself with slope 0 at the kink.

    The curvature is :math:`1/\mu` inside the band :math:`(\mu l, \mu h)` and within
    ``EDGE * mu`` of it: at an edge the second derivative jumps (0 or :math:`1/\mu`), and
    a Newton step taken near one must see the side the optimum may lie on.
    """
    if mu == 0:
        return np.maximum(lo * a, hi * a), hi * (a > 0) + lo * (a < 0), np.zeros_like(a, dtype=float)
    slope = np.clip(a / mu, lo, hi)
    value = np.where(a >= mu * hi, hi * a - 0.5 * mu * hi**2,
                     np.where(a <= mu * lo, lo * a - 0.5 * mu * lo**2, 0.5 * a**2 / mu))
    edge = EDGE * mu
    return value, slope, ((a > mu * lo - edge) & (a < mu * hi + edge)) / mu


class _Kinked:
    """A piecewise-linear loss, smoothed by ``mu`` (see the module)."""

    kinked, degree = True, 1

    def __init__(self, mu=0.0):
        self.mu = float(mu)

    @property
    def hessian_bound(self):
        r""":math:`1/\mu`, the smoothed loss's largest curvature (1 for the exact loss: a
        subgradient step has no bound, and 1 sizes it as the squared loss's)."""
        return 1.0 / self.mu if self.mu else 1.0

    def _parts(self, y, y_pred):
        """``(value, dvalue/dy_pred, d2value/dy_pred2)`` of each row."""
        raise NotImplementedError

    def loss(self, y, y_pred, sample_weight=None):
        return float(np.mean(_weighted(self._parts(y, y_pred)[0], sample_weight)))

    def grad(self, y, y_pred, sample_weight=None):
        return _weighted(self._parts(y, y_pred)[1], sample_weight) / y.size

    def hessian_rows(self, y, y_pred):
        return self._parts(y, y_pred)[2]


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
    """

    name, hessian_bound, degree, kinked = "huber", 1.0, 2, False

    def __init__(self, epsilon=0.1):
        self.epsilon = float(epsilon)

    def loss(self, y, y_pred, sample_weight=None):
        a, e = np.abs(y_pred - y), self.epsilon
        return float(np.mean(_weighted(np.where(a <= e, 0.5 * a**2, e * a - 0.5 * e**2), sample_weight)))

    def grad(self, y, y_pred, sample_weight=None):
        return _weighted(np.clip(y_pred - y, -self.epsilon, self.epsilon), sample_weight) / y.size

    def hessian_rows(self, y, y_pred):
        return (np.abs(y_pred - y) <= self.epsilon).astype(float)

    def __repr__(self):
        return f"HuberLoss(epsilon={self.epsilon!r})"


class EpsilonInsensitive(_Kinked):
    r"""scikit-learn's ``loss="epsilon_insensitive"`` (linear SVR): no loss within :math:`\epsilon`.

    Notes
    -----
    .. math:: \ell(r) = \max(0, |r| - \epsilon), \qquad \ell'(r) = \operatorname{sign}(r)\,[|r| > \epsilon],

    a subgradient (0 at the kinks); ``degree`` 1: :math:`\ell_{\epsilon s}(s r) = s\,\ell_\epsilon(r)`.
    Smoothed: :math:`\varphi_\mu(|r| - \epsilon)` with :math:`l, h = 0, 1`.
    """

    name = "epsilon_insensitive"

    def __init__(self, epsilon=0.1, mu=0.0):
        super().__init__(mu)
        self.epsilon = float(epsilon)

    def _parts(self, y, y_pred):
        r = y_pred - y
        value, slope, curv = envelope(np.abs(r) - self.epsilon, 0.0, 1.0, self.mu)
        return value, np.sign(r) * slope, curv

    def __repr__(self):
        return f"EpsilonInsensitive(epsilon={self.epsilon!r}, mu={self.mu!r})"


class QuantileLoss(_Kinked):
    r"""The pinball loss of ``QuantileRegressor(quantile=q)``: its minimiser is the q-quantile.

    Notes
    -----
    With :math:`u = y - \hat y`,

    .. math:: \ell(u) = \max(q u, (q - 1) u), \qquad
              \frac{\partial \ell}{\partial \hat y} = -q\,[u > 0] + (1 - q)\,[u < 0],

    ``degree`` 1 (a subgradient, 0 at the kink). Smoothed: :math:`\varphi_\mu(u)`, :math:`l, h = q - 1, q`.
    """

    name = "quantile"

    def __init__(self, quantile=0.5, mu=0.0):
        super().__init__(mu)
        self.quantile = float(quantile)

    def _parts(self, y, y_pred):
        value, slope, curv = envelope(y - y_pred, self.quantile - 1.0, self.quantile, self.mu)
        return value, -slope, curv

    def __repr__(self):
        return f"QuantileLoss(quantile={self.quantile!r}, mu={self.mu!r})"


class Hinge(_Kinked):
    r"""scikit-learn's ``SGDClassifier(loss="hinge")`` (linear SVM) on labels :math:`y \in \{0, 1\}`.

    Notes
    -----
    With :math:`s = 2y - 1 \in \{-1, 1\}` and the score :math:`z`,
    :math:`\ell = \max(0, 1 - s z)`, :math:`\ell' = -s\,[s z < 1]` (a subgradient).
    Smoothed: :math:`\varphi_\mu(1 - s z)`, :math:`l, h = 0, 1`.
    """

    name = "hinge"

    def _parts(self, y, z):
        s = 2 * y - 1
        value, slope, curv = envelope(1.0 - s * z, 0.0, 1.0, self.mu)
        return value, -s * slope, curv

    def __repr__(self):
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
    """

    name, hessian_bound, degree, kinked = "modified_huber", 2.0, 1, False

    def loss(self, y, z, sample_weight=None):
        m = (2 * y - 1) * z
        return float(np.mean(_weighted(np.where(m >= -1, np.maximum(0.0, 1 - m) ** 2, -4 * m), sample_weight)))

    def grad(self, y, z, sample_weight=None):
        s = 2 * y - 1
        m = s * z
        return _weighted(np.where(m >= -1, -2 * s * np.maximum(0.0, 1 - m), -4 * s), sample_weight) / y.size

    def hessian_rows(self, y, z):
        m = (2 * y - 1) * z
        return 2.0 * ((m >= -1) & (m < 1))

    def __repr__(self):
        return "ModifiedHuber()"
