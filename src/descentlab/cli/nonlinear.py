"""``descentlab nonlinear``: hidden tanh, ReLU or sigmoid units against linear models."""

from descentlab.data.synthetic import NONLINEAR_SETS
from descentlab.lessons.nonlinear import (HIDDEN_ACTIVATIONS, NonlinearConfig, run_nonlinear, save_nonlinear,
                         summary_lines)
from descentlab.cli._options import add_study_options, run_study


def add_parser(sub):
    d = NonlinearConfig()
    p = sub.add_parser("nonlinear", help="why hidden layers need nonlinear activations",
                       description="Fit a curve (a sine or |x|) with linear regression, the "
                       "article's linear network and networks with nonlinear hidden units; "
                       "print the losses against least squares and draw the fits and loss curves.")
    add_study_options(p, d)
    p.add_argument("--data", choices=list(NONLINEAR_SETS), default=d.data, help=f"the curve (default {d.data})")
    p.add_argument("--activation", default=d.activation,
                   help=f"hidden units: {', '.join(HIDDEN_ACTIVATIONS)} (default {d.activation})")
    p.add_argument("--hidden", type=int, nargs="+", default=list(d.hidden),
                   help="hidden sizes, one network each (default 2 16)")
    p.add_argument("--samples", type=int, default=d.samples, help=f"data points (default {d.samples})")
    p.add_argument("--noise", type=float, default=d.noise, help=f"noise std (default {d.noise:g})")
    p.set_defaults(run=run)
    return p


def run(args):
    run_study(args, NonlinearConfig, run_nonlinear, summary_lines, save_nonlinear)
    return 0
