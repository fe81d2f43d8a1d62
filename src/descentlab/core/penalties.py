r"""Penalties on the weights: l2, l1 and the elastic net, value, gradient and prox side by side.

A :class:`Penalty` adds :math:`R(W)` to the loss. Its smooth part (l2) joins the gradient
(:meth:`Penalty.grad`); its l1 part has no gradient at 0, so the optimizer takes it by a
proximal step after its gradient step (:meth:`Penalty.prox`, soft-thresholding), which
puts exact zeros in the weights. The seam: :func:`descentlab.core.trainer.train` adds
``loss`` and ``grad`` to each batch's loss and gradients and hands ``prox`` to
``optimizer.step(params, grads, prox=...)``; the optimizers that take it
(:class:`descentlab.core.optimizers.GradientDescent`, with or without momentum) call it
with their step size.

The penalty is written on coefficients :math:`c = d \odot W` (``scales`` :math:`d` per
parameter) and a loss scale :math:`k`, so an estimator that trains on standardised data
can penalise the coefficients in the data's units (see :class:`Penalty`).
"""

from collections.abc import Mapping

import numpy as np

from descentlab.core.models import Params
from descentlab.core.xp import Array, is_numpy, namespace
from descentlab.errors import DescentlabError

PENALTIES = ("l2", "l1", "elasticnet")


def l1_ratio_of(penalty: str, l1_ratio: float) -> float:
    """:math:`\\rho`, the share of l1: 0 for "l2", 1 for "l1", ``l1_ratio`` for "elasticnet".

    >>> l1_ratio_of("l2", 0.15), l1_ratio_of("elasticnet", 0.15)
    (0.0, 0.15)
    """
    return {"l2": 0.0, "l1": 1.0, "elasticnet": float(l1_ratio)}[penalty]


def soft_threshold(x: Array, threshold: Array | float) -> Array:
    r"""The prox of :math:`\tau\lVert x\rVert_1`: :math:`\operatorname{sign}(x)\max(|x| - \tau, 0)`.

    >>> soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0)  # shrunk by 1; the small one to exactly 0
    array([-1.,  0.,  2.])
    """
    xp = namespace(x)
    return xp.sign(x) * xp.maximum(xp.abs(x) - threshold, 0.0)


class Penalty:
    r"""The elastic-net penalty on scaled weights.

    Parameters
    ----------
    alpha : float
        :math:`a \ge 0`, the penalty's strength.
    l1_ratio : float
        :math:`\rho \in [0, 1]`: 0 is l2 (ridge), 1 is l1 (lasso).
    scales : dict of str to float or ndarray
        :math:`d` of each penalised parameter (those not named, biases, are free).
    loss_scale : float, default=1.0
        :math:`k`, the factor between the loss trained on and the loss the penalty is
        written beside.

    Notes
    -----
    .. math::

        R(W) = k\,a \sum_j \Bigl(\tfrac{1 - \rho}{2} (d_j W_j)^2 + \rho\,|d_j W_j|\Bigr)
             = \sum_j \tfrac12 \lambda_j W_j^2 + \kappa_j |W_j|,
        \qquad \lambda_j = k a (1 - \rho) d_j^2, \quad \kappa_j = k a \rho\, |d_j|,

    the smooth part's gradient :math:`\lambda_j W_j`, the l1 part's prox at step :math:`\alpha`

    .. math:: \operatorname{prox}(W)_j = \operatorname{sign}(W_j)\max(|W_j| - \alpha\kappa_j, 0).

    With :math:`d = s_y / s` and :math:`k = 1 / s_y^p` (the loss over :math:`s_y^p`, ``p`` 2 for
    the squared loss, 1 for the piecewise-linear ones) an estimator on standardised data has
    scikit-learn's minimiser. Derivation: :doc:`/maths/penalties`, "The elastic net on scaled weights".

    Examples
    --------
    >>> pen = Penalty(0.5, 0.5, {"W": 2.0})  # lambda = 0.5 * 0.5 * 2^2 = 1, kappa = 0.5 * 0.5 * 2 = 0.5
    >>> params = {"W": np.array([1.0, -3.0]), "b": np.array(1.0)}
    >>> pen.loss(params), pen.grad(params), pen.curvature()  # (1 + 9) / 2 + 0.5 (1 + 3)
    (7.0, {'W': array([ 1., -3.])}, 1.0)
    >>> pen.prox("W", params["W"], 0.1), pen.prox("b", params["b"], 0.1)  # the bias is free
    (array([ 0.95, -2.95]), array(1.))
    >>> pen.has_prox, Penalty(0.5, 0.0, {"W": 2.0}).has_prox  # an l1 part for the prox, or none
    (True, False)
    """

    def __init__(self, alpha: float, l1_ratio: float, scales: Mapping[str, Array | float],
                 loss_scale: float = 1.0) -> None:
        self.alpha, self.l1_ratio = float(alpha), float(l1_ratio)
        strength = loss_scale * self.alpha
        scales = {k: _scale(d) for k, d in scales.items()}  # device arrays stay on their device
        self.l2 = {k: strength * (1 - self.l1_ratio) * d ** 2 for k, d in scales.items()}
        self.l1 = {k: strength * self.l1_ratio * abs(d) for k, d in scales.items()}

    @property
    def has_prox(self) -> bool:
        """Whether there is an l1 part, taken by :meth:`prox`."""
        return self.l1_ratio > 0 and self.alpha > 0

    def loss(self, params: Params) -> float:
        """:math:`R(W)` as a float."""
        return float(sum(namespace(params[k]).sum(0.5 * self.l2[k] * params[k] ** 2
                                                  + self.l1[k] * abs(params[k])) for k in self.l2))

    def grad(self, params: Params) -> Params:
        """The gradient of the smooth (l2) part, ``{name: lambda * W}`` for the penalised names."""
        return {k: self.l2[k] * params[k] for k in self.l2}

    def add_grad(self, params: Params, grads: Params) -> Params:
        """``grads`` with the l2 gradient added (a new dict; the arrays given are not changed).

        >>> Penalty(1.0, 0.0, {"W": 1.0}).add_grad({"W": np.array([2.0])}, {"W": np.array([0.5])})
        {'W': array([2.5])}
        """
        extra = self.grad(params)
        return {k: g + extra[k] if k in extra else g for k, g in grads.items()}

    def prox(self, name: str, value: Array, step: float) -> Array:
        """The prox of the l1 part of parameter ``name`` at step size ``step`` (free names pass)."""
        if name not in self.l1:
            return value
        return soft_threshold(value, step * self.l1[name])

    def curvature(self) -> float:
        r""":math:`\max_j \lambda_j`, the l2 part's add-on to the loss's curvature."""
        return max((float(namespace(v).max(v)) for v in self.l2.values()
                    if not is_numpy(v) or np.size(v)), default=0.0)

    def __repr__(self) -> str:
        return f"Penalty(alpha={self.alpha!r}, l1_ratio={self.l1_ratio!r}, params={sorted(self.l2)})"


def _scale(d: Array | float) -> Array | float:
    """A scale :math:`d` as a float (one for all) or a float array; another namespace's array
    as it is, on its device."""
    if not is_numpy(d):
        return d
    return float(d) if np.ndim(d) == 0 else np.asarray(d, dtype=float)


def make_penalty(penalty: str | None, alpha: float, l1_ratio: float, scales: Mapping[str, Array | float],
                 loss_scale: float = 1.0) -> Penalty | None:
    """A :class:`Penalty` from an estimator's settings, or None for ``penalty=None`` or ``alpha=0``.

    >>> make_penalty("l2", 0.1, 0.15, {"W": 1.0}), make_penalty(None, 0.1, 0.15, {"W": 1.0})
    (Penalty(alpha=0.1, l1_ratio=0.0, params=['W']), None)
    """
    if penalty is None or alpha == 0:
        return None
    if penalty not in PENALTIES:
        raise DescentlabError(f"unknown penalty {penalty!r}: choose one of {', '.join(PENALTIES)} or None")
    return Penalty(alpha, l1_ratio_of(penalty, l1_ratio), scales, loss_scale)
