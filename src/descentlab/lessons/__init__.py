"""The lessons: each is ``Config -> run -> Result``, trains through the one loop and
writes nothing (files are written by :mod:`descentlab.outputs`).

``article`` (the article's run), ``lr_study`` (one run per learning rate, against the
stable bound), ``collapse`` (a two-layer linear network is one line), ``nonlinear``
(activations bend the line) and ``logistic`` (a classifier and its boundary). Every
config declares its settings once (:func:`descentlab.settings.setting`), every result
has a ``kind`` and ``summary_lines()``.
"""

from collections.abc import Callable, Iterable

from descentlab.errors import DescentlabError
from descentlab.lessons.collapse import CollapseResult, run_collapse
from descentlab.lessons.logistic import LogisticResult, run_logistic
from descentlab.lessons.nonlinear import NonlinearResult, run_nonlinear

#: The network lessons a report can add, each run with its default settings.
NETWORK_STUDIES = ("collapse", "nonlinear", "logistic")


def run_network_studies(names: Iterable[str]) -> list[CollapseResult | NonlinearResult | LogisticResult]:
    """Run the named lessons of :data:`NETWORK_STUDIES` with their default settings.

    Returns
    -------
    list of CollapseResult, NonlinearResult, LogisticResult
        In the order of ``names``.

    Examples
    --------
    >>> run_network_studies(["collapse", "oops"])
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: unknown study 'oops': choose from collapse, nonlinear, logistic
    """
    runs: dict[str, Callable[[], CollapseResult | NonlinearResult | LogisticResult]] = {"collapse": run_collapse, "nonlinear": run_nonlinear, "logistic": run_logistic}
    for name in names:
        if name not in runs:
            raise DescentlabError(f"unknown study {name!r}: choose from {', '.join(NETWORK_STUDIES)}")
    return [runs[name]() for name in names]
