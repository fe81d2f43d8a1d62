"""``descentlab tutorial``: the article's run, reproducible, with its figures and metrics."""

from descentlab.cli._options import add_caps, add_out, add_training_options, config_from_args
from descentlab.lessons.article import run_tutorial


def add_parser(sub):
    p = sub.add_parser("tutorial", help="run the article's linear regression end to end",
                       description="Train the article's linear regression by gradient descent, "
                       "print its progress and metrics, and write figures, history.json and "
                       "metrics.json.")
    add_training_options(p, log_every=True)
    add_out(p)
    p.add_argument("--animate", action="store_true",
                   help="also write training.gif (and training.mp4 when ffmpeg is found) to --out")
    p.add_argument("--report", metavar="FILE", default=None,
                   help="also write a self-contained HTML report to FILE")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.files import ensure_writable_dir
    from descentlab.outputs.lessons import save_tutorial
    from descentlab.outputs.media import write_animation
    from descentlab.outputs.report import check_output_file, write_report

    config = config_from_args(args)
    ensure_writable_dir(args.out)
    if args.report is not None:
        check_output_file(args.report, (".html", ".htm"))
    result = run_tutorial(config, log=print)
    for line in result.summary_lines():
        print(line)
    written = save_tutorial(result, args.out)
    print(f"Wrote {len(written)} files to {args.out}/")
    caps = {"max_frames": args.max_frames, "max_points": args.max_points}
    if args.animate:
        files, notes = write_animation(result, args.out, **caps)
        print(f"Animation ({'; '.join(notes)}): " + ", ".join(str(f) for f in files))
    if args.report is not None:
        path, _ = write_report(result, args.report, **caps)
        print(f"Report: {path}")
    return 0
