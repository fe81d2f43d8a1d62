"""``descentlab report``: the whole story in one self-contained HTML file."""

import argparse

from descentlab.cli._options import (
    add_caps,
    add_out,
    add_source,
    add_training_options,
    choice_list,
    config_from_args,
    rate_list,
)
from descentlab.lessons import NETWORK_STUDIES


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab report`` to ``sub``: the run's source, ``--rates``, ``--with``, the caps.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--with", "logistic,collapse", "--rates", "0.1,1"])
    >>> args.networks, args.rates
    (['collapse', 'logistic'], [0.1, 1.0])
    """
    p = sub.add_parser("report", help="write one self-contained HTML report",
                       description="Write an HTML page with every figure embedded: the data, "
                       "the training animation with an epoch slider, the cost against m, the "
                       "loss surface, a learning-rate study and the metrics; with --with, the "
                       "network studies too. It works offline. Writes report.html into --out.")
    add_source(p)
    add_training_options(p)
    add_out(p, "report.html")
    p.add_argument("--rates", type=rate_list, default=None,
                   help="learning rates of the study, comma-separated (default: 0.01, 0.5, "
                   "0.98 and 1.1 times the stability bound)")
    p.add_argument("--with", dest="networks", metavar="STUDIES", default=[],
                   type=choice_list(NETWORK_STUDIES),
                   help="add network studies, run with their default settings, comma-separated: "
                   f"{','.join(NETWORK_STUDIES)} (the linear collapse, nonlinear activations, "
                   "logistic regression with its boundary as a playable animation)")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Write ``report.html`` (:func:`descentlab.outputs.runs.report`); the exit code.

    A report draws every figure (seconds), so here is its cheapest real behaviour: a
    missing ``--history`` is one line, before anything is written.

    >>> import tempfile
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as out:
    ...     run(build_parser().parse_args(["report", "--history", "missing.json", "--out", out]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot read history 'missing.json' (No such file or directory): check the path
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    config = None if args.history is not None else config_from_args(args)  # --history: no training
    return finish(runs.report(config, command_of(args), history=args.history, rates=args.rates,
                              networks=args.networks, max_frames=args.max_frames,
                              max_points=args.max_points, say=print))
