"""``descentlab logistic``: logistic regression on two blobs, the boundary as it moves."""

from ..logistic import LogisticConfig, run_logistic, save_logistic, summary_lines
from .common import add_training_args, run_study


def add_parser(sub):
    d = LogisticConfig()
    p = sub.add_parser("logistic", help="logistic regression on two overlapping Gaussian blobs",
                       description="Train logistic regression (sigmoid and binary cross-entropy) "
                       "by gradient descent on two overlapping Gaussian blobs; print the loss, "
                       "the accuracy and scikit-learn's answer, and draw the decision boundary "
                       "at several epochs.")
    add_training_args(p, d, "descentlab-out")
    p.add_argument("--samples", type=int, default=d.samples, help=f"data points (default {d.samples})")
    p.add_argument("--cluster-std", type=float, default=d.cluster_std,
                   help=f"spread of each blob (default {d.cluster_std:g})")
    p.add_argument("--test-size", type=float, default=d.test_size,
                   help=f"test fraction (default {d.test_size})")
    p.add_argument("--snapshots", type=int, default=d.snapshots,
                   help=f"epochs drawn in the boundary figure (default {d.snapshots})")
    p.set_defaults(run=run)
    return p


def run(args):
    return run_study(args, LogisticConfig, run_logistic, summary_lines, save_logistic)
