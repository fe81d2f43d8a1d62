"""``descentlab nonlinear``: hidden tanh, ReLU or sigmoid units against linear models."""

import argparse

from descentlab.cli._options import add_lesson_options, config_from_args
from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab nonlinear`` to ``sub``: the lesson's settings and ``--out``.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--data", "abs", "--activation", "relu"])
    >>> args.data, args.activation, args.widths
    ('abs', 'relu', (2, 16))
    """
    p = sub.add_parser("nonlinear", help="why hidden layers need nonlinear activations",
                       description="Fit a curve (a sine or |x|) with linear regression, the "
                       "article's linear network and networks with nonlinear hidden units; "
                       "print the losses against least squares and draw the fits and loss curves.")
    add_lesson_options(p, NonlinearConfig)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Fit the curve with linear and nonlinear models, say the losses, write the figure; the exit code.

    >>> import contextlib, io, tempfile
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()) as said:
    ...     code = run(build_parser().parse_args(["nonlinear", "--epochs", "1", "--out", out]))
    >>> code, said.getvalue().splitlines()[-1]
    (0, 'Wrote nonlinear_sine.json, nonlinear_sine.png to .../')
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lesson(config_from_args(args, NonlinearConfig), run_nonlinear, command_of(args), say=print))
