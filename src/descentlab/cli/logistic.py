"""``descentlab logistic``: logistic regression on two blobs, the boundary as it moves."""

import argparse

from descentlab.cli._options import add_caps, add_lesson_options, config_from_args
from descentlab.lessons.logistic import LogisticConfig, run_logistic


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab logistic`` to ``sub``: the lesson's settings, ``--out``, ``--animate``, the caps.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--samples", "50", "--animate"])
    >>> args.samples, args.animate, args.lr
    (50, True, 0.5)
    """
    p = sub.add_parser("logistic", help="logistic regression on two overlapping Gaussian blobs",
                       description="Train logistic regression (sigmoid and binary cross-entropy) "
                       "by gradient descent on two overlapping Gaussian blobs; print the loss, "
                       "the accuracy and scikit-learn's answer, and draw the decision boundary "
                       "at several epochs (and, with --animate, moving over training).")
    add_lesson_options(p, LogisticConfig)
    p.add_argument("--animate", action="store_true",
                   help="also write logistic.gif (and logistic.mp4 when ffmpeg is found): the "
                   "boundary moving epoch by epoch beside the loss")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Train the logistic regression, say how it did, draw its boundary; the exit code.

    Its figure draws the boundary at several epochs (most of a second), so here is its
    cheapest real behaviour: bad settings are refused before anything is trained.

    >>> from descentlab.cli import build_parser
    >>> run(build_parser().parse_args(["logistic", "--epochs", "0"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: epochs 0 must be a whole number of at least 1: try 200
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lesson(config_from_args(args, LogisticConfig), run_logistic, command_of(args),
                              animate=args.animate, max_frames=args.max_frames,
                              max_points=args.max_points, say=print))
