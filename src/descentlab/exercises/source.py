"""A learner's file as code: a .py file or a notebook's code cells, and the helper modules beside it.

Compiled here, where nothing runs: a syntax error is named before any process starts (:mod:`~descentlab.exercises.runner`).
"""

import json
from pathlib import Path
from types import CodeType

from .judge import Failed


def read_source(path: str | Path) -> str:
    r"""The learner's code: a .py file as it is, a notebook's code cells joined (magics dropped).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "a.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": "%pip install x\nx = 1"}]}))
    ...     read_source(Path(tmp, "a.ipynb"))
    'x = 1\n'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise Failed("load", f"cannot read {path.name}: {exc.strerror}") from None
    if path.suffix != ".ipynb":
        return text
    try:
        cells = json.loads(text)["cells"]
        code = []
        for cell in cells:
            if cell.get("cell_type") == "code":
                src = cell.get("source", "")
                src = "".join(src) if isinstance(src, list) else str(src)
                code.append("\n".join(line for line in src.splitlines()
                                      if not line.lstrip().startswith(("%", "!"))))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Failed("load", f"{path.name} is not a readable notebook: save it again "
                     "from Jupyter") from None
    return "\n\n".join(code) + "\n"


def compile_source(text: str, name: str) -> CodeType:
    """Compile here (nothing runs): a syntax error is named without starting a process.

    >>> compile_source("def f(x:", "ann.py")
    Traceback (most recent call last):
    descentlab.exercises.judge.Failed: syntax error at line 1 of ann.py: ...: fix it, then check again
    """
    try:
        return compile(text, name, "exec")
    except SyntaxError as exc:
        raise Failed("syntax", f"syntax error at line {exc.lineno} of {name}: {exc.msg}: "
                     "fix it, then check again") from None
    except ValueError:
        raise Failed("load", f"{name} holds a null byte: save it again as text") from None


def helper_modules(path: str | Path, limit: int = 50, size: int = 2**20) -> dict[str, str]:
    """``{name: text}`` of the .py files beside ``path``: a learner's own helper modules.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = [Path(tmp, name).write_text("x = 1") for name in ("ann.py", "utils.py", "notes.txt")]
    ...     helper_modules(Path(tmp, "ann.py"))
    {'utils.py': 'x = 1'}
    """
    found: dict[str, str] = {}
    for p in sorted(Path(path).resolve().parent.glob("*.py"))[:limit]:
        if p.name != Path(path).name and p.is_file() and p.stat().st_size <= size:
            found[p.name] = p.read_text(encoding="utf-8", errors="replace")
    return found
