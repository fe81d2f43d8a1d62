"""``descentlab report``: the whole story in one self-contained HTML file."""

from descentlab.cli._options import (
    add_caps,
    add_out,
    add_source,
    add_training_options,
    choice_list,
    load_result,
    rate_list,
)
from descentlab.lessons import NETWORK_STUDIES


def add_parser(sub):
    p = sub.add_parser("report", help="write one self-contained HTML report",
                       description="Write an HTML page with every figure embedded: the data, "
                       "the training animation with an epoch slider, the cost against m, the "
                       "loss surface, a learning-rate study and the metrics; with --with, the "
                       "network studies too. It works offline. Writes report.html into --out.")
    add_source(p)
    add_training_options(p)
    add_out(p, "report.html")
    p.add_argument("--rates", type=rate_list, default=None,
                   help="learning rates of the study, comma-separated (default: 0.01, 0.5, "
                   "0.98 and 1.1 times the stability bound)")
    p.add_argument("--with", dest="networks", metavar="STUDIES", default=[],
                   type=choice_list(NETWORK_STUDIES),
                   help="add network studies, run with their default settings, comma-separated: "
                   f"{','.join(NETWORK_STUDIES)} (the linear collapse, nonlinear activations, "
                   "logistic regression with its boundary as a playable animation)")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.cli._outputs import check_folder, finish, histories_of, recording
    from descentlab.files.interrupts import stopping
    from descentlab.lessons import run_network_studies
    from descentlab.lessons.lr_study import tutorial_study
    from descentlab.outputs.manifest import MANIFEST
    from descentlab.outputs.report import write_report

    planned = ["report.html", MANIFEST]
    check_folder(args.out, planned, inputs=[args.history] if args.history else [])
    result = load_result(args)
    study = tutorial_study(result, args.rates)
    skipped = stopping() and args.networks  # Ctrl-C stopped the tutorial: no part starts after it
    networks = [] if skipped else run_network_studies(args.networks)
    trained_now = [] if args.history is not None else [result.history]  # see animate
    histories = [*trained_now, *(run.history for run in study.runs)]
    histories += [h for n in networks for h in histories_of(n)]
    with recording(args, planned, histories) as record:
        path = write_report(result, record.folder / "report.html", study=study,
                                   networks=networks, max_frames=args.max_frames,
                                   max_points=args.max_points, record=record)
    extra = f"; with {', '.join(args.networks)}" if networks else ""
    if skipped:
        extra += f"; without {', '.join(args.networks)}, not started after Ctrl-C"
    if result.history.interrupted_note():
        extra += f"; the run was {result.history.interrupted_note()}"
    print(f"Report: {path} (largest stable learning rate, above which each step overshoots: "
          f"2 / lambda_max = {study.bound:.4g}{extra})")
    return finish(record, histories)
