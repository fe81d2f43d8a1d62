"""How a lesson's result shows itself in a notebook: one implementation for every result.

A result that mixes in :class:`NotebookDisplay` shows, as the last expression of a cell,
what the command line prints (its ``summary_lines()``), a table of its headline numbers
and, when it has one, its History (a table and a sparkline of the loss).
"""

import dataclasses
import numbers
from html import escape
from typing import TYPE_CHECKING, ClassVar


def headline_numbers(result: object) -> list[tuple[str, numbers.Real]]:
    """``[(name, value), ...]``: the result's scalar fields, then its ``metrics`` dict
    flattened one level (``"test r2"``), every value a real number.

    >>> from types import SimpleNamespace
    >>> headline_numbers(SimpleNamespace(metrics={"epochs": 61, "test": {"r2": 0.9, "note": "x"}, "ok": True}))
    [('epochs', 61), ('test r2', 0.9)]
    """
    pairs: list[tuple[str, object]] = []
    if dataclasses.is_dataclass(result):
        pairs += [(f.name, getattr(result, f.name)) for f in dataclasses.fields(result)]
    for key, value in (getattr(result, "metrics", None) or {}).items():
        if isinstance(value, dict):
            pairs += [(f"{key} {k}", v) for k, v in value.items()]
        else:
            pairs.append((key, value))
    return [(name, value) for name, value in pairs
            if isinstance(value, numbers.Real) and not isinstance(value, bool)]


def _cell(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


class NotebookDisplay:
    """Mixin: ``_repr_html_`` for a result with ``kind`` and ``summary_lines()``.

    >>> class Result(NotebookDisplay):
    ...     kind = "demo"
    ...     def summary_lines(self): return ["one line"]
    >>> Result()._repr_html_()  # doctest: +ELLIPSIS
    "<div class='descentlab-result' data-kind='demo'><strong>Result</strong><pre ...>one line</pre></div>"
    """

    if TYPE_CHECKING:  # what a result that mixes this in provides
        kind: ClassVar[str]

        def summary_lines(self) -> list[str]: ...

    def _repr_html_(self) -> str:
        lines = "\n".join(self.summary_lines())
        rows = "".join(f"<tr><th style='text-align:left'>{escape(name)}</th>"
                       f"<td style='text-align:right'>{escape(_cell(value))}</td></tr>"
                       for name, value in headline_numbers(self))
        table = f"<details><summary>numbers</summary><table>{rows}</table></details>" if rows else ""
        shown: object = getattr(self, "history", None)
        history = str(shown._repr_html_()) if hasattr(shown, "_repr_html_") else ""
        return (f"<div class='descentlab-result' data-kind='{escape(self.kind)}'>"
                f"<strong>{escape(type(self).__name__)}</strong>"
                f"<pre style='white-space:pre-wrap;word-break:normal;overflow-wrap:normal'>"
                f"{escape(lines)}</pre>{table}{history}</div>")
