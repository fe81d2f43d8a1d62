"""``descentlab tutorial``: the article's run, reproducible, with its figures and metrics."""

import argparse

from descentlab.cli._options import (
    add_caps,
    add_out,
    add_training_options,
    config_from_args,
)


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab tutorial`` to ``sub``: the training options, ``--out``, the extras, the caps.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--epochs", "5", "--report"])
    >>> p.prog, args.epochs, args.report, args.out
    ('descentlab tutorial', 5, True, 'descentlab-out')
    """
    p = sub.add_parser("tutorial", help="run the article's linear regression end to end",
                       description="Train the article's linear regression by gradient descent, "
                       "print its progress and metrics, and write figures, history.json and "
                       "metrics.json.")
    add_training_options(p, log_every=True)
    add_out(p, "its figures, history.json and metrics.json")
    p.add_argument("--animate", action="store_true",
                   help="also write training.gif (and training.mp4 when ffmpeg is found) to --out")
    p.add_argument("--report", action="store_true",
                   help="also write tutorial_report.html, a self-contained HTML report, to --out")
    p.add_argument("--vs-article", action="store_true",
                   help="also print the article's published numbers beside this run's, each gap "
                        "with its reason, and write mape.png (which test targets drive the MAPE)")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Train, say and write the tutorial (:func:`descentlab.outputs.runs.tutorial`); the exit code.

    A run draws several figures (about a second), so here is its cheapest real behaviour:
    bad settings are refused in one line before anything is trained or written.

    >>> from descentlab.cli import build_parser
    >>> run(build_parser().parse_args(["tutorial", "--lr", "-1"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: learning rate -1.0 must be a positive number: try 0.05
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    written = runs.tutorial(config_from_args(args), command_of(args), animate=args.animate,
                            report=args.report, vs_article=args.vs_article,
                            max_frames=args.max_frames, max_points=args.max_points, say=print)
    return finish(written)
