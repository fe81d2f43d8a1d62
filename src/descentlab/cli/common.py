"""What the study commands share: the training options and the run -> print -> save flow."""

from dataclasses import fields


def add_training_args(p, defaults, out):
    """``--lr``, ``--epochs``, ``--seed`` (defaults from a config) and ``--out``."""
    p.add_argument("--lr", type=float, default=defaults.lr, help=f"learning rate (default {defaults.lr:g})")
    p.add_argument("--epochs", type=int, default=defaults.epochs, help=f"epochs (default {defaults.epochs})")
    p.add_argument("--seed", type=int, default=defaults.seed, help=f"seed (default {defaults.seed})")
    p.add_argument("--out", default=out, help=f"output folder for the figure and JSON (default {out})")


def config_from_args(config_class, args):
    """The config dataclass built from the parsed arguments with the same names."""
    values = vars(args)
    return config_class(**{f.name: values[f.name] for f in fields(config_class) if f.name in values})


def run_study(args, config_class, run, summary_lines, save):
    """Check the output folder, run the study, print its lines, write its files."""
    from ..fileio import ensure_writable_dir

    config = config_from_args(config_class, args)
    ensure_writable_dir(args.out)
    result = run(config)
    for line in summary_lines(result):
        print(line)
    written = save(result, args.out)
    print(f"Wrote {', '.join(path.name for path in written)} to {args.out}/")
    return 0
