"""The self-contained HTML report, written atomically."""

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from descentlab.errors import DescentlabError
from descentlab.files import check_outputs, write_text
from descentlab.outputs.manifest import OutputFolder

if TYPE_CHECKING:
    from descentlab.lessons.article import TutorialResult
    from descentlab.lessons.lr_study import LRStudy
    from descentlab.viz.report_networks import NetworkResult


def check_output_file(path: str | os.PathLike[str], suffixes: Sequence[str],
                      inputs: Iterable[str | os.PathLike[str]] = (), check_only: bool = False) -> Path:
    """Check that ``path`` ends in one of ``suffixes``, is none of ``inputs`` and can be
    written (:func:`~descentlab.files.check_outputs`); create its folder if needed
    (``check_only``: check the name alone, create nothing).

    >>> check_output_file("out/report.html", (".html", ".htm"), check_only=True)
    PosixPath('out/report.html')
    >>> check_output_file("out/report.pdf", (".html", ".htm"), check_only=True)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: output file 'out/report.pdf' must end in .html or .htm
    """
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise DescentlabError(f"output file {str(path)!r} must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise DescentlabError(f"output file {str(path)!r} is a folder: name a file")
    if check_only:
        return path
    check_outputs([("the report", path)], inputs=inputs, folder=path.parent)
    return path


def write_report(result: "TutorialResult", path: str | os.PathLike[str], *, study: "LRStudy",
                 networks: Sequence["NetworkResult"] = (), max_frames: int | None = None,
                 max_points: int | None = None, record: OutputFolder | None = None) -> Path:
    """Write the self-contained HTML report of ``result`` to ``path``.

    Parameters
    ----------
    result : TutorialResult
    path : path-like
        An ``.html`` file.
    study : LRStudy
        The learning-rate section (:func:`descentlab.lessons.lr_study.tutorial_study`): the
        report draws it, it trains nothing.
    networks : sequence of CollapseResult, NonlinearResult or LogisticResult
        A section each, after the tutorial's (e.g. from
        :func:`descentlab.lessons.run_network_studies`).
    max_frames, max_points : int, optional
    record : OutputFolder, optional
        The run's record, which lists the report when it lands in that folder; otherwise
        the report is recorded in its folder's manifest if there is one (never a new one).

    Returns
    -------
    path : Path

    Examples
    --------
    A report draws every figure (seconds), so here is its cheapest real behaviour: the
    file's name is checked before anything is drawn.

    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> from descentlab.lessons.lr_study import tutorial_study
    >>> result = run_tutorial(TutorialConfig(epochs=2), log=None)
    >>> write_report(result, "out/report.pdf", study=tutorial_study(result))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: output file 'out/report.pdf' must end in .html or .htm
    """
    from descentlab.viz.report import tutorial_report
    from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

    path = check_output_file(path, (".html", ".htm"))
    page = tutorial_report(result, study, networks, max_frames=max_frames or MAX_FRAMES,
                           max_points=max_points or MAX_POINTS)
    if record is not None and os.path.realpath(record.folder) == os.path.realpath(path.parent):
        return write_text(record.path(path.name), page)
    # keyed by the file's name: writing b.html must not remove a.html as stale
    with OutputFolder(path.parent, f"report:{path.name}", [path.name], only_if_present=True) as f:
        return write_text(f.path(path.name), page)
