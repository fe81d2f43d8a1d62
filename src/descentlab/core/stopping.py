"""What stops a run, and how the trainer calls back: the rules around :func:`~descentlab.core.trainer.train`'s loop.

A guard stops a diverging loss before its step (:func:`guard`); a stopping rule ends a
run that has stopped improving (:class:`Stopper`, scikit-learn's ``n_iter_no_change``);
:func:`finish` and :func:`diverged` set a run's final status; :func:`as_callback` turns
each form of callback into ``f(epoch, history, model)``.

The rules, as :func:`~descentlab.core.trainer.train` applies them after every epoch:

- **tol** (``tol``, ``n_iter_no_change``): stop with ``status == "converged"`` once the
  loss has not improved on its best by ``tol`` for ``n_iter_no_change`` epochs in a row.
  When the epochs run out first, a :class:`sklearn.exceptions.ConvergenceWarning` says so
  (unless a convergence rule ``holds`` at the last parameters: then ``"converged"``).
- **early stopping** (``validation_fraction`` or ``validation_data``, with
  ``stop_on_validation``): the same rule on the validation loss (``tol`` None counts as
  0); the run ends ``"early_stopped"`` and the model keeps the parameters of the best
  validation loss.
- **a convergence rule** (``converged``, a :class:`ConvergenceRule`): with ``tol``, and no
  validation loss deciding, it decides instead of the tol rule; without ``tol`` it is told
  of each epoch and never stops the run.
- **divergence** (``explode_factor``, ``on_divergence``): a batch's loss that is not
  finite, or past ``explode_factor`` times the first epoch's, stops the run before its
  gradient and update (:func:`guard`); :func:`diverged` then raises
  :class:`~descentlab.errors.DivergenceError`, or with ``on_divergence="stop"`` returns the
  history with ``status == "diverged"``.
- **Ctrl-C**: the epoch in progress is undone and the history so far is returned with
  ``status == "interrupted"``.
"""

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from descentlab.core.history import History
from descentlab.core.models import Model, Params
from descentlab.core.xp import all_finite
from descentlab.errors import DivergenceError, divergence_message


class ConvergenceRule(Protocol):
    """A stronger stopping rule than ``tol`` (``train``'s ``converged``), e.g.
    :class:`descentlab.estimators.convergence.OptimumCheck`.

    Called after every epoch as ``rule(params, grads, stalled)``: ``params`` as the epoch
    began, ``grads`` the full gradient there (the smooth penalty's part included; None after
    mini-batches), ``stalled`` whether the ``tol`` rule would stop. The run stops as
    ``"converged"`` when it returns True, and never before. When the epochs run out,
    ``holds(params)`` may still call the run converged; else ``unconverged_message`` is the
    warning. A rule with ``new_stage`` True (it changed the objective) starts a fresh
    ``n_iter_no_change`` window. After a False the loss must stall ``n_iter_no_change``
    epochs more before the rule is asked again, unless its ``asks_again`` is True (a check
    that costs little, asked every stalled epoch).

    >>> import numpy as np
    >>> from descentlab.core.models import LinearModel
    >>> class Small:  # converged once |W| < 1
    ...     def __call__(self, params, grads, stalled): return stalled and self.holds(params)
    ...     def holds(self, params): return bool(abs(params["W"][0]) < 1)
    ...     def unconverged_message(self, n_epochs, params): return f"|W| >= 1 after {n_epochs} epochs"
    >>> history = History(); history.record(1.0, {}); history.status = "running"
    >>> model = LinearModel(1).set_params({"W": np.array([0.5])})  # holds at the last epoch
    >>> finish(history, model, Stopper(1e-3, 5), False, "raise", Small()).status
    'converged'
    >>> Small().unconverged_message(9, {})  # the warning when it does not hold
    '|W| >= 1 after 9 epochs'
    """

    def __call__(self, params: Params, grads: Params | None, stalled: bool) -> bool: ...

    def holds(self, params: Params) -> bool: ...

    def unconverged_message(self, n_epochs: int, params: Params) -> str: ...


class Diverging(Exception):
    """Raised inside an epoch when a batch's loss diverges; ``train`` turns it into its outcome.

    >>> error = Diverging(float("inf"), "is not finite")
    >>> error.loss, str(error)
    (inf, 'is not finite')
    """

    def __init__(self, loss: float, reason: str) -> None:
        super().__init__(reason)
        self.loss, self.reason = loss, reason


def guard(loss_value: float, history: History, explode_factor: float) -> None:
    """Raise :class:`Diverging` when ``loss_value`` is not finite or has exploded past
    ``explode_factor`` times the first epoch's loss; called before the gradient and the
    update, so the parameters never take a step from a diverged loss.

    >>> history = History(); history.record(2.0, {})
    >>> guard(3.0, history, explode_factor=1e4)  # no exception: training goes on
    >>> guard(3e4, history, explode_factor=1e4)
    Traceback (most recent call last):
    descentlab.core.stopping.Diverging: exploded to 3e+04, over 1e+04 times the first epoch's 2
    """
    first_loss = history.loss[0] if history.loss else None
    if not math.isfinite(loss_value):
        raise Diverging(loss_value, "is not finite")
    if first_loss and first_loss > 0 and loss_value > explode_factor * first_loss:
        raise Diverging(loss_value, f"exploded to {loss_value:.3g}, over {explode_factor:.0e} times "
                                    f"the first epoch's {first_loss:.3g}")


def as_callback(callback: Any) -> Callable[[int, History, Any], object]:
    """Every callback as ``f(epoch, history, model)``: objects with ``on_epoch_end``, and the
    two-argument ``f(epoch, history)`` form, which does not see the model. (``callback`` is
    any of these forms: ``Any``, as the check is made at run time.) A callback with an
    ``on_train_end(history)`` is also called once when training stops.

    >>> as_callback(lambda epoch, history: print("epoch", epoch))(3, History(), None)
    epoch 3
    """
    if hasattr(callback, "on_epoch_end"):
        return callback.on_epoch_end  # type: ignore[no-any-return]
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return lambda epoch, history, model: callback(epoch, history)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if (len(positional) >= 3 and positional[2].default is positional[2].empty) or any(
            p.kind == p.VAR_POSITIONAL for p in params):
        return callback  # type: ignore[no-any-return]
    return lambda epoch, history, model: callback(epoch, history)


class Stopper:
    """scikit-learn's rule: stop after ``n_iter_no_change`` epochs without a ``tol`` improvement.

    An epoch counts as no improvement when its score is above ``best - tol``; the best
    score (and the parameters it was measured at) are kept for early stopping.

    >>> stopper = Stopper(tol=0.1, n_iter_no_change=2)
    >>> [stopper.update(score, epoch, None) for epoch, score in enumerate([1.0, 0.5, 0.45, 0.44])]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch  # 0.45 and 0.44 improve by less than tol, yet 0.44 is the best
    (0.44, 3)
    """

    def __init__(self, tol: float, n_iter_no_change: int) -> None:
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_params: Params | None = None
        self.count = 0

    def update(self, score: float, epoch: int, params: Params | None) -> bool:
        """Record the score of ``epoch``; return True when training should stop."""
        self.count = self.count + 1 if score > self.best - self.tol else 0
        if score < self.best:
            self.best, self.best_epoch, self.best_params = score, epoch, params
        return self.count >= self.n_iter_no_change


def finish(history: History, model: Model, stopper: Stopper | None, early_stopping: bool,
           on_divergence: str, converged: ConvergenceRule | None = None) -> History:
    """Set the final parameters and status; warn when the budget ran out before ``tol`` (or
    before the ``converged`` rule of :func:`descentlab.core.trainer.train` held: its message;
    a rule that holds at the last parameters, asked once, makes the run "converged").

    >>> from descentlab.core.models import LinearModel
    >>> history = History(); history.record(1.0, {}); history.status = "running"
    >>> finish(history, LinearModel(1), None, False, "raise").status
    'completed'
    """
    if early_stopping and history.status != "interrupted" and stopper is not None \
            and stopper.best_params is not None:
        model.set_params(stopper.best_params)
        history.meta["best_epoch"] = stopper.best_epoch
    history.final_params = model.get_params()
    if not all(all_finite(v) for v in history.final_params.values()):  # on any namespace
        return diverged(history, model, history.n_epochs - 1, float("nan"),
                        "left non-finite parameters", on_divergence)
    if history.status == "running":
        history.status = "completed"
        if stopper is not None and converged is not None and not early_stopping \
                and converged.holds(history.final_params):
            history.status = "converged"  # the rule holds at the last epoch, before the loss stalled
            history.final_params = model.get_params()  # a rule may finish at the exact optimum
        elif stopper is not None:
            from sklearn.exceptions import ConvergenceWarning

            message = (f"training used all {history.n_epochs} epochs before the loss stopped "
                       f"improving by tol={stopper.tol:g}: raise epochs (or tol, or the "
                       "learning rate) to let it converge")
            if converged is not None and not early_stopping:
                message = converged.unconverged_message(history.n_epochs, history.final_params)
            history.meta["unconverged"] = message
            warnings.warn(message, ConvergenceWarning, stacklevel=3)
    return history


def diverged(history: History, model: Model, epoch: int, loss_value: float, reason: str,
             on_divergence: str) -> History:
    """Mark the run diverged at ``epoch`` (and why); raise :class:`DivergenceError` unless
    ``on_divergence == "stop"``.

    >>> from descentlab.core.models import LinearModel
    >>> history = diverged(History(), LinearModel(1), 7, float("inf"), "is not finite", "stop")
    >>> history.status, history.meta["diverged_because"]
    ('diverged', 'the loss is not finite')
    """
    history.status = "diverged"
    history.meta["diverged_at_epoch"] = epoch
    history.meta["diverged_because"] = f"the loss {reason}"
    history.final_params = model.get_params()
    if on_divergence == "stop":
        return history
    raise DivergenceError(divergence_message(epoch, reason), epoch=epoch, loss=loss_value, history=history)
