"""``descentlab tutorial``: the article's run, reproducible, with its figures and metrics."""

from ..pipeline import TutorialConfig, run_tutorial, save_tutorial, summary_lines


def add_parser(sub):
    d = TutorialConfig()
    p = sub.add_parser("tutorial", help="run the article's linear regression end to end",
                       description="Train the article's linear regression by gradient descent, "
                       "print its progress and metrics, and write figures, history.json and "
                       "metrics.json.")
    p.add_argument("--lr", type=float, default=d.lr, help=f"learning rate (default {d.lr})")
    p.add_argument("--epochs", type=int, default=d.epochs, help=f"epochs (default {d.epochs})")
    p.add_argument("--samples", type=int, default=d.samples, help=f"data points (default {d.samples})")
    p.add_argument("--features", type=int, default=d.features, help=f"features (default {d.features})")
    p.add_argument("--noise", type=float, default=d.noise, help=f"noise std (default {d.noise:g})")
    p.add_argument("--test-size", type=float, default=d.test_size,
                   help=f"test fraction (default {d.test_size})")
    p.add_argument("--seed", type=int, default=d.seed,
                   help=f"seed of the split and the initialisation (default {d.seed})")
    p.add_argument("--data-seed", type=int, default=d.data_seed,
                   help=f"random_state of make_regression (default {d.data_seed})")
    p.add_argument("--log-every", type=int, default=d.log_every,
                   help=f"print and draw every N epochs (default {d.log_every})")
    p.add_argument("--out", default="descentlab-out",
                   help="output folder for figures and JSON (default descentlab-out)")
    p.set_defaults(run=run)
    return p


def run(args):
    from ..fileio import ensure_writable_dir

    config = TutorialConfig(lr=args.lr, epochs=args.epochs, samples=args.samples,
                            features=args.features, noise=args.noise, test_size=args.test_size,
                            seed=args.seed, data_seed=args.data_seed, log_every=args.log_every)
    ensure_writable_dir(args.out)
    result = run_tutorial(config, log=print)
    for line in summary_lines(result):
        print(line)
    written = save_tutorial(result, args.out)
    print(f"Wrote {len(written)} files to {args.out}/")
    return 0
