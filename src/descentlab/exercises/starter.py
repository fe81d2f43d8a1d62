"""``exercise new``: write a lesson's starter (a .py file, the same as a notebook, a README)."""

import ast
import json
import os
from pathlib import Path

from .lessons import Lesson, get_lesson

#: A notebook cell (nbformat 4) as JSON.
Cell = dict[str, object]


def starter_files(lesson: Lesson) -> dict[str, str]:
    """``{file name: text}`` of the starter of ``lesson``: the .py file, its notebook, a README.

    >>> files = starter_files(get_lesson("momentum"))
    >>> sorted(files), "raise NotImplementedError" in files["momentum.py"]
    (['README_momentum.md', 'momentum.ipynb', 'momentum.py'], True)
    """
    source = lesson.template.read_text(encoding="utf-8")
    return {
        lesson.filename: source,
        f"{lesson.name}.ipynb": json.dumps(notebook(source, lesson), indent=1) + "\n",
        f"README_{lesson.name}.md": readme(lesson),
    }


def new_exercise(folder: str | os.PathLike[str], lesson_name: str = "linear_regression",
                 force: bool = False) -> list[Path]:
    """Write the starter of a lesson into ``folder``; return the paths written.

    Refuses to overwrite a file unless ``force`` is True
    (:func:`descentlab.outputs.exercise_files.write_starter` writes them).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in new_exercise(Path(tmp, "work"), "dense_layer")]
    ['dense_layer.py', 'dense_layer.ipynb', 'README_dense_layer.md']
    """
    from descentlab.outputs.exercise_files import write_starter

    return write_starter(folder, starter_files(get_lesson(lesson_name)), force=force)


def notebook(source: str, lesson: Lesson) -> dict[str, object]:
    r"""The starter as a Jupyter notebook (nbformat 4): the module docstring as Markdown, the
    imports as one code cell, then one code cell per function.

    >>> source = "'''Write f.'''\nimport numpy as np\n\n\ndef f(x):\n    raise NotImplementedError\n"
    >>> [(c["cell_type"], "".join(c["source"])[:12]) for c in notebook(source, get_lesson("momentum"))["cells"]]
    [('markdown', '# Exercise: '), ('code', 'import numpy'), ('code', 'def f(x):\n  '), ('markdown', 'Save the not')]
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    cells = [_markdown(f"# Exercise: {lesson.name}\n\n{ast.get_docstring(tree) or ''}".replace(
        f"{lesson.filename}", f"{lesson.name}.ipynb"))]
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    chunk: list[str] = []
    kind: str | None = None
    for node in body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = "\n".join(lines[start - 1: node.end_lineno])
        node_kind = "import" if isinstance(node, (ast.Import, ast.ImportFrom)) else "code"
        if chunk and (node_kind != "import" or kind != "import"):
            cells.append(_code("\n".join(chunk)))
            chunk = []
        chunk.append(text)
        kind = node_kind
    if chunk:
        cells.append(_code("\n".join(chunk)))
    cells.append(_markdown("Save the notebook, then check it:\n\n"
                           f"    descentlab exercise check {lesson.name}.ipynb"))
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3",
                                                        "language": "python", "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 4}


def _source(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _markdown(text: str) -> Cell:
    return {"cell_type": "markdown", "metadata": {}, "source": _source(text)}


def _code(text: str) -> Cell:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": _source(text)}


def readme(lesson: Lesson) -> str:
    """A short README: what to write, how to check it, what the hints look like.

    >>> readme(get_lesson("momentum")).splitlines()[:3]
    ['# Exercise: momentum', '', 'The heavy-ball momentum update.']
    """
    functions = "\n".join(f"- `{name}({', '.join(params)})` returns `{returns}`"
                          for name, (params, returns) in lesson.signatures.items())
    return f"""# Exercise: {lesson.name}

{lesson.title[0].upper()}{lesson.title[1:]}.

Write these functions in `{lesson.filename}` (or in `{lesson.name}.ipynb`, the same as a
notebook); each docstring gives the task, the shapes and the article's names (working out
the formula is the exercise):

{functions}

Check your work as often as you like:

    descentlab exercise check {lesson.filename}

Each check runs your functions on random data, so answers copied from one data set do not
pass; `--seed N` repeats the same cases. A failed check names the kind of mistake, e.g.

    FAIL  gradient_dm    gradient: a sign error in dm: the error is y_pred - y

and `--hint 2` adds the formula to compare with. Exit code 0 means every check passed.
"""
