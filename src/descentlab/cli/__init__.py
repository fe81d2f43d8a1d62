"""The command line: parse arguments -> a config -> one library call -> print.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Every error a user can cause ends in one line on stderr and a
non-zero exit: 2 for bad input, 1 when training itself fails (divergence).
"""

import argparse
import sys
import warnings

import numpy as np

from descentlab.errors import DescentlabError, DivergenceError
from descentlab.cli import animate, collapse, fit, logistic, lr_study, nonlinear, predict, report, tutorial

COMMANDS = [tutorial, animate, lr_study, report, collapse, nonlinear, logistic, fit, predict]


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, not a usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    parser = OneLineParser(prog="descentlab", description="descentlab: gradient-descent "
                           "learning, taught and performed. Start with: descentlab tutorial")
    from descentlab._version import __version__

    parser.add_argument("--version", action="version", version=f"descentlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        warnings.showwarning = _one_line_warning  # NumPy's overflow is caught as divergence instead
        return _run(args)


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """Show a warning (e.g. a ConvergenceWarning) as one line, without source code."""
    print(f"descentlab: warning: {message}", file=sys.stderr if file is None else file)


def _run(args):
    try:
        return args.run(args)
    except DivergenceError as exc:
        print(f"descentlab: error: {exc}", file=sys.stderr)
        return 1
    except DescentlabError as exc:
        print(f"descentlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("descentlab: interrupted", file=sys.stderr)
        return 130
