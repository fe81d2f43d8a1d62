"""Arguments and flows shared by the subcommands: the training options (with defaults
from each command's config dataclass), the output folder, the caps, a run to draw from,
and the study commands' run -> print -> save."""

import argparse
import math
from dataclasses import fields

from descentlab.lessons.article import TutorialConfig


def add_lr_epochs(p, defaults):
    """``--lr`` and ``--epochs``, their defaults from the config ``defaults``."""
    p.add_argument("--lr", type=float, default=defaults.lr, help=f"learning rate (default {defaults.lr:g})")
    p.add_argument("--epochs", type=int, default=defaults.epochs, help=f"epochs (default {defaults.epochs})")


def add_out(p, what="figures and JSON"):
    """``--out``: the output folder."""
    p.add_argument("--out", default="descentlab-out",
                   help=f"output folder for {what} (default descentlab-out)")


def add_training_options(p, log_every=False):
    """The tutorial's ``--lr``, ``--epochs``, data options and, if asked, ``--log-every``."""
    d = TutorialConfig()
    add_lr_epochs(p, d)
    add_data_options(p)
    if log_every:
        p.add_argument("--log-every", type=int, default=d.log_every,
                       help=f"print and draw every N epochs (default {d.log_every})")


def add_data_options(p):
    """The tutorial's data set and its split: ``--samples`` ... ``--data-seed``."""
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


def add_study_options(p, defaults):
    """A study's ``--lr``, ``--epochs``, ``--seed`` (defaults from its config) and ``--out``."""
    add_lr_epochs(p, defaults)
    p.add_argument("--seed", type=int, default=defaults.seed, help=f"seed (default {defaults.seed})")
    add_out(p, "the figure and JSON")


def config_from_args(args, config_class=TutorialConfig):
    """The config dataclass built from the parsed arguments with the same names."""
    values = vars(args)
    return config_class(**{f.name: values[f.name] for f in fields(config_class) if f.name in values})


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
    from descentlab.core.history import load_history
    from descentlab.lessons.article import result_from_history, run_tutorial

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


def choice_list(choices):
    """An argparse type: ``"a,c"`` -> ``["a", "c"]``, each one of ``choices``, in their order."""
    def parse(text):
        names = [part.strip() for part in text.split(",")]
        unknown = [n for n in names if n not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown[0]!r} in {text!r}: choose from "
                                             f"{','.join(choices)}")
        return [c for c in choices if c in names]
    return parse


def run_study(args, config_class, run, summary_lines, save):
    """Check the output folder, run the study, print its lines, write its files.

    Returns
    -------
    The study's result, for what the command does next (an animation, ...).
    """
    from descentlab.files import ensure_writable_dir

    config = config_from_args(args, config_class)
    ensure_writable_dir(args.out)
    result = run(config)
    for line in summary_lines(result):
        print(line)
    written = save(result, args.out)
    print(f"Wrote {', '.join(path.name for path in written)} to {args.out}/")
    return result
