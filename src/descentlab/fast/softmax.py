r"""The multinomial (softmax) cross-entropy of a linear model, full batch, class by class.

:class:`descentlab.core.losses.SoftmaxCrossEntropy` on :math:`S = ZW + b` computes, per row,
the softmax, the log-sum-exp and :math:`P - Y`, then :math:`Z^\top (P - Y)`. The one-hot
target enters both linearly, so its part is a constant of the data, summed once:

.. math::

    L = \frac1N \Bigl(\sum_i w_i \operatorname{lse}(s_i) - \langle Y^\top D Z, W^\top\rangle
        - \mathbf 1^\top D Y b\Bigr), \qquad
    \frac{\partial L}{\partial W} = \frac{(P^\top D Z - Y^\top D Z)^\top}{N}, \qquad
    \frac{\partial L}{\partial b} = \frac{P^\top w - Y^\top w}{N},

:math:`D = \operatorname{diag}(w)` (1 without weights). Each epoch is then two products with
:math:`Z` and the softmax, all on :math:`S^\top` (classes by rows): a max and a sum over a
few classes are one vector operation across all rows, in place, one ``exp``.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class SoftmaxObjective:
    r"""``objective(params) -> (loss, grads)``: :class:`~descentlab.core.losses.SoftmaxCrossEntropy`'s
    (weighted) mean loss of ``Z @ W + b`` and its gradients, on all the rows.

    ``Z``: (n_samples, n_features) standardised rows; ``T``: (n_samples, n_classes) one-hot;
    ``sample_weight``: (n_samples,) of mean 1, or None. ``rows`` hands them to the
    optimum check (:class:`descentlab.estimators.convergence.OptimumCheck`), whose Hessian
    is taken on a sample of them.

    >>> from descentlab.core.losses import SoftmaxCrossEntropy
    >>> from descentlab.core.models import linear_backward, linear_forward
    >>> rng = np.random.default_rng(0)
    >>> Z, T = rng.normal(size=(6, 2)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    >>> params = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    >>> loss, grads = SoftmaxObjective(Z, T)(params)
    >>> ce = SoftmaxCrossEntropy(); S = linear_forward(Z, params["W"], params["b"])
    >>> dW, db = linear_backward(Z, ce.grad(T, S))
    >>> bool(np.isclose(loss, ce.loss(T, S))), np.allclose(grads["W"], dW), np.allclose(grads["b"], db)
    (True, True, True)
    """

    def __init__(self, Z: FloatArray, T: FloatArray, sample_weight: FloatArray | None = None) -> None:
        self.Zt = np.ascontiguousarray(np.asarray(Z).T)  # features by rows: both products read it along rows
        self.Z, self.T, self.w = self.Zt.T, T, sample_weight  # Z: a view, no second copy
        self.n_samples = self.Z.shape[0]
        wT = T if sample_weight is None else T * sample_weight[:, None]
        self.YZ: FloatArray = wT.T @ self.Z  # (n_classes, n_features): the target's part, once
        self.y_sum: FloatArray = wT.sum(axis=0)
        self._S = np.empty((T.shape[1], self.n_samples))  # S^T, reused every epoch

    @property
    def rows(self) -> dict[str, Any]:
        """The rows, target and weights, as :class:`~descentlab.estimators.convergence.OptimumCheck` takes them."""
        return {"Z": self.Z, "t": self.T, "sample_weight": self.w}

    def __call__(self, params: dict[str, FloatArray]) -> tuple[float, dict[str, FloatArray]]:
        W, b, n = params["W"], params["b"], self.n_samples
        S = np.matmul(W.T, self.Zt, out=self._S)  # (n_classes, n_samples)
        S += b[:, None]
        m = S.max(axis=0)
        S -= m
        np.exp(S, out=S)
        s = S.sum(axis=0)
        lse = m + np.log(s)
        linear = float(np.sum(self.YZ * W.T) + self.y_sum @ b)
        loss = (float(lse.sum() if self.w is None else lse @ self.w) - linear) / n
        S /= s  # P^T
        if self.w is not None:
            S *= self.w
        dW = (S @ self.Zt.T - self.YZ).T / n
        db = (S.sum(axis=1) - self.y_sum) / n
        return loss, {"W": dW, "b": db}

    def curvature(self) -> float:
        r""":math:`\lambda_{\max}` of :math:`\tfrac1N \sum_i w_i \tilde z_i \tilde z_i^\top`
        (:func:`descentlab.core.stepsize.curvature`), which the loss's bound 1/2 multiplies.

        >>> SoftmaxObjective(np.array([[1.0], [-1.0]]), np.eye(2)).curvature()  # Z~^T Z~ / 2 = I
        1.0
        """
        from descentlab.core.losses import MeanSquaredError
        from descentlab.core.stepsize import curvature

        return curvature(self.Z, MeanSquaredError(), sample_weight=self.w)

    def __repr__(self) -> str:
        return f"SoftmaxObjective(n_samples={self.n_samples}, n_classes={self.T.shape[1]})"
