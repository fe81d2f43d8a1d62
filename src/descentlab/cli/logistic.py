"""``descentlab logistic``: logistic regression on two blobs, the boundary as it moves."""

import argparse

from descentlab.cli._options import add_caps, add_lesson_options, config_from_args
from descentlab.lessons.logistic import LogisticConfig, run_logistic


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
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
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    return finish(runs.lesson(config_from_args(args, LogisticConfig), run_logistic, command_of(args),
                              animate=args.animate, max_frames=args.max_frames,
                              max_points=args.max_points, say=print))
