"""``descentlab lr-study``: one problem, several learning rates, against the stability bound."""

from descentlab.cli._options import add_data_options, add_out, config_from_args, rate_list


def add_parser(sub):
    p = sub.add_parser("lr-study", help="train with several learning rates and compare",
                       description="Train the article's linear regression from the same start "
                       "with several learning rates, print the stability bound 2 / lambda_max "
                       "and where each rate falls against it, and draw every loss curve on one "
                       "log-scale plot (lr_study.png).")
    p.add_argument("--rates", type=rate_list, default=None,
                   help="comma-separated learning rates (default: 0.01, 0.5, 0.98 and 1.1 "
                   "times the stability bound)")
    p.add_argument("--epochs", type=int, default=61, help="epochs per rate (default 61)")
    add_data_options(p)
    add_out(p, "lr_study.png")
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.files import ensure_writable_dir, save_figure
    from descentlab.lessons.article import prepare_data
    from descentlab.lessons.lr_study import lr_study, study_lines
    from descentlab.viz.lr_study import lr_study_figure

    config = config_from_args(args)
    out = ensure_writable_dir(args.out)
    _, X_train, _, y_train, _ = prepare_data(config)
    study = lr_study(X_train, y_train, args.rates, epochs=config.epochs, seed=config.seed)
    for line in study_lines(study):
        print(line)
    path = save_figure(lr_study_figure(study), out / "lr_study.png")
    print(f"Wrote {path}")
    return 0
