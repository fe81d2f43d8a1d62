"""``descentlab tutorial``: the article's run, reproducible, with its figures and metrics."""

from descentlab.cli._options import add_caps, add_out, add_training_options, config_from_args
from descentlab.lessons.article import run_tutorial

#: The tutorial's report: a name of its own, so ``descentlab report`` (report.html) never
#: replaces it with a page of another run.
REPORT = "tutorial_report.html"


def add_parser(sub):
    p = sub.add_parser("tutorial", help="run the article's linear regression end to end",
                       description="Train the article's linear regression by gradient descent, "
                       "print its progress and metrics, and write figures, history.json and "
                       "metrics.json.")
    add_training_options(p, log_every=True)
    add_out(p, "its figures, history.json and metrics.json")
    p.add_argument("--animate", action="store_true",
                   help="also write training.gif (and training.mp4 when ffmpeg is found) to --out")
    p.add_argument("--report", action="store_true",
                   help="also write tutorial_report.html, a self-contained HTML report, to --out")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.cli._options import _say_if_large
    from descentlab.cli._outputs import check_folder, finish, recording
    from descentlab.lessons.lr_study import tutorial_study
    from descentlab.outputs.lessons import lesson_files, save_tutorial
    from descentlab.outputs.media import animation_files, write_animation
    from descentlab.outputs.report import write_report
    from descentlab.viz.sampling import MAX_FIGURES, drawn_epochs, logged_count

    config = config_from_args(args)
    planned = lesson_files("tutorial", config)
    if args.animate:
        planned += animation_files("training")[:-1]
    if args.report:
        planned.append(REPORT)
    check_folder(args.out, planned)
    _say_if_large(config)
    result = run_tutorial(config, log=print)
    for line in result.summary_lines():
        print(line)
    h = result.history
    caps = {"max_frames": args.max_frames, "max_points": args.max_points}
    with recording(args, planned, [h]) as record:
        written = save_tutorial(result, args.out, record)
        print(f"Wrote {len(written)} files to {args.out}/")
        logged = logged_count(h.n_epochs, config.log_every)
        drawn = len(drawn_epochs(h.n_epochs, config.log_every))
        if drawn < logged:
            print(f"Drew {drawn} of the {logged} logged epochs as figures, evenly spaced "
                  f"(at most {MAX_FIGURES}; the animation and history.json have every epoch)")
        if args.animate:
            files, notes = write_animation(result, args.out, record=record, **caps)
            print(f"Animation ({'; '.join(notes)}): " + ", ".join(str(f) for f in files))
        if args.report:
            path = write_report(result, record.folder / REPORT, study=tutorial_study(result), record=record,
                                **caps)
            print(f"Report: {path}")
    return finish(record, [h], budget=config.epochs)
