"""What :func:`~descentlab.core.trainer.train` minimises, batch by batch: an objective.

Every branch of the loop is one: the article's rows (predict, the loss, then the gradient
back-propagated), a fast path's full batch (:mod:`descentlab.fast.objectives`), and either
with a penalty added. Each answers ``loss(params, idx) -> (value, n_rows)`` and then
``grad() -> grads``, so the loop reads as the article's four lines.
"""

from typing import Protocol

from descentlab.core.batches import Rows, RowSet
from descentlab.core.losses import Loss
from descentlab.core.models import Model, Params
from descentlab.core.penalties import Penalty
from descentlab.core.xp import Array


class Objective(Protocol):
    """What the loop asks of an objective: a batch's loss (and its rows), then its gradient.

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> model = LinearModel(1)
    >>> objective: Objective = RowsObjective(model, MeanSquaredError(), RowSet(np.ones((3, 1)), np.zeros(3)))
    >>> objective.loss(model.params, slice(None))[1], sorted(objective.grad())  # 3 rows; dL/dW, dL/db
    (3, ['W', 'b'])
    """

    n_samples: int

    def loss(self, params: Params, idx: slice | Rows) -> tuple[float, int]: ...

    def grad(self) -> Params: ...


class FastObjective(Protocol):
    """A full-batch fast path: ``objective(params) -> (loss, grads)`` on all ``n_samples`` rows."""

    n_samples: int

    def __call__(self, params: Params) -> tuple[float, Params]: ...


class RowsObjective:
    """The article's objective on a batch of rows: predict and the loss, then the gradient.

    ``loss(params, idx)`` runs the forward pass on the rows ``idx`` of ``fit`` and returns
    the (weighted) batch loss and the number of rows; ``grad()`` back-propagates it.

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> model = LinearModel(1).set_params({"W": np.array([1.0]), "b": np.array(0.0)})
    >>> objective = RowsObjective(model, MeanSquaredError(), RowSet(np.array([[1.0], [2.0]]), np.array([2.0, 2.0])))
    >>> objective.loss(model.params, slice(None)), objective.grad()  # residuals -1, 0
    ((0.25, 2), {'W': array([-0.5]), 'b': np.float64(-0.5)})
    """

    def __init__(self, model: Model, loss: Loss, fit: RowSet) -> None:
        self.model, self.loss_fn, self.fit = model, loss, fit
        self.n_samples = fit.n_samples

    def loss(self, params: Params, idx: slice | Rows) -> tuple[float, int]:
        """The loss of the rows ``idx`` (``params`` are the model's own) and their count."""
        self.Xb, self.yb, self.wb = self.fit.batch(idx)
        self.y_pred = self.model.forward(self.Xb)                       # predict
        value = self.loss_fn.loss(self.yb, self.y_pred, **weights(self.wb))  # the loss
        return value, int(self.yb.shape[0])

    def grad(self) -> Params:
        """The gradient of the last :meth:`loss`, back-propagated through the model."""
        return self.model.backward(self.loss_fn.grad(self.yb, self.y_pred, **weights(self.wb)))


class FullBatch:
    """A fast path's objective (``objective(params) -> (loss, grads)`` on all the rows, e.g.
    :class:`descentlab.fast.objectives.MomentsObjective`) in the same two calls.

    >>> import numpy as np
    >>> class Bowl:  # L = |w|^2 / 2 on 4 rows
    ...     n_samples = 4
    ...     def __call__(self, params): return 0.5 * float(params["w"] @ params["w"]), {"w": params["w"]}
    >>> objective = FullBatch(Bowl())
    >>> objective.loss({"w": np.array([3.0, 4.0])}, slice(None)), objective.grad()
    ((12.5, 4), {'w': array([3., 4.])})
    """

    def __init__(self, objective: FastObjective) -> None:
        self.objective, self.n_samples = objective, objective.n_samples

    def loss(self, params: Params, idx: slice | Rows) -> tuple[float, int]:
        """The loss on all the rows (``idx`` is the full batch), keeping the gradients."""
        value, self.grads = self.objective(params)
        return value, self.n_samples

    def grad(self) -> Params:
        """The gradients of the last :meth:`loss`."""
        return self.grads


class Penalized:
    """An objective plus a :class:`~descentlab.core.penalties.Penalty`'s value and l2 gradient.

    ``history.loss`` is then the penalised objective (``history.val_loss`` stays the plain
    loss); the l1 part is left to the optimizer's proximal step.

    >>> import numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> model = LinearModel(1).set_params({"W": np.array([1.0]), "b": np.array(0.0)})
    >>> rows = RowsObjective(model, MeanSquaredError(), RowSet(np.array([[1.0], [2.0]]), np.array([2.0, 2.0])))
    >>> objective = Penalized(rows, Penalty(1.0, 0.0, {"W": 1.0}))  # + W^2 / 2
    >>> objective.loss(model.params, slice(None)), objective.grad()
    ((0.75, 2), {'W': array([0.5]), 'b': np.float64(-0.5)})
    """

    def __init__(self, objective: Objective, penalty: Penalty) -> None:
        self.objective, self.penalty, self.n_samples = objective, penalty, objective.n_samples

    def loss(self, params: Params, idx: slice | Rows) -> tuple[float, int]:
        """The objective's loss plus the penalty's, and the rows counted."""
        value, count = self.objective.loss(params, idx)
        self.params = params
        return value + self.penalty.loss(params), count

    def grad(self) -> Params:
        """The objective's gradient plus the penalty's l2 part."""
        return self.penalty.add_grad(self.params, self.objective.grad())


def weights(w: Array | None) -> dict[str, Array]:
    """The keywords that pass row weights ``w`` to a loss (none without them).

    >>> import numpy as np
    >>> weights(None), weights(np.ones(2))
    ({}, {'sample_weight': array([1., 1.])})
    """
    return {} if w is None else {"sample_weight": w}
