"""Options built from the declared settings, and the flows the subcommands share.

Every option of a run's config comes from its :class:`~descentlab.settings.Setting`
(type, choices, default and help), so a default or a limit is typed once, in the config.
"""

import argparse
from dataclasses import fields
from pathlib import Path

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.lessons.article import TutorialConfig
from descentlab.settings import check_rate, config_settings

_TYPES = {"int": int, "seed": int, "float": float, "fraction": float, "str": str}


def _shown(value):
    if isinstance(value, (tuple, list)):
        return " ".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def add_setting(p, name, s, default, flag=None):
    """One option from the Setting ``s`` of field ``name``, with ``default``."""
    flag = flag or s.flag or "--" + name.replace("_", "-")
    shown = s.none if default is None and s.none else _shown(default)
    help_ = f"{s.help} (default {shown})".replace("%", "%%")
    if s.kind == "bool":
        p.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction, default=default, help=help_)
    elif s.kind == "choice":  # the config checks the choice, with its one-line wording
        p.add_argument(flag, dest=name, metavar="{" + ",".join(map(str, s.choices)) + "}",
                       default=default, help=help_)
    elif s.kind == "sizes":
        p.add_argument(flag, dest=name, type=int, nargs="+", metavar="N", default=default, help=help_)
    elif s.kind == "rates":
        p.add_argument(flag, dest=name, type=rate_list, default=default, help=help_)
    elif s.kind == "weights":  # a dict of label: weight is for Python; the command line
        p.add_argument(flag, dest=name, type=_balanced, metavar="{none,balanced}",  # takes these
                       default=default, help=help_)
    else:
        convert = _TYPES[s.kind]
        p.add_argument(flag, dest=name, type=_none_or(convert) if s.none else convert,
                       default=default, help=help_)


def add_config_options(p, config_class, skip=()):
    """One option per declared setting of ``config_class`` (``--test-size`` for ``test_size``)."""
    for name, (s, default) in config_settings(config_class).items():
        if name not in skip:
            add_setting(p, name, s, default)


def add_training_options(p, log_every=False):
    """The tutorial's settings: data, split, ``--lr``, ``--epochs`` (``--log-every`` if asked)."""
    add_config_options(p, TutorialConfig, skip=() if log_every else ("log_every",))


#: Endings that name a file, not a folder: ``--out model.json`` is a mistake said in one line.
FILE_SUFFIXES = (".json", ".html", ".htm", ".csv", ".tsv", ".txt", ".gif", ".mp4", ".png",
                 ".svg", ".pdf", ".parquet", ".npy", ".pkl", ".joblib")


def add_out(p, writes="its figures and JSON", default="descentlab-out"):
    """``--out``: the output folder, in every command; ``writes`` names what goes into it.

    Each command owns its file names, so commands sharing a folder never overwrite each
    other's files (the folder's ``manifest.json`` records which command wrote what).
    """
    p.add_argument("--out", metavar="FOLDER", default=default, type=_folder(p.prog, writes),
                   help=f"the folder to write {writes} into (created if missing; default "
                   + (f"{default})" if default else "none: print to standard output)"))


def _folder(prog, writes):
    """An argparse type: a folder path; one that ends like a file is refused in one line."""
    command = prog.removeprefix("descentlab ")

    def folder(text):
        path = Path(text)
        if path.suffix.lower() in FILE_SUFFIXES and not path.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text!r} looks like a file, but --out is a folder: {command} writes {writes} "
                f"into it; give a folder such as --out {path.parent}")
        return text
    folder.__name__ = "folder"
    return folder


def config_from_args(args, config_class=TutorialConfig):
    """The config dataclass built from the parsed arguments with the same names."""
    values = vars(args)
    return config_class(**{f.name: values[f.name] for f in fields(config_class) if f.name in values})


def _none_or(convert):
    def parse(text):
        return None if text.lower() == "none" else convert(text)
    parse.__name__ = convert.__name__
    return parse


def _balanced(text):
    """``"balanced"`` or ``"none"`` (None): the class weights a command line can give."""
    if text.lower() == "none":
        return None
    if text.lower() != "balanced":
        raise argparse.ArgumentTypeError(f"{text!r} is not none or balanced: give balanced to "
                                         "weigh each class by N / (n_classes N_c)")
    return "balanced"


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def add_caps(p):
    """``--max-frames`` and ``--max-points``: what keeps large runs drawable."""
    p.add_argument("--max-frames", type=positive_int, default=None,
                   help="at most this many animation frames, evenly spaced epochs (default 100)")
    p.add_argument("--max-points", type=positive_int, default=None,
                   help="draw at most this many data points, a random sample (default 2000)")


def add_source(p):
    """``--history``: draw from a saved run instead of training one on the spot."""
    p.add_argument("--history", metavar="FILE", default=None,
                   help="a history.json written by 'descentlab tutorial' (default: train "
                   "with the options below on the spot)")


def load_result(args):
    """The run to draw from: rebuilt from ``--history``, else trained now."""
    from descentlab.core.history import load_history
    from descentlab.lessons.article import result_from_history, run_tutorial

    if args.history is not None:
        history = load_history(args.history)
        try:
            with np.errstate(over="raise", invalid="raise"):
                return result_from_history(history)
        except (ArithmeticError, ValueError) as exc:
            if isinstance(exc, DescentlabError):
                raise
            raise DescentlabError(f"cannot draw history {args.history!r}: its values are too large to "
                                  "compute with (the fitted line is beyond a float's range): pass a "
                                  "history.json written by descentlab from finite data") from None
    config = config_from_args(args)
    _say_if_large(config)
    return run_tutorial(config, log=None)


def _say_if_large(config):
    """One warning line before a run that records enormous output."""
    import warnings

    from descentlab.outputs.lessons import size_note

    note = size_note(config)
    if note is not None:
        warnings.warn(note, stacklevel=2)


#: A run past this many bytes of history (memory, JSON) or this many epochs is said to be large.
_LARGE_BYTES, _LARGE_EPOCHS = 100_000_000, 10_000_000


def say_if_large_run(epochs, numbers_per_epoch=2):
    """One warning line before any run whose per-epoch record will be enormous (the same
    promise :func:`_say_if_large` gives the tutorial): ``numbers_per_epoch`` recorded per
    epoch, about 29 bytes each in memory and JSON, plus a list entry's overhead."""
    import warnings

    size = epochs * (29 * numbers_per_epoch + 64)
    if size < _LARGE_BYTES and epochs < _LARGE_EPOCHS:
        return
    warnings.warn(f"--epochs {epochs} records every epoch: about {size / 1e9:.3g} GB of memory "
                  "and of history, more than this run can hold if it runs to the end; lower "
                  "--epochs (Ctrl-C stops it and keeps what ran)", stacklevel=2)


def _numbers_per_epoch(config):
    """About how many numbers a lesson records per epoch: its parameters and its loss."""
    widths = getattr(config, "widths", None) or [getattr(config, "hidden", 1)]
    return sum(3 * w + 2 for w in widths) + 1


def rate_list(text):
    """``"0.01,0.5,1.8"`` -> ``[0.01, 0.5, 1.8]``; each must be a positive number."""
    rates = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} in {text!r} is not a number: give rates such as 0.01,0.5,1.8") from None
        try:
            rates.append(check_rate(value, suggest="rates such as 0.01,0.5,1.8"))
        except DescentlabError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return rates


def choice_list(choices):
    """An argparse type: ``"a,c"`` -> ``["a", "c"]``, each one of ``choices``, in their order."""
    def parse(text):
        names = [part.strip() for part in text.split(",")]
        unknown = [n for n in names if n not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown[0]!r} in {text!r}: choose from "
                                             f"{','.join(choices)}")
        return [c for c in choices if c in names]
    return parse


def add_lesson_options(p, config_class):
    """A lesson's settings and ``--out``."""
    add_config_options(p, config_class)
    add_out(p, "its figure and JSON")


def run_lesson(args, config_class, run, then=None, also=()):
    """Check the output files, run the lesson, print its lines, write its files.

    ``then(result, record)`` writes more into the same folder record (an animation whose
    names are ``also``). Returns the exit code: 0, or 130 when Ctrl-C cut training short
    (what ran is written and kept).
    """
    from descentlab.cli._outputs import check_folder, finish, histories_of, recording
    from descentlab.outputs.lessons import lesson_files, save_lesson

    config = config_from_args(args, config_class)
    planned = lesson_files(args.command, config) + list(also)
    check_folder(args.out, planned)
    say_if_large_run(config.epochs, _numbers_per_epoch(config))
    result = run(config)
    for line in result.summary_lines():
        print(line)
    histories = histories_of(result)
    with recording(args, planned, histories) as record:
        written = save_lesson(result, args.out, record)
        print(f"Wrote {', '.join(path.name for path in written)} to {args.out}/")
        if then is not None:
            then(result, record)
    return finish(record, histories)
