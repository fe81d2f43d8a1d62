"""The one training loop: data -> model -> loss -> gradient -> optimizer step -> History.

Every model, loss and optimizer in descentlab trains through :func:`train`. It knows
nothing of plots or the command line; it reports progress through callbacks. Besides
the article's fixed number of epochs it can stop on a tolerance, stop early on a
held-out validation set, stop on a diverging loss, and stop cleanly on Ctrl-C. Which
rows each step sees (the split, the mini-batches, rows that repeat) is
:mod:`descentlab.core.batches`.
"""

import math
from collections.abc import Callable, Sequence
import warnings

import numpy as np

from descentlab.errors import DescentlabError, DivergenceError
from descentlab.core.batches import RowSet, batches, split
from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.optimizers import GradientDescent
from descentlab.core.stepsize import divergence_message


class _Diverging(Exception):
    """Raised inside an epoch when a batch's loss diverges; ``train`` turns it into its outcome."""

    def __init__(self, loss, reason):
        super().__init__(reason)
        self.loss, self.reason = loss, reason


def _stop_if_diverging(loss_value, history, explode_factor):
    """Raise :class:`_Diverging` when ``loss_value`` is not finite or has exploded.

    Called before the gradient and the update, so the parameters never take a step
    from a diverged loss.
    """
    first_loss = history.loss[0] if history.loss else None
    if not math.isfinite(loss_value):
        raise _Diverging(loss_value, "is not finite")
    if first_loss and first_loss > 0 and loss_value > explode_factor * first_loss:
        raise _Diverging(loss_value, f"exploded to {loss_value:.3g}, over {explode_factor:.0e} times "
                                     f"the first epoch's {first_loss:.3g}")


def _loss(loss, y, y_pred, w):
    return loss.loss(y, y_pred) if w is None else loss.loss(y, y_pred, sample_weight=w)


def _grad(loss, y, y_pred, w):
    return loss.grad(y, y_pred) if w is None else loss.grad(y, y_pred, sample_weight=w)


def _as_callback(callback):
    """Every callback as ``f(epoch, history, model)``: objects with ``on_epoch_end``, and the
    two-argument ``f(epoch, history)`` form, which does not see the model."""
    import inspect

    if hasattr(callback, "on_epoch_end"):
        return callback.on_epoch_end
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return lambda epoch, history, model: callback(epoch, history)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if (len(positional) >= 3 and positional[2].default is positional[2].empty) or any(
            p.kind == p.VAR_POSITIONAL for p in params):
        return callback
    return lambda epoch, history, model: callback(epoch, history)


class _Stopper:
    """scikit-learn's rule: stop after ``n_iter_no_change`` epochs without a ``tol`` improvement.

    An epoch counts as no improvement when its score is above ``best - tol``; the best
    score (and the parameters it was measured at) are kept for early stopping.
    """

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.best = math.inf
        self.best_epoch = None
        self.best_params = None
        self.count = 0

    def update(self, score, epoch, params):
        """Record the score of ``epoch``; return True when training should stop."""
        self.count = self.count + 1 if score > self.best - self.tol else 0
        if score < self.best:
            self.best, self.best_epoch, self.best_params = score, epoch, params
        return self.count >= self.n_iter_no_change


def train(model, X: np.ndarray, y: np.ndarray, *, loss=None, optimizer=None, epochs: int = 100,
          batch_size: int | None = None, seed: int | None = 0,
          callbacks: Sequence[Callable[[int, History], object]] = (), on_divergence="raise",
          explode_factor=1e4,
          record_params=True, tol=None, n_iter_no_change=5, validation_fraction=None,
          objective=None, penalty=None, sample_weight=None, validation_data=None,
          stop_on_validation=True, rows=None, converged: Callable[..., bool] | None = None) -> History:
    r"""Train ``model`` on ``(X, y)`` by gradient descent and return its :class:`History`.

    Each epoch, for each batch, the article's step: predict (``model.forward``), the loss
    (``loss.loss``), the gradient (``loss.grad`` back-propagated by ``model.backward``)
    and the update (``optimizer.step``). A diverging loss stops training before its
    gradient and update.

    Parameters
    ----------
    model : Model
        A :class:`descentlab.core.models.Model`: ``params``, ``forward(X)``,
        ``backward(dLdY)``, ``get_params()`` and ``set_params(values)``.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    loss : loss object, default=MeanSquaredError()
    optimizer : optimizer object, default=GradientDescent(lr=0.05)
    epochs : int, default=100
        The epoch budget.
    batch_size : int or None, default=None
        None trains full-batch, as the article does; 1 is stochastic gradient descent.
    seed : int or None, default=0
        Seeds the shuffling of mini-batches and the validation split.
    callbacks : sequence of callables or callback objects
        Each is called after every epoch, as ``callback(epoch, history)``, or with the
        model too, ``callback(epoch, history, model)``, when it takes three arguments; an
        object with ``on_epoch_end(epoch, history, model)`` is called that way.
    on_divergence : {"raise", "stop"}, default="raise"
        What to do when the loss is non-finite or exceeds ``explode_factor`` times the
        first epoch's loss: raise :class:`DivergenceError` or stop and return the
        history with ``status == "diverged"``. The parameters are never updated with a
        non-finite loss.
    explode_factor : float, default=1e4
    record_params : bool, default=True
        Keep a copy of the parameters of every epoch (needed to replay training).
    tol : float or None, default=None
        Stop (``status == "converged"``) once the loss has not improved on its best by
        at least ``tol`` for ``n_iter_no_change`` epochs in a row; None runs every epoch.
        When the budget runs out first, a :class:`sklearn.exceptions.ConvergenceWarning`
        says so.
    n_iter_no_change : int, default=5
    objective : object or None, default=None
        A fast path for a full-batch epoch: ``objective(params)`` returns the loss and
        the gradients that ``loss`` and ``model.backward`` give on all the rows, and
        ``objective.n_samples`` counts them (e.g. :class:`descentlab.fast.objectives.MomentsObjective`).
        ``X`` and ``y`` are then unused, and mini-batches and the validation split,
        which need the rows, are refused.
    validation_fraction : float or None, default=None
        Hold out this fraction of the (virtual) rows and watch their loss (``history.val_loss``)
        instead of the training loss; training stops early (``status ==
        "early_stopped"``) when it stops improving, and the model is left with the
        parameters of the best validation loss. ``tol`` None counts as 0 here.
    penalty : Penalty or None, default=None
        A :class:`descentlab.core.penalties.Penalty`: its value and l2 gradient join each
        batch's, and its l1 part is taken by ``optimizer.step(..., prox=penalty.prox)``.
        ``history.loss`` is then the penalised objective; ``history.val_loss`` stays the
        plain loss.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Weights of the rows, scaled here to mean 1, so a full batch's loss is
        :math:`\sum_i w_i \ell_i / \sum_i w_i` (integer weights = repeated rows) and a
        mini-batch's an unbiased estimate of it; the validation loss is weighted the same
        way. Rows only (not with ``objective``, which carries its own).
    validation_data : tuple (X_val, y_val) or None, default=None
        Rows to score every epoch (``history.val_loss``) instead of a held-out fraction.
    stop_on_validation : bool, default=True
        Whether the validation loss drives the stopping rule (early stopping) or is only
        recorded, the training loss deciding as without it.
    rows : ndarray of int of shape (N,) or None, default=None
        The training rows in order, ``X[rows]``; a row index may repeat. A row listed
        :math:`c` times is :math:`c` virtual rows, and the validation split and each
        epoch's shuffle are drawn over the :math:`N` virtual rows
        (:mod:`descentlab.core.batches`), so ``rows=np.repeat(np.arange(n), counts)``
        trains as ``np.repeat(X, counts, axis=0)`` does: integer weights taken as counts
        give the repeated rows' mini-batches and split, not only their expected loss.
        None is every row of ``X`` once, in order.
    converged : callable or None, default=None
        A stronger stopping rule, ``converged(params, grads, stalled) -> bool``, asked
        after every epoch when ``tol`` is set (not with a validation set): ``params`` as
        the epoch began, ``grads`` the full gradient there (the smooth penalty's part
        included; None after mini-batches), ``stalled`` whether the ``tol`` rule would
        stop. Training stops as "converged" when it returns True, and never before; its
        ``unconverged_message(n_epochs, params)`` is the warning when the budget runs out
        (e.g. :class:`descentlab.estimators.convergence.OptimumCheck`).

    Returns
    -------
    history : History
        With ``status`` saying why training stopped. Ctrl-C (KeyboardInterrupt) stops
        training cleanly: the epoch in progress is undone and the history so far is
        returned with ``status == "interrupted"``.

    Notes
    -----
    ``history.loss[i]`` is the loss at the start of epoch ``i`` (for mini-batches, the
    mean of that epoch's batch losses), before its update, as in the article.
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
    if penalty is not None and penalty.has_prox and not getattr(optimizer, "proximal", False):
        raise DescentlabError(f"{type(optimizer).__name__} takes no proximal step, so no l1 penalty: "
                              "use optimizer 'gd', 'momentum' or 'nesterov', or penalty 'l2'")
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    fit, val = (split(X, y, w, rows, validation_fraction, seed) if objective is None
                else (None, None))
    if validation_data is not None:
        val = RowSet(*map(np.asarray, validation_data))
    watch = val is not None and stop_on_validation
    if watch and tol is None:
        tol = 0.0
    prox = penalty.prox if penalty is not None and penalty.has_prox else None
    callbacks = [_as_callback(c) for c in callbacks]
    stopper = None if tol is None else _Stopper(tol, n_iter_no_change)
    n_samples = fit.n_samples if objective is None else objective.n_samples
    history = History(meta={"epochs": epochs, "batch_size": batch_size, "optimizer": repr(optimizer),
                            "loss": getattr(loss, "name", repr(loss))})
    if objective is not None:
        history.meta["objective"] = repr(objective)
    start, epoch, diverging = None, 0, None
    try:
        for epoch in range(epochs):
            start = model.get_params()
            if val is not None:
                X_val, y_val, w_val = val.full()
                history.val_loss.append(_loss(loss, y_val, model.forward(X_val), w_val))
            total = 0.0
            for idx in batches(n_samples, batch_size, rng):
                if objective is None:  # the article's step, on the batch's rows
                    Xb, yb, wb = fit.batch(idx)
                    y_pred = model.forward(Xb)                              # predict
                    value = _loss(loss, yb, y_pred, wb)                     # the loss
                    count = yb.shape[0]
                else:  # the fast seam: the same loss and gradients on all rows, in one call
                    value, grads = objective(model.params)
                    count = n_samples
                if penalty is not None:
                    value += penalty.loss(model.params)
                _stop_if_diverging(value, history, explode_factor)
                if objective is None:
                    grads = model.backward(_grad(loss, yb, y_pred, wb))     # the gradient
                if penalty is not None:
                    grads = penalty.add_grad(model.params, grads)
                optimizer.step(model.params, grads, **({"prox": prox} if prox else {}))  # the update
                total += value * count
            history.record(total / n_samples, start if record_params else {})
            epoch_start, start = start, None
            for callback in callbacks:
                callback(epoch, history, model)
            score = history.val_loss[-1] if watch else history.loss[-1]
            stalled = stopper is not None and stopper.update(score, epoch, epoch_start)
            if stopper is not None and converged is not None and not watch:
                stalled = converged(epoch_start, None if minibatch else grads, stalled)
                stopper.count = 0 if not stalled and stopper.count >= stopper.n_iter_no_change else stopper.count
            if stalled:
                history.status = "early_stopped" if watch else "converged"
                break
    except _Diverging as exc:
        diverging = exc
    except KeyboardInterrupt:
        if start is not None:  # undo the epoch in progress: the parameters match the history
            model.set_params(start)
            del history.val_loss[history.n_epochs:]
        history.status = "interrupted"
        history.meta["interrupted_at_epoch"] = history.n_epochs
    if diverging is not None:
        del history.val_loss[history.n_epochs:]
        return _diverged(history, model, epoch, diverging.loss, diverging.reason, on_divergence)
    return _finish(history, model, stopper, watch, on_divergence, converged)


def _finish(history, model, stopper, early_stopping, on_divergence, converged=None):
    """Set the final parameters and status; warn when the budget ran out before ``tol``."""
    if early_stopping and history.status != "interrupted" and stopper.best_params is not None:
        model.set_params(stopper.best_params)
        history.meta["best_epoch"] = stopper.best_epoch
    history.final_params = model.get_params()
    if not all(np.all(np.isfinite(v)) for v in history.final_params.values()):
        return _diverged(history, model, history.n_epochs - 1, float("nan"),
                         "left non-finite parameters", on_divergence)
    if history.status == "running":
        history.status = "completed"
        if stopper is not None:
            from sklearn.exceptions import ConvergenceWarning

            message = (f"training used all {history.n_epochs} epochs before the loss stopped "
                       f"improving by tol={stopper.tol:g}: raise epochs (or tol, or the "
                       "learning rate) to let it converge")
            if converged is not None and not early_stopping:
                message = converged.unconverged_message(history.n_epochs, history.final_params)
            history.meta["unconverged"] = message
            warnings.warn(message, ConvergenceWarning, stacklevel=3)
    return history


def _diverged(history, model, epoch, loss_value, reason, on_divergence):
    history.status = "diverged"
    history.meta["diverged_at_epoch"] = epoch
    history.final_params = model.get_params()
    if on_divergence == "stop":
        return history
    raise DivergenceError(divergence_message(epoch, reason), epoch=epoch, loss=loss_value, history=history)
