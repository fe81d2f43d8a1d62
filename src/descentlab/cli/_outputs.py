"""What the folder commands share: the :class:`~descentlab.outputs.run_folder.Command` a
run records in its folder's manifest, and the exit code of the run it hands back."""

import argparse
import sys

from descentlab.outputs.run_folder import Command, RunFiles


def settings_of(args: argparse.Namespace) -> dict[str, object]:
    """The parsed options as JSON-friendly settings (for the manifest).

    >>> settings_of(argparse.Namespace(epochs=3, rates=[0.1, 0.5], run=print))
    {'epochs': 3, 'rates': [0.1, 0.5]}
    """
    return {k: v for k, v in vars(args).items()
            if k not in ("run", "argv") and isinstance(v, (str, int, float, bool, list, tuple, type(None)))}


def command_of(args: argparse.Namespace, out: str | None = None) -> Command:
    """The command writing into ``--out`` (or ``out``): its name, settings and command line.

    >>> command_of(argparse.Namespace(command="lr-study", epochs=3, out="study"))
    Command(name='lr-study', out='study', settings={'command': 'lr-study', 'epochs': 3, 'out': 'study'}, argv=None)
    """
    return Command(args.command, out if out is not None else args.out, settings_of(args),
                   getattr(args, "argv", None))


def finish(run: RunFiles) -> int:
    """0, or 130 with one line on stderr when training was interrupted (files are kept).

    >>> import contextlib
    >>> from pathlib import Path
    >>> from descentlab.core.history import History
    >>> finish(RunFiles(Path("out/history.json"), [History(loss=[1.0], status="completed")]))
    0
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     finish(RunFiles(Path("out/history.json"), [History(loss=[1.0, 0.5], status="interrupted")], budget=61))
    descentlab: interrupted after 2 of 61 epochs; kept out/history.json
    130
    """
    line = run.interrupted_line()
    if line is None:
        return 0
    print(f"descentlab: {line}", file=sys.stderr)
    return 130
