"""The commands' runs: check the folder, train (or load), say what happened, write the files.

Each function here is what one ``descentlab`` command does, reachable from Python too:
the command line parses its arguments into a config and a
:class:`~descentlab.outputs.run_folder.Command`, calls one of these, and turns the
:class:`~descentlab.outputs.run_folder.RunFiles` it gets back into an exit code. ``say``
receives every line the run has to say (``print`` on the command line).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

from descentlab.errors import DescentlabError, DivergenceError
from descentlab.outputs.manifest import MANIFEST
from descentlab.outputs.run_folder import (
    Command,
    RunFiles,
    check_folder,
    histories_of,
    recording,
    say_if_large,
    say_if_large_run,
)

if TYPE_CHECKING:
    from descentlab.core.history import History
    from descentlab.lessons.article import TutorialConfig, TutorialResult
    from descentlab.lessons.collapse import CollapseConfig
    from descentlab.lessons.logistic import LogisticConfig, LogisticResult
    from descentlab.lessons.lr_study import LRStudyConfig
    from descentlab.lessons.nonlinear import NonlinearConfig
    from descentlab.viz.report_networks import NetworkResult

Say = Callable[[str], None]
# A network lesson's config: what :func:`lesson` hands to its ``run``.
NetworkConfig = TypeVar("NetworkConfig", "CollapseConfig", "NonlinearConfig", "LogisticConfig")
#: The tutorial's report: a name of its own, so ``descentlab report`` (report.html) never
#: replaces it with a page of another run.
REPORT = "tutorial_report.html"
def _numbers_per_epoch(config: CollapseConfig | NonlinearConfig | LogisticConfig) -> int:
    """About how many numbers a lesson records per epoch: its parameters and its loss."""
    widths = getattr(config, "widths", None) or [getattr(config, "hidden", 1)]
    return int(sum(3 * w + 2 for w in widths) + 1)


def load_result(config: TutorialConfig | None, history: str | os.PathLike[str] | None = None) -> TutorialResult:
    """The tutorial run to draw from: rebuilt from the ``history.json`` at ``history``, else
    trained now with ``config`` (a :class:`~descentlab.TutorialConfig`; None: the article's).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from descentlab.lessons.article import TutorialConfig
    >>> from descentlab.outputs.lessons import save_history
    >>> trained = load_result(TutorialConfig(epochs=20))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_history(trained.history, Path(folder) / "history.json")
    ...     load_result(None, path).metrics["m"] == trained.metrics["m"]  # the same line, redrawn
    True
    """
    import numpy as np

    from descentlab.core.history import load_history
    from descentlab.lessons.article import result_from_history, run_tutorial

    if history is not None:
        saved = load_history(history)
        try:
            with np.errstate(over="raise", invalid="raise"):
                return result_from_history(saved)
        except (ArithmeticError, ValueError) as exc:
            if isinstance(exc, DescentlabError):
                raise
            raise DescentlabError(f"cannot draw history {str(history)!r}: its values are too large to "
                                  "compute with (the fitted line is beyond a float's range): pass a "
                                  "history.json written by descentlab from finite data") from None
    if config is not None:  # None: the article's settings, never large
        say_if_large(config)
    return run_tutorial(config, log=None)


def tutorial(config: TutorialConfig, command: Command, *, animate: bool = False, report: bool = False,
             vs_article: bool = False, max_frames: int | None = None, max_points: int | None = None,
             say: Say = print) -> RunFiles:
    """``descentlab tutorial``: train the article's run, write its figures, history and
    metrics (and the animation, the report, the MAPE figure when asked). A diverged run is
    kept (its files say "diverged"), then its :class:`~descentlab.DivergenceError` raised.
    The folder is checked first, before anything trains (the figures take a second):

    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig
    >>> with tempfile.NamedTemporaryFile() as file:  # a file where the folder should be
    ...     tutorial(TutorialConfig(epochs=2), Command("tutorial", file.name))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot write to output folder '...' (it is a file): choose another --out
    """
    from descentlab.lessons.article import run_tutorial
    from descentlab.lessons.lr_study import tutorial_study
    from descentlab.outputs.lessons import lesson_files, save_tutorial
    from descentlab.outputs.media import animation_files, write_animation
    from descentlab.outputs.report import write_report
    from descentlab.viz.sampling import MAX_FIGURES, drawn_epochs, logged_count

    planned = lesson_files("tutorial", config)
    if animate:
        planned += animation_files("training")[:-1]
    if report:
        planned.append(REPORT)
    if vs_article:
        planned.append("mape.png")
    check_folder(command.out, planned)
    say_if_large(config)
    try:
        result = run_tutorial(config, log=say)
    except DivergenceError as exc:  # the diverged run is the lesson: keep it, then fail
        if exc.result is not None:
            with recording(command, planned, [exc.history]) as record:
                record.status = "diverged"
                written = save_tutorial(exc.result, command.out, record)
            say(f"Kept the diverged run: {len(written)} files in {command.out}/ "
                "(history.json and metrics.json say \"diverged\")")
        raise
    for line in result.summary_lines():
        say(line)
    if vs_article:
        from descentlab.lessons.vs_article import vs_article_lines

        say("")
        for line in vs_article_lines(result):
            say(line)
    h = result.history
    with recording(command, planned, [h]) as record:
        written = save_tutorial(result, command.out, record)
        say(f"Wrote {len(written)} files to {command.out}/")
        logged = logged_count(h.n_epochs, config.log_every)
        drawn = len(drawn_epochs(h.n_epochs, config.log_every))
        if drawn < logged:
            say(f"Drew {drawn} of the {logged} logged epochs as figures, evenly spaced "
                f"(at most {MAX_FIGURES}; the animation and history.json have every epoch)")
        if animate:
            files, notes = write_animation(result, command.out, record=record, max_frames=max_frames,
                                           max_points=max_points)
            say(f"Animation ({'; '.join(notes)}): " + ", ".join(str(f) for f in files))
        if report:
            path = write_report(result, record.folder / REPORT, study=tutorial_study(result), record=record,
                                max_frames=max_frames, max_points=max_points)
            say(f"Report: {path}")
        if vs_article:
            from descentlab.viz.mape import mape_figure

            fig = mape_figure(result.y_test, result.model.predict(result.X_test))
            say(f"MAPE's drivers: {record.save_figure(fig, 'mape.png')}")
    return RunFiles(record, [h], budget=config.epochs)


def lr_study(config: LRStudyConfig, command: Command, say: Say = print) -> RunFiles:
    """``descentlab lr-study``: train several rates from one start, draw ``lr_study.png``.

    The folder is checked first, before anything trains (the figure takes most of a second):

    >>> import tempfile
    >>> from descentlab.lessons.lr_study import LRStudyConfig
    >>> with tempfile.NamedTemporaryFile() as file:  # a file where the folder should be
    ...     lr_study(LRStudyConfig(epochs=2), Command("lr-study", file.name))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot write to output folder '...' (it is a file): choose another --out
    """
    from descentlab.lessons.lr_study import DEFAULT_FRACTIONS, run_lr_study
    from descentlab.viz.lr_study import lr_study_figure

    planned = ["lr_study.png", MANIFEST]
    check_folder(command.out, planned)
    rates = len(config.rates) if config.rates else len(DEFAULT_FRACTIONS) + 1  # + the article's
    say_if_large_run(config.epochs, rates * (config.features + 3))
    study = run_lr_study(config)
    for line in study.summary_lines():
        say(line)
    histories = [run.history for run in study.runs]
    with recording(command, planned, histories) as record:
        path = record.save_figure(lr_study_figure(study), "lr_study.png")
    say(f"Wrote {path}")
    return RunFiles(record, list(histories))


def animate(config: TutorialConfig | None, command: Command, *, history: str | None = None, mp4: bool | None = None,
            fps: int = 10, max_frames: int | None = None, max_points: int | None = None,
            say: Say = print) -> RunFiles:
    """``descentlab animate``: ``animate.gif`` (and ``.mp4``) of a saved run or one trained now.

    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run = animate(TutorialConfig(epochs=2), Command("animate", folder), mp4=False, max_frames=2,
    ...                   say=lambda line: None)
    ...     sorted(os.listdir(folder)), run.interrupted_line()
    (['animate.gif', 'manifest.json'], None)
    """
    from descentlab.outputs.media import animation_files, check_mp4, write_animation

    if not 1 <= fps <= 100:
        raise DescentlabError(f"--fps {fps} must be between 1 and 100: try 10")
    check_mp4(mp4)
    planned = animation_files("animate", mp4)
    check_folder(command.out, planned, inputs=[history] if history else [])
    result = load_result(config, history)
    with recording(command, planned, [result.history]) as record:
        files, notes = write_animation(result, command.out, mp4=mp4, max_frames=max_frames,
                                       max_points=max_points, fps=fps, record=record, stem="animate")
        if result.history.interrupted_note():
            notes.append(f"the run was {result.history.interrupted_note()}")
        say(f"Animation of {'; '.join(notes)}:")
        for f in files:
            say(f"  {f}")
    # a history drawn from a file was interrupted then, not now: only a run trained now counts
    trained_now: list[History | None] = [] if history is not None else [result.history]
    return RunFiles(record, trained_now, budget=result.config.epochs)


def report(config: TutorialConfig | None, command: Command, *, history: str | None = None, rates: list[float] | None = None,
           networks: Sequence[str] = (), max_frames: int | None = None, max_points: int | None = None,
           say: Say = print) -> RunFiles:
    """``descentlab report``: ``report.html`` of a saved run or one trained now, its
    learning-rate study, and the network studies named in ``networks``.

    A report draws every figure (seconds); its cheapest real behaviour: a history that
    cannot be read is one line, and nothing is written.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report(None, Command("report", folder), history="missing.json")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot read history 'missing.json' (No such file or directory): check the path
    """
    from descentlab.core.regimes import regime_marks
    from descentlab.files.interrupts import stopping
    from descentlab.lessons import run_network_studies
    from descentlab.lessons.lr_study import tutorial_study
    from descentlab.outputs.report import write_report

    planned = ["report.html", MANIFEST]
    check_folder(command.out, planned, inputs=[history] if history else [])
    result = load_result(config, history)
    study = tutorial_study(result, rates)
    skipped = stopping() and networks  # Ctrl-C stopped the tutorial: no part starts after it
    studies = [] if skipped else run_network_studies(networks)
    trained_now: list[History | None] = [] if history is not None else [result.history]  # see animate
    histories = [*trained_now, *(run.history for run in study.runs)]
    histories += [h for n in studies for h in histories_of(n)]
    with recording(command, planned, histories) as record:
        path = write_report(result, record.folder / "report.html", study=study, networks=studies,
                            max_frames=max_frames, max_points=max_points, record=record)
    extra = f"; with {', '.join(networks)}" if studies else ""
    if skipped:
        extra += f"; without {', '.join(networks)}, not started after Ctrl-C"
    if result.history.interrupted_note():
        extra += f"; the run was {result.history.interrupted_note()}"
    say(f"Report: {path} (learning rates: {regime_marks(study.bound)}{extra})")
    return RunFiles(record, histories)


def lesson(config: NetworkConfig, run: Callable[[NetworkConfig], NetworkResult], command: Command, *, animate: bool = False,
           max_frames: int | None = None, max_points: int | None = None, say: Say = print) -> RunFiles:
    """``descentlab collapse|nonlinear|logistic``: check the files, ``run(config)``, say its
    lines, write its files (and, with ``animate``, the logistic boundary's animation).

    >>> import tempfile
    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> said: list[str] = []
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run = lesson(CollapseConfig(epochs=1), run_collapse, Command("collapse", folder), say=said.append)
    >>> said[-1], run.interrupted_line()
    ('Wrote collapse.json, collapse_history.json, collapse.png to .../', None)
    """
    from descentlab.outputs.lessons import lesson_files, save_lesson
    from descentlab.outputs.media import animation_files, write_boundary_animation

    also = animation_files("logistic")[:-1] if animate else []
    planned = lesson_files(command.name, config) + also
    check_folder(command.out, planned)
    say_if_large_run(config.epochs, _numbers_per_epoch(config))
    result = run(config)
    for line in result.summary_lines():
        say(line)
    histories = histories_of(result)
    with recording(command, planned, histories) as record:
        written = save_lesson(result, command.out, record)
        say(f"Wrote {', '.join(path.name for path in written)} to {command.out}/")
        if animate:
            # only ``descentlab logistic`` offers --animate: its result is a LogisticResult
            files, notes = write_boundary_animation(cast("LogisticResult", result), command.out, max_frames=max_frames,
                                                    max_points=max_points, record=record)
            say(f"Animation ({'; '.join(notes)}): " + ", ".join(str(f) for f in files))
    return RunFiles(record, histories)
