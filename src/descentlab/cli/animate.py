"""``descentlab animate``: the training animation, from a saved history or a run made now."""

import argparse

from descentlab.cli._options import add_caps, add_out, add_source, add_training_options, config_from_args


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab animate`` to ``sub``: where the run comes from, ``--fps`` and the MP4 switch.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--history", "run/history.json", "--no-mp4", "--fps", "5"])
    >>> args.history, args.mp4, args.fps
    ('run/history.json', False, 5)
    """
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
    """Draw the animation (:func:`descentlab.outputs.runs.animate`); the exit code.

    Drawing frames (and ffmpeg's MP4) takes a while, so here is its cheapest real
    behaviour: a frame rate out of range is refused before anything is trained.

    >>> from descentlab.cli import build_parser
    >>> run(build_parser().parse_args(["animate", "--fps", "0"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: --fps 0 must be between 1 and 100: try 10
    """
    from descentlab.cli._outputs import command_of, finish
    from descentlab.outputs import runs

    config = None if args.history is not None else config_from_args(args)  # --history: no training
    return finish(runs.animate(config, command_of(args), history=args.history, mp4=args.mp4, fps=args.fps,
                               max_frames=args.max_frames, max_points=args.max_points, say=print))
