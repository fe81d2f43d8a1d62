"""``descentlab animate``: the training animation, from a saved history or a run made now."""

from descentlab.cli._options import add_caps, add_out, add_source, add_training_options, load_result


def add_parser(sub):
    p = sub.add_parser("animate", help="animate training epoch by epoch (GIF, and MP4 with ffmpeg)",
                       description="Draw the fitted line over the data beside the growing loss "
                       "curve, one frame per epoch, from --history or from a run trained now. "
                       "Writes training.gif (Pillow) and training.mp4 (when ffmpeg is found).")
    add_source(p)
    add_training_options(p)
    add_out(p, "the GIF and MP4")
    p.add_argument("--fps", type=int, default=10, help="frames per second (default 10)")
    mp4 = p.add_mutually_exclusive_group()
    mp4.add_argument("--mp4", dest="mp4", action="store_const", const=True, default=None,
                     help="require the MP4 (fail if ffmpeg is missing)")
    mp4.add_argument("--no-mp4", dest="mp4", action="store_const", const=False, help="GIF only")
    add_caps(p)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.errors import DescentlabError
    from descentlab.files import ensure_writable_dir
    from descentlab.outputs.media import write_animation

    if not 1 <= args.fps <= 100:
        raise DescentlabError(f"--fps {args.fps} must be between 1 and 100: try 10")
    ensure_writable_dir(args.out)
    result = load_result(args)
    files, notes = write_animation(result, args.out, mp4=args.mp4, max_frames=args.max_frames,
                                   max_points=args.max_points, fps=args.fps)
    if result.history.interrupted_note():
        notes.append(f"the run was {result.history.interrupted_note()}")
    print(f"Animation of {'; '.join(notes)}:")
    for f in files:
        print(f"  {f}")
    return 0
