"""The errors a user can cause, each with a one-line message that says what to do."""


class DescentlabError(ValueError):
    """Bad input: the message says what was wrong and what to do, in one line."""


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
    """

    def __init__(self, message, *, epoch, loss, history, result=None):
        super().__init__(message)
        self.epoch = epoch
        self.loss = loss
        self.history = history
        self.result = result


class SaveError(DescentlabError):
    """A file could not be written (the disk, not the input, is at fault).

    Attributes
    ----------
    path : Path
        The file that could not be written.
    recovered : Path or None
        Where the work was saved instead (:func:`descentlab.files.save_or_recover`).
    """

    def __init__(self, message, *, path=None, recovered=None):
        super().__init__(message)
        self.path = path
        self.recovered = recovered


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) stopped a run; the message says what was kept."""
