"""The lessons' files: figures (PNG), histories and numbers (JSON), written atomically.

Each ``save_*`` takes a lesson's result (:mod:`descentlab.lessons`), draws its figures
(:mod:`descentlab.viz`) and writes them into a folder, recorded in the folder's
``manifest.json`` (:class:`~descentlab.outputs.manifest.OutputFolder`: the previous
run's stale files are removed); it returns the paths written. :func:`save_lesson` picks
the one for any result, :func:`lesson_files` names the files before the run.
"""

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

import numpy as np

from descentlab.core.history import History
from descentlab.files import deferred_signals, ensure_writable_dir, save_or_recover, write_text
from descentlab.files.interrupts import release_interrupts
from descentlab.outputs.manifest import MANIFEST, OutputFolder
from descentlab.viz.article import epoch_figure, line_of, plot_graph, test_fit_figure
from descentlab.viz.logistic import boundary_figure
from descentlab.viz.networks import collapse_figure, nonlinear_figure
from descentlab.viz.sampling import drawn_epochs, note_on, sample_points

if TYPE_CHECKING:
    from descentlab.lessons.article import TutorialConfig, TutorialResult
    from descentlab.lessons.collapse import CollapseConfig, CollapseResult
    from descentlab.lessons.logistic import LogisticConfig, LogisticResult
    from descentlab.lessons.nonlinear import NonlinearConfig, NonlinearResult

    #: A lesson's settings and its result, each with its files here.
    LessonConfig: TypeAlias = TutorialConfig | CollapseConfig | NonlinearConfig | LogisticConfig
    LessonResult: TypeAlias = TutorialResult | CollapseResult | NonlinearResult | LogisticResult

#: Bytes per number in a history.json (a float's repr and its separator); bytes of memory
#: per recorded epoch beyond its numbers (a float in a list, two small arrays); above how
#: many bytes a run is said to be large before it starts.
_NUMBER_BYTES = 21
_EPOCH_OVERHEAD = 32 + 2 * 112
_LARGE_BYTES = 100_000_000


def lesson_files(kind: str, config: "LessonConfig") -> list[str]:
    """The names a lesson of ``kind`` run with ``config`` writes (``manifest.json`` too);
    a tutorial cut short writes fewer epoch figures.

    >>> from descentlab.lessons.article import TutorialConfig
    >>> lesson_files("tutorial", TutorialConfig(epochs=20))
    ['data.png', 'epoch_000.png', 'epoch_010.png', 'epoch_020.png', 'test_fit.png', 'history.json', 'metrics.json', 'manifest.json']
    """
    if kind == "tutorial":  # epochs 0 .. config.epochs: the last is the trained line
        config = cast("TutorialConfig", config)  # the kind names its config
        epochs = [f"epoch_{e:03d}.png" for e in drawn_epochs(config.epochs + 1, config.log_every)]
        names = ["data.png", *epochs, "test_fit.png", "history.json", "metrics.json"]
    elif kind == "nonlinear":
        config = cast("NonlinearConfig", config)
        names = [f"nonlinear_{config.data}.png", f"nonlinear_{config.data}.json"]
    else:
        names = [f"{kind}.png", f"{kind}.json", f"{kind}_history.json"]
    return names + [MANIFEST]


def size_note(config: "TutorialConfig") -> str | None:
    """A one-line warning when a tutorial of ``config`` records enormous output, else None.

    Every epoch's loss and parameters are kept (in memory and in history.json), and a
    progress line is printed every ``log_every`` epochs.

    >>> from descentlab.lessons.article import TutorialConfig
    >>> size_note(TutorialConfig()) is None
    True
    >>> size_note(TutorialConfig(epochs=10**8))
    '--epochs 100000000 records every epoch: history.json will be about 6.3 GB ...'
    """
    numbers = config.epochs * (config.features + 2)
    memory = config.epochs * (_EPOCH_OVERHEAD + 8 * (config.features + 1))
    lines = 2 * (config.epochs // config.log_every)
    if numbers * _NUMBER_BYTES < _LARGE_BYTES and lines < 100_000:
        return None
    return (f"--epochs {config.epochs} records every epoch: history.json will be about "
            f"{numbers * _NUMBER_BYTES / 1e9:.3g} GB and training needs about "
            f"{memory / 1e9:.3g} GB of memory to finish, and it prints {lines:,} progress "
            "lines (raise --log-every); Ctrl-C stops it and keeps what ran")


@contextmanager
def _recorded(result: "LessonResult", out: str | os.PathLike[str],
              record: OutputFolder | None) -> Iterator[OutputFolder]:
    """The caller's :class:`OutputFolder`, or one for ``result`` alone."""
    if record is not None:
        yield record
        return
    ensure_writable_dir(out)
    planned = lesson_files(result.kind, result.config)
    with OutputFolder(out, result.kind, planned, settings=asdict(result.config)) as record:
        yield record


def save_history(history: History, path: str | os.PathLike[str]) -> Path:
    """Write ``history`` as JSON to ``path``, atomically (a regular file only); read it back
    with :func:`~descentlab.load_history`.

    >>> import tempfile
    >>> from descentlab import load_history
    >>> history = History(loss=[1.0, 0.5], status="completed")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     load_history(save_history(history, Path(folder) / "history.json")).loss
    [1.0, 0.5]
    """
    return write_text(path, history.to_json() + "\n")


def save_tutorial(result: "TutorialResult", out: str | os.PathLike[str],
                  record: OutputFolder | None = None) -> list[Path]:
    """Write ``history.json``, ``metrics.json`` and the figures (PNG) into ``out``.

    The JSON comes first and cannot be cut by Ctrl-C (:func:`~descentlab.files.deferred_signals`),
    so the run is kept whatever happens to the figures. The epochs drawn are every
    ``log_every``-th, at most :data:`~descentlab.viz.sampling.MAX_FIGURES` of them; large
    data sets are drawn as a random sample of points, and the figures say so.

    Parameters
    ----------
    result : TutorialResult
    out : path-like
    record : OutputFolder, optional
        Where the files are recorded (default: a manifest entry of their own).

    Returns the list of paths written. A diverged run (``history.status == "diverged"``)
    writes its history, metrics (marked diverged) and the figures of the epochs it ran,
    but no ``test_fit.png``: there is no trained line to test.

    Examples
    --------
    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> result = run_tutorial(TutorialConfig(epochs=5, log_every=5), log=None)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in save_tutorial(result, folder)]
    ['history.json', 'metrics.json', 'data.png', 'epoch_000.png', 'epoch_005.png', 'test_fit.png']
    """
    with _recorded(result, out, record) as f:
        with deferred_signals():  # the trained run, kept even if its folder is gone
            history = result.history.to_json()
            written = [save_or_recover(lambda path: write_text(path, history), f.path("history.json"),
                                       "the run's history"),
                       f.write_text("metrics.json", json.dumps(result.metrics, indent=1))]
        release_interrupts()  # what was trained is kept: Ctrl-C may stop the figures again
        X, y, note = sample_points(result.data.X, result.data.y)
        written.append(f.save_figure(note_on(plot_graph({"X": X[:, 0], "y": y}), note), "data.png"))
        X_train, y_train, note = sample_points(result.X_train, result.y_train)
        for epoch in drawn_epochs(result.history.last_epoch + 1, result.config.log_every):
            fig = note_on(epoch_figure(result.history, X_train, y_train, epoch), note)
            written.append(f.save_figure(fig, f"epoch_{epoch:03d}.png"))
        if result.history.status == "diverged":  # no trained line to test
            return written
        X_test, y_test, note = sample_points(result.X_test, result.y_test)
        m, b = line_of(result.model.params, result.X_test)
        fig = note_on(test_fit_figure(X_test[:, 0], y_test, m, b), note)
        written.append(f.save_figure(fig, "test_fit.png"))
    return written


def save_collapse(result: "CollapseResult", out: str | os.PathLike[str],
                  record: OutputFolder | None = None) -> list[Path]:
    """Write ``collapse.png``, ``collapse.json`` and ``collapse_history.json`` into ``out``.

    >>> import tempfile
    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in save_collapse(run_collapse(CollapseConfig(epochs=1)), folder)]
    ['collapse.json', 'collapse_history.json', 'collapse.png']
    """
    numbers = {name: np.asarray(v).tolist() for name, v in result.layer_matrices()}
    numbers.update(W=result.W.tolist(), b=result.b.tolist(), m=result.m, intercept=result.intercept,
                   least_squares={"m": result.ls_m, "intercept": result.ls_intercept},
                   loss=result.loss, line_loss=result.line_loss, ls_loss=result.ls_loss,
                   min_loss=result.min_loss, max_abs_diff=result.max_abs_diff,
                   stable_lr=result.stable_lr,
                   config=asdict(result.config))
    with _recorded(result, out, record) as f, deferred_signals():
        return [f.write_text("collapse.json", json.dumps(numbers, indent=1)),
                f.write_text("collapse_history.json", result.history.to_json()),
                f.save_figure(collapse_figure(result), "collapse.png")]


def save_nonlinear(result: "NonlinearResult", out: str | os.PathLike[str],
                   record: OutputFolder | None = None) -> list[Path]:
    """Write ``nonlinear_<data>.png`` and ``nonlinear_<data>.json`` into ``out``.

    The JSON holds the final losses and every model's History (under ``"histories"``).

    >>> import tempfile
    >>> from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save_nonlinear(run_nonlinear(NonlinearConfig(data="abs", epochs=1)), folder)
    ...     [path.name for path in written], sorted(json.loads(written[0].read_text()))
    (['nonlinear_abs.json', 'nonlinear_abs.png'], ['config', 'histories', 'loss', 'ls_loss'])
    """
    name = f"nonlinear_{result.config.data}"
    numbers = {"config": asdict(result.config), "ls_loss": result.ls_loss,
               "loss": {fit.label: fit.loss for fit in result.fits},
               "histories": {fit.label: fit.history.to_dict() for fit in result.fits}}
    with _recorded(result, out, record) as f, deferred_signals():
        return [f.write_text(f"{name}.json", json.dumps(numbers)),
                f.save_figure(nonlinear_figure(result), f"{name}.png")]


def save_logistic(result: "LogisticResult", out: str | os.PathLike[str],
                  record: OutputFolder | None = None) -> list[Path]:
    """Write ``logistic.png``, ``logistic.json`` and ``logistic_history.json`` into ``out``.

    Drawing the boundary at several epochs takes about a second, so here is the cheapest
    real behaviour: a folder that cannot be written is one line, before anything is drawn.

    >>> import tempfile
    >>> from descentlab.lessons.logistic import LogisticConfig, run_logistic
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, "taken").write_text("a file, not a folder")
    ...     save_logistic(run_logistic(LogisticConfig(epochs=2, samples=20)), Path(folder, "taken"))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot write to output folder '.../taken' (File exists): choose another folder with --out
    """
    fig = boundary_figure(result.history, result.X_train, result.y_train,
                          result.snapshot_epochs(), result.accuracy_trace)
    numbers = {"config": asdict(result.config), "W": result.model.params["W"].tolist(),
               "b": float(result.model.params["b"]), "train_accuracy": result.train_accuracy,
               "test_accuracy": result.test_accuracy, "accuracy_trace": result.accuracy_trace.tolist(),
               "reference": {"W": result.reference_W.tolist(), "b": result.reference_b},
               "max_proba_diff": result.max_proba_diff, "snapshot_epochs": result.snapshot_epochs()}
    with _recorded(result, out, record) as f, deferred_signals():
        return [f.write_text("logistic.json", json.dumps(numbers, indent=1)),
                f.write_text("logistic_history.json", result.history.to_json()),
                f.save_figure(fig, "logistic.png")]


def save_lesson(result: "LessonResult", out: str | os.PathLike[str],
                record: OutputFolder | None = None) -> list[Path]:
    """Write the files of any lesson's result into the folder ``out``; return their paths.

    >>> import tempfile
    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> result = run_collapse(CollapseConfig(epochs=1))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = save_lesson(result, folder)
    ...     sorted(p.name for p in Path(folder).iterdir()) == sorted(lesson_files("collapse", result.config))
    True
    """
    savers: dict[str, Callable[..., list[Path]]] = {"tutorial": save_tutorial, "collapse": save_collapse, "nonlinear": save_nonlinear,
              "logistic": save_logistic}
    return savers[result.kind](result, out, record)
