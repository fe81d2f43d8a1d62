"""The one training loop: data -> model -> loss -> gradient -> optimizer step -> History.

Every model, loss and optimizer in descentlab trains through :func:`train`. It knows
nothing of plots or the command line; it reports progress through callbacks. Besides
the article's fixed number of epochs it can stop on a tolerance, stop early on a
held-out validation set, stop on a diverging loss, and stop cleanly on Ctrl-C. Which
rows each step sees (the split, the mini-batches, rows that repeat) is
:mod:`descentlab.core.batches`.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descentlab.core.batches import Rows, RowSet, batches, split
from descentlab.core.history import History
from descentlab.core.losses import Loss, MeanSquaredError
from descentlab.core.models import Model
from descentlab.core.objectives import FastObjective, FullBatch, Objective, Penalized, RowsObjective, weights
from descentlab.core.optimizers import GradientDescent, Optimizer, check_prox
from descentlab.core.penalties import Penalty
from descentlab.core.stopping import ConvergenceRule, Diverging, Stopper, as_callback, diverged, finish, guard
from descentlab.core.xp import Array, floats, is_numpy
from descentlab.errors import DescentlabError
from descentlab.files.interrupts import note_interrupt, training_ended, training_starts


def _validation_loss(loss: Loss, model: Model, val: RowSet) -> float:
    X_val, y_val, w_val = val.full()
    return loss.loss(y_val, model.forward(X_val), **weights(w_val))


def train(model: Model, X: Array, y: Array, *, loss: Loss | None = None, optimizer: Optimizer | None = None,
          epochs: int = 100, batch_size: int | None = None, seed: int | None = 0,
          callbacks: Sequence[Callable[..., object] | Any] = (), on_divergence: str = "raise",
          explode_factor: float = 1e4, record_params: bool = True, tol: float | None = None,
          n_iter_no_change: int = 5, validation_fraction: float | None = None,
          objective: FastObjective | None = None, penalty: Penalty | None = None,
          sample_weight: Array | None = None, validation_data: tuple[Array, Array] | None = None,
          stop_on_validation: bool = True, rows: Sequence[int] | Rows | None = None,
          converged: ConvergenceRule | None = None) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent and return its :class:`History`.

    Each epoch, for each batch, the article's step: predict and the loss, a guard against a
    diverging loss, the gradient, the update; then the callbacks and the stopping rule.
    What stops a run, and how (``tol``, early stopping, ``converged``, divergence, Ctrl-C),
    is :mod:`descentlab.core.stopping`; which rows each step sees (``batch_size``,
    ``rows``, ``sample_weight``, the validation split) is :mod:`descentlab.core.batches`.

    Parameters
    ----------
    model : Model
        A :class:`descentlab.core.models.Model`.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    loss : Loss, default=MeanSquaredError()
    optimizer : Optimizer, default=GradientDescent(lr=0.05)
        A decaying schedule (``"cosine"``, ``"step"``) spans this run's updates.
    epochs : int, default=100
    batch_size : int or None, default=None
        None is full-batch, as in the article; 1 is stochastic gradient descent.
    seed : int or None, default=0
        Seeds the mini-batches' shuffle and the validation split.
    callbacks : sequence of callables or callback objects
        Called after every epoch (:func:`descentlab.core.stopping.as_callback`).
    on_divergence : {"raise", "stop"}, default="raise"
    explode_factor : float, default=1e4
        A loss past this times the first epoch's counts as diverged.
    record_params : bool, default=True
        Keep every epoch's parameters (needed to replay training).
    tol : float or None, default=None
    n_iter_no_change : int, default=5
        Stop once the loss has not improved by ``tol`` for this many epochs; None runs all.
    validation_fraction : float or None, default=None
        Hold out this share of the rows; their loss (``history.val_loss``) stops training early.
    objective : FastObjective or None, default=None
        A full-batch fast path, ``objective(params) -> (loss, grads)``; ``X`` and ``y`` unused.
    penalty : Penalty or None, default=None
        Added to each batch's loss; its l1 part is the optimizer's proximal step.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
    validation_data : tuple (X_val, y_val) or None, default=None
        Rows to score every epoch instead of a held-out share.
    stop_on_validation : bool, default=True
        Whether the validation loss decides when to stop, or is only recorded.
    rows : ndarray of int of shape (N,) or None, default=None
        The training rows in order, ``X[rows]``; an index may repeat.
    converged : ConvergenceRule or None, default=None
        A stronger stopping rule than ``tol`` (:class:`descentlab.core.stopping.ConvergenceRule`).

    Returns
    -------
    history : History
        ``history.loss[N]`` is the loss after ``N`` updates, as the article prints it (for
        mini-batches, the mean of the pass's batch losses); ``history.status`` says why
        training stopped.

    Examples
    --------
    >>> from descentlab.core.models import LinearModel
    >>> X = np.array([[0.0], [1.0], [2.0]]); y = 2 * X[:, 0] + 1
    >>> history = train(LinearModel(1, seed=0), X, y, optimizer=GradientDescent(0.3), epochs=300)
    >>> W, b = history.final_params["W"], history.final_params["b"]
    >>> history.status, round(float(W[0]), 6), round(float(b), 6)
    ('completed', 2.0, 1.0)
    """
    loss = MeanSquaredError() if loss is None else loss
    optimizer = GradientDescent() if optimizer is None else optimizer
    rng = np.random.default_rng(seed)
    if not (hasattr(model, "get_params") and hasattr(model, "set_params")):
        raise TypeError(f"{type(model).__name__} has no get_params() and set_params(values): "
                        "subclass descentlab.core.models.Model")
    n_rows = (objective.n_samples if objective is not None
              else X.shape[0] if rows is None else len(rows))  # the virtual rows
    minibatch = batch_size is not None and batch_size < n_rows
    if objective is not None and (minibatch or validation_fraction is not None
                                  or sample_weight is not None or rows is not None):
        raise DescentlabError("a full-batch objective cannot take mini-batches, a validation "
                              "split, row weights or rows: train on the rows instead")
    if penalty is not None and penalty.has_prox:
        check_prox(optimizer, "l1")
    w = None if sample_weight is None else floats(sample_weight)
    meta = {} if objective is None else {"objective": repr(objective)}
    batch: Objective  # every branch an objective: the rows, or a fast path; penalised or not
    val: RowSet | None
    if objective is None:
        fit, val = split(X, y, w, rows, validation_fraction, seed)
        batch = RowsObjective(model, loss, fit)
    else:
        batch, val = FullBatch(objective), None
    if penalty is not None:
        batch = Penalized(batch, penalty)
    if validation_data is not None:
        X_val, y_val = (np.asarray(a) if is_numpy(a) else a for a in validation_data)
        val = RowSet(X_val, y_val)
    watch = val is not None and stop_on_validation
    if watch and tol is None:
        tol = 0.0
    step = {"prox": penalty.prox} if penalty is not None and penalty.has_prox else {}
    ends = [c.on_train_end for c in callbacks if hasattr(c, "on_train_end")]  # e.g. end a progress line
    hooks = [as_callback(c) for c in callbacks]
    stopper = None if tol is None else Stopper(tol, n_iter_no_change)
    n_samples = batch.n_samples
    if hasattr(optimizer, "set_length"):  # a decaying schedule spans this run's updates
        optimizer.set_length(optimizer.t + epochs * (1 if batch_size is None else -(-n_samples // batch_size)))
    history = History(meta={"epochs": epochs, "batch_size": batch_size, "optimizer": repr(optimizer),
                            "loss": getattr(loss, "name", repr(loss)), **meta})
    start, epoch, diverging = None, 0, None
    try:
        if training_starts():  # Ctrl-C already stopped a part of this command: start no new run
            raise KeyboardInterrupt
        for epoch in range(epochs):
            start = model.get_params()
            if val is not None:
                history.val_loss.append(_validation_loss(loss, model, val))
            total = 0.0
            for idx in batches(n_samples, batch_size, rng):
                value, count = batch.loss(model.params, idx)        # predict and the loss
                guard(value, history, explode_factor)               # a diverging loss stops here
                grads = batch.grad()                                # the gradient
                optimizer.step(model.params, grads, **step)         # the update
                total += value * count
            history.record(total / n_samples, start if record_params else {})
            epoch_start, start = start, None
            for hook in hooks:
                hook(epoch, history, model)
            score = history.val_loss[-1] if watch else history.loss[-1]
            stalled = stopper is not None and stopper.update(score, epoch, epoch_start)
            if stopper is not None and converged is not None and not watch:  # the stronger rule decides
                stalled = converged(epoch_start, None if minibatch else grads, stalled)
                if not stalled and stopper.count >= stopper.n_iter_no_change and not getattr(converged, "asks_again", False):
                    stopper.count = 0  # a costly rule: asked again after n_iter_no_change more stalled epochs
                if getattr(converged, "new_stage", False):  # it changed the objective: a fresh window
                    stopper = Stopper(stopper.tol, n_iter_no_change)
            elif converged is not None and stopper is None:  # no tol: told of the epoch, never stops it
                converged(epoch_start, None if minibatch else grads, False)
            if stalled:
                history.status = "early_stopped" if watch else "converged"
                break
    except Diverging as exc:
        diverging = exc
        training_ended()  # a diverged run is kept too (the lesson)
    except KeyboardInterrupt:
        note_interrupt()  # the command's later parts stop; more Ctrl-C wait for the record
        if start is not None:  # undo the epoch in progress: the parameters match the history
            model.set_params(start)
            del history.val_loss[history.n_epochs:]
        history.status = "interrupted"
        history.meta["interrupted_at_epoch"] = history.n_epochs
    else:
        training_ended()  # a Ctrl-C from here on waits until the command has kept this run
    for end in ends:
        end(history)
    if diverging is not None:
        del history.val_loss[history.n_epochs:]
        return diverged(history, model, epoch, diverging.loss, diverging.reason, on_divergence)
    return finish(history, model, stopper, watch, on_divergence, converged)
