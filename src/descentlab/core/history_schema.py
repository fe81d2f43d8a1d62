"""The checks a History read from JSON passes: each problem named at its key, in one line.

A hand-made or damaged ``history.json`` (NaN losses, lists of different lengths, missing
keys, wrong types) is refused by :meth:`descentlab.core.history.History.from_dict` with
:class:`DescentlabError` naming where the problem is, e.g. ``"loss"[3] is NaN``.
"""

import math

import numpy as np

from descentlab.core.xp import FloatArray
from descentlab.errors import DescentlabError

STATUSES = ("completed", "converged", "early_stopped", "diverged", "interrupted", "running")


def _bad(where: str, problem: str) -> DescentlabError:
    return DescentlabError(f"{where} {problem}")


def _what(value: object) -> str:
    """A JSON value as a message shows it: ``'abc'``, ``a list``, ``an object``, ``null``."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(where: str, value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _bad(where, f"is {_what(value)}, not an object")
    return value


def _number(where: str, value: object, finite: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, f"is {_what(value)}, not a number")
    try:
        value = float(value)
    except OverflowError:
        raise _bad(where, "is too large for a float") from None
    if finite and not math.isfinite(value):
        raise _bad(where, "is NaN" if value != value else f"is {value}, not a finite number")
    return value


def _numbers(where: str, values: object, finite: bool = True) -> list[float]:
    if not isinstance(values, list):
        raise _bad(where, f"is {_what(values)}, not a list of numbers")
    return [_number(f"{where}[{i}]", v, finite) for i, v in enumerate(values)]


def _array(where: str, value: object, finite: bool = True) -> FloatArray:
    """A parameter: a number, a list of numbers or a list of equal-length lists of numbers."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = [_numbers(f"{where}[{i}]", row, finite) for i, row in enumerate(value)]
        if any(len(row) != len(rows[0]) for row in rows):
            raise _bad(where, "is not a matrix: its rows differ in length")
        return np.array(rows, dtype=float).reshape(len(rows), len(rows[0]))
    if isinstance(value, list):
        return np.array(_numbers(where, value, finite), dtype=float)
    return np.array(_number(where, value, finite))


#: At most this many numbers of a run's epochs go into its JSON (at most about 100 MB, a
#: number with its indent in 25 bytes, under the 256 MiB descentlab reads back); more are sampled.
MAX_SAVED_NUMBERS = 4_000_000


def kept_epochs(n_epochs: int, per_epoch: int, max_numbers: int | None = None) -> list[int] | None:
    """None when ``n_epochs`` of ``per_epoch`` numbers fit in ``max_numbers``; else the
    evenly spaced epochs to keep (the first and the last among them), so that anything
    descentlab writes it can read again.

    >>> kept_epochs(10, 2, max_numbers=100), kept_epochs(10, 2, max_numbers=8)
    (None, [0, 3, 6, 9])
    """
    max_numbers = MAX_SAVED_NUMBERS if max_numbers is None else max_numbers
    if n_epochs * per_epoch <= max_numbers:
        return None
    count = max(2, max_numbers // per_epoch)
    kept: list[int] = np.unique(np.linspace(0, n_epochs - 1, count).round().astype(int)).tolist()
    return kept
