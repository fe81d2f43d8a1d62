r"""The softmax fit's step: from its Hessian at the start, halved back to the global bound if it overshoots.

The default step :math:`1/L` takes :math:`L = \tfrac12 \lambda_{\max}(\Sigma)`,
:math:`\Sigma = \tfrac1N \sum_i w_i \tilde z_i \tilde z_i^\top`: each row's softmax curvature
:math:`\operatorname{diag} p - p p^\top` is at most :math:`\tfrac12` (two classes at even odds).
A fit starts at zero weights, where every row has :math:`p = \mathbf 1/K` and the Hessian is
exactly

.. math:: H_0 = \Sigma \otimes \Bigl(\tfrac1K I - \tfrac1{K^2}\mathbf 1 \mathbf 1^\top\Bigr),
          \qquad \lambda_{\max}(H_0) = \frac{\lambda_{\max}(\Sigma)}{K} = \frac{2L}{K}.

With 10 classes that is a fifth of :math:`L`, and on data the classes overlap it stays near
it. :func:`start_step` takes :math:`1/(2\lambda_{\max}(H_0))`, a factor 2 of margin, where
that is above :math:`1/L` (5 classes and more); :class:`HalveOnRise` halves it whenever the
loss rises over an epoch or momentum restarts on two updates in a row, never below
:math:`1/L`, where every step is stable, so a fit whose curvature grows past the margin falls
back to the default step within two halvings.
"""

from typing import TYPE_CHECKING, Any

from descentlab.core.stepsize import with_penalty

if TYPE_CHECKING:
    from descentlab.core.history import History
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.problem import Problem


def start_step(est: "GDEstimator", problem: "Problem", loss: Any, penalty: "Penalty | None",
               lr: float, lam: float | None) -> float:
    """The first step of a fresh softmax fit through :class:`descentlab.fast.softmax.SoftmaxObjective`
    with the step left to the data and a gradient-descent rule: :math:`\\max(1/L,
    1/(2\\lambda_{\\max}(H_0)))`; ``lr`` (the default step :math:`1/L`, ``lam`` :math:`L`) otherwise.

    >>> import numpy as np
    >>> from descentlab.estimators import GDClassifier
    >>> from descentlab.estimators.problem import rows_problem, softmax_problem
    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10)  # 10 classes
    >>> est = GDClassifier()
    >>> problem = softmax_problem(est, rows_problem(est, X, y))
    >>> loss = est._loss_for(problem)
    >>> lr, lam = est._step_size(problem, loss, None)
    >>> float(lam * lr)  # 1 / (2 * lambda_max(H_0)) = K / (4 L): 2.5 times 1/L
    2.5
    """
    from descentlab.fast.softmax import SoftmaxObjective

    if (est.lr is not None or lam is None or est.optimizer not in ("gd", "momentum", "nesterov")
            or not isinstance(problem.objective, SoftmaxObjective)):
        return lr
    n_classes = problem.objective.T.shape[1]
    lam0 = with_penalty(problem.curvature(loss) * 2.0 / n_classes, penalty)
    return max(lr, 1.0 / (2.0 * lam0))


class HalveOnRise:
    """A callback of :func:`descentlab.core.trainer.train`: after an epoch whose loss rose, or
    the second in a row whose update restarted the velocity (the step overshoots along the
    steepest direction, so momentum never builds), the ``optimizer``'s rate halves, down to
    ``floor`` (the default step :math:`1/L`); the epochs it did so end in
    ``history.meta["lr_halved_at"]``.

    >>> from descentlab.core.history import History
    >>> from descentlab.core.optimizers import GradientDescent
    >>> opt, history = GradientDescent(lr=4.0), History()
    >>> rule = HalveOnRise(opt, floor=1.5)
    >>> for epoch, loss in enumerate([3.0, 2.0, 2.5, 1.0, 1.2]):
    ...     history.record(loss, {}); rule.on_epoch_end(epoch, history, None)
    >>> rule.on_train_end(history); opt.lr, history.meta["lr_halved_at"]
    (1.5, [2, 4])
    """

    def __init__(self, optimizer: "Optimizer", floor: float) -> None:
        self.optimizer, self.floor = optimizer, floor
        self.halved_at: list[int] = []
        self._restarts, self._restarted = getattr(optimizer, "restarts", 0), False

    def on_epoch_end(self, epoch: int, history: "History", model: Any) -> None:
        loss, restarts = history.loss, getattr(self.optimizer, "restarts", 0)
        restarted, self._restarts = restarts > self._restarts, restarts
        again, self._restarted = restarted and self._restarted, restarted
        if ((len(loss) > 1 and loss[-1] > loss[-2]) or again) and self.optimizer.lr > self.floor:
            self.optimizer.lr = max(self.floor, self.optimizer.lr / 2.0)
            self.halved_at.append(epoch)
            self._restarted = False  # the next pair is the new step's

    def on_train_end(self, history: "History") -> None:
        """Note the epochs that halved the rate in ``history.meta["lr_halved_at"]``."""
        history.meta["lr_halved_at"] = list(self.halved_at)

    def __repr__(self) -> str:
        return f"HalveOnRise(floor={self.floor:.3g}, halved_at={self.halved_at})"
