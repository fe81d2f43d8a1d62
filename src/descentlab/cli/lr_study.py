"""``descentlab lr-study``: one problem, several learning rates, against the stability bound."""

from descentlab.cli._options import add_config_options, add_out, config_from_args, say_if_large_run
from descentlab.lessons.lr_study import DEFAULT_FRACTIONS, LRStudyConfig, run_lr_study


def add_parser(sub):
    p = sub.add_parser("lr-study", help="train with several learning rates and compare",
                       description="Train the article's linear regression from the same start "
                       "with several learning rates, print the stability bound 2 / lambda_max "
                       "and where each rate falls against it, and draw every loss curve on one "
                       "log-scale plot (lr_study.png).")
    add_config_options(p, LRStudyConfig)
    add_out(p, "lr_study.png")
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.cli._outputs import check_folder, finish, recording
    from descentlab.outputs.manifest import MANIFEST
    from descentlab.viz.lr_study import lr_study_figure

    config = config_from_args(args, LRStudyConfig)
    planned = ["lr_study.png", MANIFEST]
    check_folder(args.out, planned)
    rates = len(config.rates) if config.rates else len(DEFAULT_FRACTIONS) + 1  # + the article's
    say_if_large_run(config.epochs, rates * (config.features + 3))
    study = run_lr_study(config)
    for line in study.summary_lines():
        print(line)
    histories = [run.history for run in study.runs]
    with recording(args, planned, histories) as record:
        path = record.save_figure(lr_study_figure(study), "lr_study.png")
    print(f"Wrote {path}")
    return finish(record, histories)
