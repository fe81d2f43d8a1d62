"""The rooms of the package and the one-way flow between them, checked from the source.

data -> core -> fast -> estimators -> lessons -> viz -> outputs -> cli: a module may import
its own room and the rooms :data:`ALLOWED` names for it, never one above (lazy imports
inside functions and ``importlib.import_module`` / ``__import__`` calls included); no
modules import each other in a cycle of any length; files stay under 300 lines, but for
the few :data:`LONG_FILES` named with their reason.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "descentlab"
BASE = {"errors", "_version", "settings", "files", "memory"}  # the support modules at the bottom

#: Every room and the rooms it may import (its own always): the rooms below it, written out,
#: and no neighbour of the same floor unless named here (cli drives the playground and the
#: exercises). An import missing here fails: the table is docs/architecture.md's drawing.
ALLOWED = {
    "errors": set(), "_version": set(), "memory": {"errors"}, "settings": {"errors"},
    "files": {"errors"},
    "data": BASE,
    "core": BASE | {"data"},
    "fast": BASE | {"data", "core"},
    "estimators": BASE | {"data", "core", "fast"},
    "lessons": BASE | {"data", "core", "fast", "estimators"},
    "viz": BASE | {"data", "core", "fast", "estimators", "lessons"},
    "tutorial": BASE | {"data", "core", "fast", "estimators", "lessons", "viz"},
    "outputs": BASE | {"data", "core", "fast", "estimators", "lessons", "viz"},
    "playground": BASE | {"data", "core", "fast", "estimators", "lessons", "viz", "outputs"},
    "exercises": BASE | {"data", "core", "fast", "estimators", "lessons", "viz", "tutorial"},
    "cli": BASE | {"data", "core", "fast", "estimators", "lessons", "viz", "tutorial", "outputs",
                   "playground", "exercises"},
}

#: Files allowed past 300 lines, each with the reason it reads best as one.
LONG_FILES = {
    "descentlab.core.optimizers": "the four update rules in order of complexity, each the last plus one idea",
    "descentlab.estimators.base": "the shared fit, read top to bottom beside the article's loop",
    "descentlab.data.csvfile": "one CSV reader with its cell-by-cell checks and their messages",
    "descentlab.core.losses": "every loss in one home, each with its value, gradient and curvature (issue 26)",
}
MAX_LINES = 300
ROOT_MODULES = {"__init__", "__main__"}


def _room(module):
    return module.split(".")[1]


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


MODULES = [(m, p) for m, p in _modules() if m != "descentlab" and m.split(".")[-1] not in ROOT_MODULES]
NAMES = {m for m, _ in _modules()}


def _dynamic(node, package):
    """The module an ``import_module(...)`` / ``__import__(...)`` call names, as far as it is
    written out (an f-string up to its first computed part), or "?" when nothing is."""
    arg = node.args[0] if node.args else None
    if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):  # import_module(".x", "pkg")
        package = node.args[1].value
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        text = arg.value
    elif isinstance(arg, ast.JoinedStr):
        text = ""
        for part in arg.values:
            if isinstance(part, ast.Constant):
                text += part.value
            elif isinstance(part.value, ast.Name) and part.value.id in ("__package__", "__name__"):
                text += package
            else:
                break
    else:
        return "?"
    if text.startswith("."):
        text = package + text
    return text.rstrip(".") if text.startswith("descentlab.") else "?"


def _type_only(tree):
    """The nodes under ``if TYPE_CHECKING:``: imports for the type checker, never run."""
    return {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING"
            for statement in node.body for n in ast.walk(statement)}


def _imports(path, module, run_only=False):
    """The modules ``module`` imports; with ``run_only``, not those only a type checker reads."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    skip = _type_only(tree) if run_only else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("descentlab")):
            base = (".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                             + ([node.module] if node.module else [])) if node.level else node.module)
            yield base
            yield from (f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in NAMES)
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("descentlab"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
                "import_module", "__import__"):
            yield _dynamic(node, package)


def test_every_module_lives_in_a_known_room_and_the_table_runs_one_way():
    assert {_room(m) for m, _ in MODULES} <= set(ALLOWED)
    assert all(set(allowed) <= set(ALLOWED) for allowed in ALLOWED.values())
    assert not _cycles({room: set(allowed) for room, allowed in ALLOWED.items()}), "the rooms' table has a cycle"


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_every_import_is_an_allowed_edge(module, path):
    room = _room(module)
    for target in _imports(path, module):
        assert target != "?", f"{module} imports a module whose name is not written out: name it"
        if target == "descentlab":
            pytest.fail(f"{module} imports the package root: import from the module itself")
        assert _room(target) == room or _room(target) in ALLOWED[room], \
            f"{module} (room {room}) imports {target}: not an edge of ALLOWED"


def _cycles(graph):
    """Every strongly connected group of more than one node (Tarjan): each holds a cycle."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while not group or w != v:
                w = stack.pop()
                on.discard(w)
                group.add(w)
            if len(group) > 1:
                found.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_modules_import_each_other_in_a_cycle():
    # imports under `if TYPE_CHECKING:` never run: a method's type may name a module above it
    graph = {m: {t for t in _imports(p, m, run_only=True) if t not in ("descentlab", "?")} for m, p in MODULES}
    assert not _cycles(graph)
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the search works


def test_files_stay_small():
    long = {m: n for m, p in MODULES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert set(long) <= set(LONG_FILES), f"files past {MAX_LINES} lines: {long}"
    assert all(long.get(m, 0) > MAX_LINES for m in LONG_FILES), "a LONG_FILES entry is short now: remove it"
    assert len([p.name for p in PKG.glob("*.py")]) < 10


def test_import_descentlab_stays_light():
    code = ("import sys, descentlab; heavy = [m for m in ('sklearn', 'matplotlib', 'scipy', "
            "'dask', 'numba') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_old_import_paths_are_gone():
    """The pre-0.1 top-level paths (``descentlab.pipeline``, ...) were removed (CHANGELOG)."""
    code = ("import importlib, descentlab\n"
            "for old in ('pipeline', 'trainer', 'analysis', 'fastfit'):\n"
            "    try: importlib.import_module('descentlab.' + old)\n"
            "    except ModuleNotFoundError: continue\n"
            "    raise SystemExit(old)")
    subprocess.run([sys.executable, "-c", code], check=True)


#: Tests of the whole project (docs, notebooks, README, packaging, this file) and of the
#: single-module rooms at the package's root live at the top of tests/.
TOP_LEVEL_TESTS = {"architecture", "docs", "doctests", "notebooks", "one_home", "one_meaning",
                   "packaging", "readme", "sizes", "tutorial"}


def test_the_tests_folder_mirrors_the_rooms():
    """tests/<room>/ holds the tests of src/descentlab/<room>/; nothing else sits in tests/."""
    tests = Path(__file__).resolve().parent
    rooms = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders <= rooms, f"test folders with no room: {sorted(folders - rooms)}"
    top = {p.stem.removeprefix("test_") for p in tests.glob("test_*.py")}
    assert top == TOP_LEVEL_TESTS, f"tests at the top that belong in a room: {sorted(top - TOP_LEVEL_TESTS)}"
    for folder in folders:
        assert list((tests / folder).glob("test_*.py")), f"tests/{folder}/ is empty"
