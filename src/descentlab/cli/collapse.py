"""``descentlab collapse``: the article's two-layer linear network is one linear equation."""

import argparse

from descentlab.cli._options import add_lesson_options, config_from_args
from descentlab.lessons.collapse import CollapseConfig, run_collapse


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab collapse`` to ``sub``: the lesson's settings and ``--out``.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--hidden", "3", "--bias", "separate"])
    >>> args.hidden, args.bias, args.epochs
    (3, 'separate', 300)
    """
    p = sub.add_parser("collapse", help="train the article's two-layer linear network and collapse it",
                       description="Train the article's two-layer network with linear activations "
                       "on the article's data, print its weight matrices, the single line W1 W2 "
                       "they make and how it compares with least squares, and draw the fits.")
    add_lesson_options(p, CollapseConfig)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Train the two-layer linear network, say its collapse, write its files; the exit code.

    >>> import contextlib, io, tempfile
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()) as said:
    ...     code = run(build_parser().parse_args(["collapse", "--epochs", "1", "--out", out]))
    >>> code, said.getvalue().splitlines()[-1]
    (0, 'Wrote collapse.json, collapse_history.json, collapse.png to .../')
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lesson(config_from_args(args, CollapseConfig), run_collapse, command_of(args), say=print))
