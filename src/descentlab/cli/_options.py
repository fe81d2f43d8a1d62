"""Arguments shared by the subcommands: the run's settings, the caps, a run to draw from."""

import argparse
import math

from ..pipeline import TutorialConfig

_DATA = ("samples", "features", "noise", "test_size", "seed", "data_seed")


def add_training_options(p, log_every=False):
    """``--lr``, ``--epochs``, the data options and, if asked, ``--log-every``."""
    d = TutorialConfig()
    p.add_argument("--lr", type=float, default=d.lr, help=f"learning rate (default {d.lr})")
    p.add_argument("--epochs", type=int, default=d.epochs, help=f"epochs (default {d.epochs})")
    add_data_options(p)
    if log_every:
        p.add_argument("--log-every", type=int, default=d.log_every,
                       help=f"print and draw every N epochs (default {d.log_every})")


def add_data_options(p):
    """The data set and its split: ``--samples`` ... ``--data-seed``."""
    d = TutorialConfig()
    p.add_argument("--samples", type=int, default=d.samples, help=f"data points (default {d.samples})")
    p.add_argument("--features", type=int, default=d.features, help=f"features (default {d.features})")
    p.add_argument("--noise", type=float, default=d.noise, help=f"noise std (default {d.noise:g})")
    p.add_argument("--test-size", type=float, default=d.test_size,
                   help=f"test fraction (default {d.test_size})")
    p.add_argument("--seed", type=int, default=d.seed,
                   help=f"seed of the split and the initialisation (default {d.seed})")
    p.add_argument("--data-seed", type=int, default=d.data_seed,
                   help=f"random_state of make_regression (default {d.data_seed})")


def config_from_args(args):
    """A :class:`TutorialConfig` from whichever of its options the command has."""
    names = set(TutorialConfig.__dataclass_fields__)
    return TutorialConfig(**{k: v for k, v in vars(args).items() if k in names})


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def add_caps(p):
    """``--max-frames`` and ``--max-points``: what keeps large runs drawable."""
    p.add_argument("--max-frames", type=positive_int, default=None,
                   help="at most this many animation frames, evenly spaced epochs (default 100)")
    p.add_argument("--max-points", type=positive_int, default=None,
                   help="draw at most this many data points, a random sample (default 2000)")


def add_source(p):
    """``--history``: draw from a saved run instead of training one on the spot."""
    p.add_argument("--history", metavar="FILE", default=None,
                   help="a history.json written by 'descentlab tutorial' (default: train "
                   "with the options below on the spot)")


def load_result(args):
    """The run to draw from: rebuilt from ``--history``, else trained now."""
    from ..history import load_history
    from ..pipeline import result_from_history, run_tutorial

    if args.history is not None:
        return result_from_history(load_history(args.history))
    return run_tutorial(config_from_args(args), log=None)


def rate_list(text):
    """``"0.01,0.5,1.8"`` -> ``[0.01, 0.5, 1.8]``; each must be a positive number."""
    rates = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} in {text!r} is not a number: give rates such as 0.01,0.5,1.8") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"learning rate {part.strip()} must be a positive number")
        rates.append(value)
    return rates
