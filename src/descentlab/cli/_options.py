"""Options built from the declared settings, and the flows the subcommands share.

Every option of a run's config comes from its :class:`~descentlab.settings.Setting`
(type, choices, default and help), so a default or a limit is typed once, in the config.
"""

import argparse
from collections.abc import Callable, Collection, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar, overload

from descentlab.errors import DescentlabError
from descentlab.lessons.article import TutorialConfig
from descentlab.settings import Setting, check_rate, config_settings

#: A config dataclass (TutorialConfig, LRStudyConfig, a lesson's config).
Config = TypeVar("Config")
#: What an option's ``type=`` returns for one argument.
Parsed = TypeVar("Parsed")

_TYPES: dict[str, Callable[[str], int | float | str]] = {"int": int, "seed": int, "float": float, "fraction": float, "str": str}


def _shown(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return " ".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def add_setting(p: argparse.ArgumentParser, name: str, s: Setting, default: object,
                flag: str | None = None) -> None:
    """One option from the Setting ``s`` of field ``name``, with ``default``.

    >>> p = argparse.ArgumentParser()
    >>> add_setting(p, "epochs", Setting("passes over the data", kind="int", low=1), 61)
    >>> p.parse_args(["--epochs", "3"]).epochs, p.parse_args([]).epochs
    (3, 61)
    """
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


def add_config_options(p: argparse.ArgumentParser, config_class: type, skip: Collection[str] = ()) -> None:
    """One option per declared setting of ``config_class`` (``--test-size`` for ``test_size``).

    >>> from descentlab.lessons.lr_study import LRStudyConfig
    >>> p = argparse.ArgumentParser()
    >>> add_config_options(p, LRStudyConfig, skip=["features"])
    >>> p.parse_args(["--rates", "0.1,0.5", "--test-size", "0.25"])
    Namespace(samples=200, noise=10.0, test_size=0.25, seed=7, data_seed=42, rates=[0.1, 0.5], epochs=61)
    """
    for name, (s, default) in config_settings(config_class).items():
        if name not in skip:
            add_setting(p, name, s, default)


def add_training_options(p: argparse.ArgumentParser, log_every: bool = False) -> None:
    """The tutorial's settings: data, split, ``--lr``, ``--epochs`` (``--log-every`` if asked).

    >>> p = argparse.ArgumentParser()
    >>> add_training_options(p, log_every=True)
    >>> args = p.parse_args(["--lr", "0.1", "--log-every", "5"])
    >>> args.lr, args.epochs, args.log_every
    (0.1, 61, 5)
    """
    add_config_options(p, TutorialConfig, skip=() if log_every else ("log_every",))


#: Endings that name a file, not a folder: ``--out model.json`` is a mistake said in one line.
FILE_SUFFIXES = (".json", ".html", ".htm", ".csv", ".tsv", ".txt", ".gif", ".mp4", ".png",
                 ".svg", ".pdf", ".parquet", ".npy", ".pkl", ".joblib")


def add_out(p: argparse.ArgumentParser, writes: str = "its figures and JSON",
            default: str | None = "descentlab-out") -> None:
    """``--out``: the output folder, in every command; ``writes`` names what goes into it.

    Each command owns its file names, so commands sharing a folder never overwrite each
    other's files (the folder's ``manifest.json`` records which command wrote what).
    A name that ends like a file is refused in one line:

    >>> import contextlib, io
    >>> p = argparse.ArgumentParser(prog="descentlab lr-study")
    >>> add_out(p, "lr_study.png")
    >>> p.parse_args([]).out
    'descentlab-out'
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     p.parse_args(["--out", "study.png"])
    Traceback (most recent call last):
    SystemExit: 2
    >>> print(err.getvalue().splitlines()[-1])
    descentlab lr-study: error: argument --out: 'study.png' looks like a file, but --out is a folder:
    lr-study writes lr_study.png into it; give a folder such as --out .
    """
    p.add_argument("--out", metavar="FOLDER", default=default, type=_folder(p.prog, writes),
                   help=f"the folder to write {writes} into (created if missing; default "
                   + (f"{default})" if default else "none: print to standard output)"))


def _folder(prog: str, writes: str) -> Callable[[str], str]:
    """An argparse type: a folder path; one that ends like a file is refused in one line."""
    command = prog.removeprefix("descentlab ")

    def folder(text: str) -> str:
        path = Path(text)
        if path.suffix.lower() in FILE_SUFFIXES and not path.is_dir():
            raise argparse.ArgumentTypeError(
                f"{text!r} looks like a file, but --out is a folder: {command} writes {writes} "
                f"into it; give a folder such as --out {path.parent}")
        return text
    folder.__name__ = "folder"
    return folder


@overload
def config_from_args(args: argparse.Namespace) -> TutorialConfig: ...
@overload
def config_from_args(args: argparse.Namespace, config_class: type[Config]) -> Config: ...
def config_from_args(args: argparse.Namespace, config_class: type[Any] = TutorialConfig) -> Any:
    """The config dataclass built from the parsed arguments with the same names.

    >>> config_from_args(argparse.Namespace(epochs=3, lr=0.1, out="unused"))
    TutorialConfig(samples=200, noise=10.0, test_size=0.2, seed=7, data_seed=42, features=1, lr=0.1, epochs=3, log_every=10)
    """
    values = vars(args)
    return config_class(**{f.name: values[f.name] for f in fields(config_class) if f.name in values})


def _none_or(convert: Callable[[str], Parsed]) -> Callable[[str], Parsed | None]:
    def parse(text: str) -> Parsed | None:
        return None if text.lower() == "none" else convert(text)
    parse.__name__ = convert.__name__
    return parse


def _balanced(text: str) -> str | None:
    """``"balanced"`` or ``"none"`` (None): the class weights a command line can give."""
    if text.lower() == "none":
        return None
    if text.lower() != "balanced":
        raise argparse.ArgumentTypeError(f"{text!r} is not none or balanced: give balanced to "
                                         "weigh each class by N / (n_classes N_c)")
    return "balanced"


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1.

    >>> positive_int("20")
    20
    >>> positive_int("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 0 must be at least 1
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def add_caps(p: argparse.ArgumentParser) -> None:
    """``--max-frames`` and ``--max-points``: what keeps large runs drawable.

    >>> p = argparse.ArgumentParser()
    >>> add_caps(p)
    >>> p.parse_args(["--max-frames", "20"])
    Namespace(max_frames=20, max_points=None)
    """
    p.add_argument("--max-frames", type=positive_int, default=None,
                   help="at most this many animation frames, evenly spaced epochs (default 100)")
    p.add_argument("--max-points", type=positive_int, default=None,
                   help="draw at most this many data points, a random sample (default 2000)")


def add_source(p: argparse.ArgumentParser) -> None:
    """``--history``: draw from a saved run instead of training one on the spot.

    >>> p = argparse.ArgumentParser()
    >>> add_source(p)
    >>> p.parse_args(["--history", "run/history.json"]).history, p.parse_args([]).history
    ('run/history.json', None)
    """
    p.add_argument("--history", metavar="FILE", default=None,
                   help="a history.json written by 'descentlab tutorial' (default: train "
                   "with the options below on the spot)")


def rate_list(text: str) -> list[float]:
    """``"0.01,0.5,1.8"`` -> ``[0.01, 0.5, 1.8]``; each must be a positive number.

    >>> rate_list("0.01,0.5,1.8")
    [0.01, 0.5, 1.8]
    >>> rate_list("0.1,fast")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 'fast' in '0.1,fast' is not a number: give rates such as 0.01,0.5,1.8
    """
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


def choice_list(choices: Sequence[str]) -> Callable[[str], list[str]]:
    """An argparse type: ``"a,c"`` -> ``["a", "c"]``, each one of ``choices``, in their order.

    >>> studies = choice_list(["collapse", "nonlinear", "logistic"])
    >>> studies("logistic,collapse")
    ['collapse', 'logistic']
    """
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",")]
        unknown = [n for n in names if n not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown[0]!r} in {text!r}: choose from "
                                             f"{','.join(choices)}")
        return [c for c in choices if c in names]
    return parse


def add_lesson_options(p: argparse.ArgumentParser, config_class: type) -> None:
    """A lesson's settings and ``--out``.

    >>> from descentlab.lessons.collapse import CollapseConfig
    >>> p = argparse.ArgumentParser()
    >>> add_lesson_options(p, CollapseConfig)
    >>> args = p.parse_args(["--hidden", "3"])
    >>> args.hidden, args.epochs, args.out
    (3, 300, 'descentlab-out')
    """
    add_config_options(p, config_class)
    add_out(p, "its figure and JSON")
