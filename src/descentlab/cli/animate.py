"""``descentlab animate``: the training animation, from a saved history or a run made now."""

import argparse

from descentlab.cli._options import add_caps, add_out, add_source, add_training_options, config_from_args


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    p = sub.add_parser("animate", help="animate training epoch by epoch (GIF, and MP4 with ffmpeg)",
                       description="Draw the fitted line over the data beside the growing loss "
                       "curve, one frame per epoch, from --history or from a run trained now. "
                       "Writes animate.gif (Pillow) and animate.mp4 (when ffmpeg is found), "
                       "names of its own: the tutorial's training.gif is left alone.")
    add_source(p)
    add_training_options(p)
    add_out(p, "animate.gif (and animate.mp4)")
    p.add_argument("--fps", type=int, default=10, help="frames per second (default 10)")
    mp4 = p.add_mutually_exclusive_group()
    mp4.add_argument("--mp4", dest="mp4", action="store_const", const=True, default=None,
                     help="require the MP4 (fail if ffmpeg is missing)")
    mp4.add_argument("--no-mp4", dest="mp4", action="store_const", const=False, help="GIF only")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    config = None if args.history is not None else config_from_args(args)  # --history: no training
    return finish(runs.animate(config, command_of(args), history=args.history, mp4=args.mp4, fps=args.fps,
                               max_frames=args.max_frames, max_points=args.max_points, say=print))
