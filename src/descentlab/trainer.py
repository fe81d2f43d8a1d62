"""The one training loop: data -> model -> loss -> gradient -> optimizer step -> History.

Every model, loss and optimizer in descentlab trains through :func:`train`. It knows
nothing of plots or the command line; it reports progress through callbacks.
"""

import math

import numpy as np

from .errors import DivergenceError
from .history import History
from .losses import MeanSquaredError
from .optimizers import GradientDescent


def _batches(n_samples, batch_size, rng):
    """Index arrays for one epoch: one full batch, or shuffled mini-batches."""
    if batch_size is None or batch_size >= n_samples:
        yield slice(None)
        return
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start:start + batch_size]


def _divergence(loss_value, first_loss, explode_factor):
    """Why ``loss_value`` counts as diverged, or None."""
    if not math.isfinite(loss_value):
        return "is not finite"
    if first_loss and first_loss > 0 and loss_value > explode_factor * first_loss:
        return f"exploded to {loss_value:.3g}, over {explode_factor:.0e} times the first epoch's {first_loss:.3g}"
    return None


def train(model, X, y, *, loss=None, optimizer=None, epochs=100, batch_size=None,
          seed=0, callbacks=(), on_divergence="raise", explode_factor=1e4,
          record_params=True):
    r"""Train ``model`` on ``(X, y)`` by gradient descent and return its :class:`History`.

    Each epoch, for each batch: predict (``model.forward``), compute the loss and its
    gradient with respect to the prediction (``loss.loss``, ``loss.grad``), back-propagate
    to the parameters (``model.backward``) and update them (``optimizer.step``).

    Parameters
    ----------
    model : object
        Has ``params`` (a dict), ``forward(X)`` and ``backward(dLdY)``.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    loss : loss object, default=MeanSquaredError()
    optimizer : optimizer object, default=GradientDescent(lr=0.05)
    epochs : int, default=100
    batch_size : int or None, default=None
        None trains full-batch, as the article does.
    seed : int or None, default=0
        Seeds the shuffling of mini-batches.
    callbacks : sequence of callables
        Each is called as ``callback(epoch, history)`` after every epoch.
    on_divergence : {"raise", "stop"}, default="raise"
        What to do when the loss is non-finite or exceeds ``explode_factor`` times the
        first epoch's loss: raise :class:`DivergenceError` or stop and return the
        history with ``status == "diverged"``. The parameters are never updated with a
        non-finite loss.
    explode_factor : float, default=1e4
    record_params : bool, default=True
        Keep a copy of the parameters of every epoch (needed to replay training).

    Returns
    -------
    history : History

    Notes
    -----
    ``history.loss[i]`` is the loss at the start of epoch ``i`` (for mini-batches, the
    mean of that epoch's batch losses), before its update, as in the article.
    """
    loss = MeanSquaredError() if loss is None else loss
    optimizer = GradientDescent() if optimizer is None else optimizer
    rng = np.random.default_rng(seed)
    n_samples = X.shape[0]
    history = History(meta={"epochs": epochs, "batch_size": batch_size, "optimizer": repr(optimizer),
                            "loss": getattr(loss, "name", repr(loss))})
    for epoch in range(epochs):
        start = {k: np.array(v, copy=True) for k, v in model.params.items()} if record_params else {}
        total = 0.0
        for idx in _batches(n_samples, batch_size, rng):
            Xb, yb = X[idx], y[idx]
            y_pred = model.forward(Xb)
            batch_loss = loss.loss(yb, y_pred)
            reason = _divergence(batch_loss, history.loss[0] if history.loss else None, explode_factor)
            if reason is not None:
                return _diverged(history, model, epoch, batch_loss, reason, on_divergence)
            total += batch_loss * yb.shape[0]
            grads = model.backward(loss.grad(yb, y_pred))
            optimizer.step(model.params, grads)
        history.record(total / n_samples, start)
        for callback in callbacks:
            callback(epoch, history)
    history.final_params = {k: np.array(v, copy=True) for k, v in model.params.items()}
    if not all(np.all(np.isfinite(v)) for v in history.final_params.values()):
        return _diverged(history, model, epochs - 1, float("nan"), "left non-finite parameters", on_divergence)
    history.status = "completed"
    return history


def _diverged(history, model, epoch, loss_value, reason, on_divergence):
    history.status = "diverged"
    history.meta["diverged_at_epoch"] = epoch
    history.final_params = {k: np.array(v, copy=True) for k, v in model.params.items()}
    if on_divergence == "stop":
        return history
    raise DivergenceError(
        f"training diverged at epoch {epoch}: the loss {reason}; the learning rate is too large "
        "for this data: use a smaller learning rate (or scale the features)",
        epoch=epoch, loss=loss_value, history=history)
