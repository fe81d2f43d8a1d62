"""``descentlab collapse``: the article's two-layer linear network is one linear equation."""

from descentlab.cli._options import add_lesson_options, run_lesson
from descentlab.lessons.collapse import CollapseConfig, run_collapse


def add_parser(sub):
    p = sub.add_parser("collapse", help="train the article's two-layer linear network and collapse it",
                       description="Train the article's two-layer network with linear activations "
                       "on the article's data, print its weight matrices, the single line W1 W2 "
                       "they make and how it compares with least squares, and draw the fits.")
    add_lesson_options(p, CollapseConfig)
    p.set_defaults(run=run)
    return p


def run(args):
    return run_lesson(args, CollapseConfig, run_collapse)
