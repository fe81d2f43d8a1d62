"""``descentlab lr-study``: one problem, several learning rates, against the stability bound."""

import argparse

from descentlab.cli._options import add_config_options, add_out, config_from_args
from descentlab.lessons.lr_study import LRStudyConfig


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab lr-study`` to ``sub``: the data, ``--rates``, ``--epochs`` and ``--out``.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> p.parse_args(["--rates", "0.01,0.5,1.8"]).rates
    [0.01, 0.5, 1.8]
    """
    p = sub.add_parser("lr-study", help="train with several learning rates and compare",
                       description="Train the article's linear regression from the same start "
                       "with several learning rates, print the stability bound 2 / lambda_max "
                       "and where each rate falls against it, and draw every loss curve on one "
                       "log-scale plot (lr_study.png).")
    add_config_options(p, LRStudyConfig)
    add_out(p, "lr_study.png")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Train every rate, say where each falls, draw ``lr_study.png``; the exit code.

    Drawing the study takes most of a second, so here is its cheapest real behaviour:
    bad settings are refused before anything is trained.

    >>> from descentlab.cli import build_parser
    >>> run(build_parser().parse_args(["lr-study", "--epochs", "0"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: epochs 0 must be a whole number of at least 1: try 61
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lr_study(config_from_args(args, LRStudyConfig), command_of(args), say=print))
