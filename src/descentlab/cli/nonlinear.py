"""``descentlab nonlinear``: hidden tanh, ReLU or sigmoid units against linear models."""

import argparse

from descentlab.cli._options import add_lesson_options, config_from_args
from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    p = sub.add_parser("nonlinear", help="why hidden layers need nonlinear activations",
                       description="Fit a curve (a sine or |x|) with linear regression, the "
                       "article's linear network and networks with nonlinear hidden units; "
                       "print the losses against least squares and draw the fits and loss curves.")
    add_lesson_options(p, NonlinearConfig)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lesson(config_from_args(args, NonlinearConfig), run_nonlinear, command_of(args), say=print))
