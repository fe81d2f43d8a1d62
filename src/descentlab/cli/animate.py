"""``descentlab animate``: the training animation, from a saved history or a run made now."""

from descentlab.cli._options import add_caps, add_out, add_source, add_training_options, load_result


def add_parser(sub):
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


def run(args):
    from descentlab.cli._outputs import check_folder, finish, recording
    from descentlab.errors import DescentlabError
    from descentlab.outputs.media import animation_files, check_mp4, write_animation

    if not 1 <= args.fps <= 100:
        raise DescentlabError(f"--fps {args.fps} must be between 1 and 100: try 10")
    check_mp4(args.mp4)
    planned = animation_files("animate", args.mp4)
    check_folder(args.out, planned, inputs=[args.history] if args.history else [])
    result = load_result(args)
    with recording(args, planned, [result.history]) as record:
        files, notes = write_animation(result, args.out, mp4=args.mp4, max_frames=args.max_frames,
                                       max_points=args.max_points, fps=args.fps, record=record,
                                       stem="animate")
        if result.history.interrupted_note():
            notes.append(f"the run was {result.history.interrupted_note()}")
        print(f"Animation of {'; '.join(notes)}:")
        for f in files:
            print(f"  {f}")
    # a history drawn from a file was interrupted then, not now: only a run trained now counts
    trained_now = [] if args.history is not None else [result.history]
    return finish(record, trained_now, budget=result.config.epochs)
