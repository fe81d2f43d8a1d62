"""``descentlab logistic``: logistic regression on two blobs, the boundary as it moves."""

from descentlab.cli._options import add_caps, add_lesson_options, run_lesson
from descentlab.lessons.logistic import LogisticConfig, run_logistic


def add_parser(sub):
    p = sub.add_parser("logistic", help="logistic regression on two overlapping Gaussian blobs",
                       description="Train logistic regression (sigmoid and binary cross-entropy) "
                       "by gradient descent on two overlapping Gaussian blobs; print the loss, "
                       "the accuracy and scikit-learn's answer, and draw the decision boundary "
                       "at several epochs (and, with --animate, moving over training).")
    add_lesson_options(p, LogisticConfig)
    p.add_argument("--animate", action="store_true",
                   help="also write logistic.gif (and logistic.mp4 when ffmpeg is found): the "
                   "boundary moving epoch by epoch beside the loss")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.outputs.media import animation_files, write_boundary_animation

    def animate(result, record):
        files, notes = write_boundary_animation(result, args.out, max_frames=args.max_frames,
                                                max_points=args.max_points, record=record)
        print(f"Animation ({'; '.join(notes)}): " + ", ".join(str(f) for f in files))

    if not args.animate:
        return run_lesson(args, LogisticConfig, run_logistic)
    return run_lesson(args, LogisticConfig, run_logistic, then=animate,
                      also=animation_files("logistic")[:-1])
