r"""The linear estimators' other losses, and honest stopping on the ones with kinks.

``GDRegressor(loss=...)``: "huber", "epsilon_insensitive", "quantile"; ``GDClassifier(loss=...)``:
"hinge", "modified_huber" (:mod:`descentlab.core.losses`). Huber and modified Huber have a
Lipschitz gradient and stop by the Newton-step rule (:class:`~descentlab.estimators.convergence.OptimumCheck`).
The piecewise-linear ones train on their smoothing :math:`\varphi_\mu` by continuation and end at
the certified exact optimum (:mod:`~descentlab.estimators.continuation`, :mod:`~descentlab.estimators.vertex`).
Derivation: :doc:`/maths/kinks`, "Continuation" and "The exact finish".
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.metaestimators import available_if

from descentlab.core.losses import EpsilonInsensitive, Hinge, HuberLoss, MeanSquaredError, ModifiedHuber, QuantileLoss
from descentlab.errors import DescentlabError
from descentlab.estimators.base import EstimatorMixin
from descentlab.estimators.continuation import MU_START, Continuation, kinked_rule
from descentlab.estimators.convergence import OptimumCheck, optimum_check
from descentlab.estimators.device import Array, device_solver
from descentlab.estimators.problem import Problem
from descentlab.fast.objectives import is_streamed

if TYPE_CHECKING:
    from descentlab.core.models import Model
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.base import GDEstimator



def regression_loss(est: "GDEstimator", y_scale: float = 1.0) -> Any:  # one of core's losses
    """``est.loss`` as a loss object on the target standardised by ``y_scale`` (``epsilon``
    in ``y``'s units becomes ``epsilon / y_scale``).

    >>> from descentlab.estimators import GDRegressor
    >>> regression_loss(GDRegressor(loss="huber", epsilon=1.0), y_scale=2.0).epsilon  # a HuberLoss
    0.5
    """
    if est.loss == "squared_error":
        return MeanSquaredError()
    if est.loss == "quantile":
        return QuantileLoss(est.quantile)
    return {"huber": HuberLoss, "epsilon_insensitive": EpsilonInsensitive}[est.loss](est.epsilon / y_scale)


def target_degree(est: "GDEstimator") -> int:
    r""":math:`p` with :math:`\ell(s r) = s^p \ell(r)`: the standardised loss is the loss over
    :math:`s_y^p` (2 for squared and Huber, 1 for the piecewise-linear ones).

    >>> from descentlab.estimators import GDRegressor
    >>> target_degree(GDRegressor()), target_degree(GDRegressor(loss="quantile"))
    (2, 1)
    """
    return 1 if getattr(est, "loss", None) in ("epsilon_insensitive", "quantile") else 2


def classification_loss(est: "GDEstimator", n_classes: int) -> Any:  # Hinge, ModifiedHuber or None
    """``est.loss`` ("hinge", "modified_huber") for two classes; None for "log_loss".

    >>> from descentlab.estimators import GDClassifier
    >>> type(classification_loss(GDClassifier(loss="hinge"), 2)).__name__, classification_loss(GDClassifier(), 2)
    ('Hinge', None)
    """
    if est.loss == "log_loss":
        return None
    return Hinge() if est.loss == "hinge" else ModifiedHuber()  # 3+ classes: one score each, one versus rest


def start_smoothing(est: "GDEstimator", loss: Any) -> Any:  # a loss, its mu set if kinked
    """``loss`` with its first smoothing, :data:`MU_START` (a :class:`Continuation` shrinks it).

    >>> from descentlab.estimators import GDRegressor
    >>> start_smoothing(GDRegressor(loss="quantile"), QuantileLoss(0.5)).mu == MU_START
    True
    """
    if getattr(loss, "kinked", False):
        if est.early_stopping:
            raise DescentlabError(f"loss={est.loss!r} trains on a smoothing of its kinks that shrinks "
                                  "as it goes, so held-out losses of different epochs do not compare: "
                                  "leave early_stopping off (validation_data= still records them)")
        loss.mu = MU_START
    return loss


def margin_proba(z: NDArray[np.floating[Any]]) -> NDArray[np.floating[Any]]:
    """scikit-learn's probabilities of ``loss="modified_huber"``: :math:`p = (\\operatorname{clip}(z, -1, 1) + 1)/2`,
    for 3+ classes normalised over the classes (uniform where all are 0).

    >>> margin_proba(np.array([-2.0, 0.0, 0.5]))
    array([[1.  , 0.  ],
           [0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    p = (np.clip(z, -1.0, 1.0) + 1.0) / 2.0
    if p.ndim == 1:
        return np.column_stack([1.0 - p, p])
    total = p.sum(axis=1, keepdims=True)
    proba: NDArray[np.floating[Any]] = np.where(total > 0, p / np.where(total > 0, total, 1.0), 1.0 / p.shape[1])
    return proba


def rows_solver(est: "GDEstimator", X: Array) -> str:
    """The solver of a loss other than the squared one: ``"gd"`` on the rows (the fast paths sum squares).

    >>> from descentlab.estimators import GDRegressor
    >>> rows_solver(GDRegressor(loss="huber"), np.ones((2, 1)))
    'gd'
    """
    if est.solver in ("moments", "fused") or (is_streamed(X) and not isinstance(X, np.memmap)):
        raise DescentlabError(f"loss={est.loss!r} trains on the rows in memory: use solver='gd' "
                              "(or 'auto') with X as an array, or loss='squared_error'")
    return device_solver(est.solver, "gd", X)


class _Losses(EstimatorMixin):
    """What both linear estimators' ``loss`` share: the converged rule around the Newton check."""

    def _optimum_check(self, problem: Problem, loss: Any, penalty: "Penalty | None", model: "Model",
                       optimizer: "Optimizer | None" = None) -> "OptimumCheck | Continuation | None":
        check = optimum_check(self, problem, loss, penalty, model, always=getattr(loss, "kinked", False))
        return kinked_rule(self, problem, loss, penalty, optimizer, check, model)


class RegressorLosses(_Losses):
    """``GDRegressor``'s ``loss``: the loss object, on the target's standardised scale.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor(loss="epsilon_insensitive", epsilon=0.1).fit([[0], [1], [2], [3], [4]], [0, 1, 2, 3, 40])
    >>> reg.coef_.round(2), round(reg.intercept_, 2), reg.history_.status  # the outlier barely pulls
    (array([1.1]), -0.1, 'converged')
    """

    def _loss(self) -> Any:
        return regression_loss(self, getattr(self, "y_scale_", 1.0))

    def _loss_for(self, problem: Problem) -> Any:
        return start_smoothing(self, regression_loss(self, problem.attrs.get("y_scale_", 1.0)))


class ClassifierLosses(_Losses):
    """``GDClassifier``'s ``loss``: the loss object, and probabilities where the loss has them.

    >>> from descentlab.estimators import GDClassifier
    >>> clf = GDClassifier(loss="modified_huber").fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> clf.predict([[0.0], [3.0]]), hasattr(GDClassifier(loss="hinge"), "predict_proba")
    (array([0, 1]), False)
    >>> clf.predict_proba([[1.4], [3.0]]).round(2), clf.predict_log_proba([[1.4], [3.0]]).round(2)  # 0 past the margin
    (array([[0.83, 0.17], [0.  , 1.  ]]), array([[-0.19, -1.75], [ -inf,  0.  ]]))
    """

    def _loss(self) -> Any:
        return classification_loss(self, len(self._fit_classes)) or super()._loss()

    def _loss_for(self, problem: Problem) -> Any:
        return start_smoothing(self, self._loss())

    @available_if(lambda self: self.loss != "hinge")  # type: ignore[untyped-decorator]  # sklearn: no stubs
    def predict_proba(self, X: Array) -> Array:
        """The probability of each of ``classes_``, shape (n_samples, n_classes); for
        ``loss="modified_huber"`` scikit-learn's (:func:`margin_proba`); ``loss="hinge"`` has none."""
        if self.loss == "modified_huber":
            return margin_proba(self.decision_function(X))
        return super().predict_proba(X)

    @available_if(lambda self: self.loss != "hinge")  # type: ignore[untyped-decorator]  # sklearn: no stubs
    def predict_log_proba(self, X: Array) -> Array:
        """The log of :meth:`predict_proba`."""
        if self.loss == "modified_huber":
            with np.errstate(divide="ignore"):
                return np.log(self.predict_proba(X))
        return super().predict_log_proba(X)
