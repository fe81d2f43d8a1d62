"""``descentlab collapse``: the article's two-layer linear network is one linear equation."""

from descentlab.lessons.collapse import BIAS_FORMS, CollapseConfig, run_collapse, save_collapse, summary_lines
from descentlab.core.layers import INITS
from descentlab.cli._options import add_study_options, run_study


def add_parser(sub):
    d = CollapseConfig()
    p = sub.add_parser("collapse", help="train the article's two-layer linear network and collapse it",
                       description="Train the article's two-layer network with linear activations "
                       "on the article's data, print its weight matrices, the single line W1 W2 "
                       "they make and how it compares with least squares, and draw the fits.")
    add_study_options(p, d)
    p.add_argument("--hidden", type=int, default=d.hidden, help=f"neurons in the first layer (default {d.hidden})")
    p.add_argument("--bias", choices=BIAS_FORMS, default=d.bias,
                   help="x0: inputs [x, 1] and no biases, as the article; layers: a bias per layer "
                   f"(default {d.bias})")
    p.add_argument("--init", choices=list(INITS), default=d.init, help=f"initialisation (default {d.init})")
    p.set_defaults(run=run)
    return p


def run(args):
    run_study(args, CollapseConfig, run_collapse, summary_lines, save_collapse)
    return 0
