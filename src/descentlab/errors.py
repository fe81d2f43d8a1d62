"""The errors a user can cause, each with a one-line message that says what to do."""

from typing import Any


class DescentlabError(ValueError):
    """Bad input: the message says what was wrong and what to do, in one line.

    A ValueError, so code that catches ValueError catches it too.

    Examples
    --------
    >>> try:
    ...     raise DescentlabError("--lr must be positive: pass e.g. --lr 0.01")
    ... except ValueError as exc:
    ...     print(exc)
    --lr must be positive: pass e.g. --lr 0.01
    """


class DivergenceError(DescentlabError):
    """Training stopped because the loss became non-finite or exploded.

    Attributes
    ----------
    epoch : int
        The epoch whose loss was non-finite or exploding.
    loss : float
        That loss.
    history : History
        Everything recorded up to (not including) that epoch's update.
    result : object or None
        The lesson's result of the diverged run (its History marked ``"diverged"``), for
        a command to keep its files; None when there is none.

    Examples
    --------
    >>> err = DivergenceError(divergence_message(7, 3e8), epoch=7, loss=3e8, history=None)
    >>> err.epoch, isinstance(err, DescentlabError), str(err)
    (7, True, 'training diverged at epoch 7: the loss reached 3e+08; the learning rate is too large...')
    """

    def __init__(self, message: str, *, epoch: int, loss: float, history: Any,
                 result: Any = None) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.loss = loss
        self.history = history
        self.result = result


def divergence_message(epoch: int, loss: float | str, lr: float | None = None, bound: float | None = None, *,
                       bound_name: str = "the stable bound",
                       fix: str = "the learning rate is too large for this data: use a smaller learning "
                           "rate (or scale the features)") -> str:
    """The one line a :class:`DivergenceError` says: when, the rate against its bound, and
    what to do (the library's, the lessons', the estimators' and the playground's).

    Parameters
    ----------
    epoch : int
    loss : float or str
        The loss reached, or what went wrong with it (``"is not finite"``).
    lr : float or None, default=None
        The learning rate; None leaves the rate and the bound out.
    bound : float or None, default=None
        The largest stable rate (:func:`descentlab.core.stepsize.stability_bound`, :func:`~descentlab.core.stepsize.linear_network_bound`,
        an optimizer's ``stable_lr``); None when there is no fixed one.
    bound_name : str, default="the stable bound"
        What ``bound`` is; with ``bound`` None, why there is none.
    fix : str
        What to do, e.g. ``"use a smaller --lr (e.g. 0.01)"``.

    Returns
    -------
    str
        ``"training diverged at epoch 7: the loss reached 3e+08; learning rate 5 is above
        0.8, the stable bound for this data: use a smaller --lr (below 0.8, e.g. 0.05)"``.

    Examples
    --------
    >>> divergence_message(7, 3e8, lr=5, bound=0.8, fix="use a smaller --lr")
    'training diverged at epoch 7: the loss reached 3e+08; learning rate 5 is above 0.8, the stable bound: use a smaller --lr'
    """
    how = loss if isinstance(loss, str) else f"reached {loss:.3g}"
    line = f"training diverged at epoch {epoch}: the loss {how}"
    if lr is None:
        return f"{line}; {fix}"
    if bound is None:
        return f"{line}; learning rate {lr:.3g} ({bound_name}): {fix}"
    where = "above" if lr >= bound else "below"
    return f"{line}; learning rate {lr:.3g} is {where} {bound:.3g}, {bound_name}: {fix}"


class SaveError(DescentlabError):
    """A file could not be written (the disk, not the input, is at fault).

    Attributes
    ----------
    path : Path
        The file that could not be written.
    recovered : Path or None
        Where the work was saved instead (:func:`descentlab.files.save_or_recover`).

    Examples
    --------
    >>> err = SaveError("cannot write out/fit.png: the disk is full: free some space", path="out/fit.png")
    >>> err.path, err.recovered, isinstance(err, DescentlabError)
    ('out/fit.png', None, True)
    """

    def __init__(self, message: str, *, path: Any = None, recovered: Any = None) -> None:
        super().__init__(message)
        self.path = path
        self.recovered = recovered


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) stopped a run; the message says what was kept.

    A KeyboardInterrupt, so ``except Exception`` does not swallow it.

    Examples
    --------
    >>> isinstance(Interrupted("stopped at epoch 3; kept out/history.json"), Exception)
    False
    >>> str(Interrupted("stopped at epoch 3; kept out/history.json"))
    'stopped at epoch 3; kept out/history.json'
    """
