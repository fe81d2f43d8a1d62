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
#: exercises). The playground and the exercises sit above outputs: their files (a starter, the
#: grades) are written there. An import missing here fails: the table is docs/architecture.md's drawing.
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
    "exercises": BASE | {"data", "core", "fast", "estimators", "lessons", "viz", "tutorial", "outputs"},
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


def _imports(path, module):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
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
    graph = {m: {t for t in _imports(p, m) if t not in ("descentlab", "?")} for m, p in MODULES}
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


# ------------------------------------------------------------ who writes files
#: The rooms that write files: outputs (every file a command or a library call leaves) and
#: files (the atomic writers outputs uses). Every other room hands over figures, frames,
#: bytes, text or dicts to write.
WRITING_ROOMS = {"outputs", "files"}
#: The modules outside them that write, each with why it cannot be otherwise.
WRITERS_ALLOWED = {
    # the sandbox copies the learner's file and its own runtime into the check's private
    # temporary folder and logs the child's stderr there: scratch the child needs on disk,
    # deleted with the session, never a result anyone keeps
    "descentlab.exercises.sandbox",
}
_WRITE_METHODS = {"write_text", "write_bytes", "savefig", "save_figure", "to_csv", "to_parquet",
                  "tofile", "save"}
_FILES_WRITERS = {"write_text", "save_figure", "atomic_path", "save_or_recover"}
_BUFFERS = {"BytesIO", "StringIO"}


def _is_buffer(node, buffers):
    """True for ``io.BytesIO()``/``io.StringIO()`` or a name bound to one in the function."""
    if isinstance(node, ast.Call):
        return getattr(node.func, "attr", getattr(node.func, "id", None)) in _BUFFERS
    return isinstance(node, ast.Name) and node.id in buffers


def _write_mode(call, position):
    mode = call.args[position] if len(call.args) > position else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and bool(set(mode.value) & set("wax+"))


def _writes(tree):
    """``(line, what)`` of every file write in a module's syntax tree: ``open`` for writing,
    ``.write_text``/``.write_bytes``/``savefig``/``.to_csv``/``.save(`` (not into an in-memory
    buffer), ``np.save*``, ``json.dump``, ``shutil.copy*``/``move``, ``os.replace``/``rename``,
    and the atomic writers of :mod:`descentlab.files` called by name."""
    found = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef))]
    for scope in scopes:
        buffers = {t.id for n in ast.walk(scope) if isinstance(n, ast.Assign) and _is_buffer(n.value, ())
                   for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call):
                continue
            func, what = node.func, None
            if isinstance(func, ast.Name):
                if func.id == "open" and _write_mode(node, 1):
                    what = "open(..., 'w')"
                elif func.id in _FILES_WRITERS:
                    what = func.id
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else None
                if owner in ("np", "numpy") and func.attr.startswith("save"):
                    what = f"{owner}.{func.attr}"
                elif owner == "json" and func.attr == "dump":
                    what = "json.dump"
                elif owner == "shutil" and (func.attr.startswith("copy") or func.attr == "move"):
                    what = f"shutil.{func.attr}"
                elif owner == "os" and func.attr in ("replace", "rename", "renames"):
                    what = f"os.{func.attr}"
                elif func.attr == "open" and _write_mode(node, 0):
                    what = ".open('w')"
                elif func.attr in _WRITE_METHODS and not (node.args and _is_buffer(node.args[0], buffers)):
                    what = f".{func.attr}"
            if what is not None:
                found.append((node.lineno, what))
    return sorted(set(found))


def test_only_outputs_and_files_write_files():
    writers = {m: _writes(ast.parse(p.read_text())) for m, p in MODULES
               if _room(m) not in WRITING_ROOMS and m not in WRITERS_ALLOWED}
    writers = {m: w for m, w in writers.items() if w}
    assert not writers, f"modules outside outputs/ and files/ that write files: {writers}"
    assert all(_writes(ast.parse((PKG.parent / (m.replace(".", "/") + ".py")).read_text()))
               for m in WRITERS_ALLOWED), "a WRITERS_ALLOWED module writes nothing now: remove it"


def test_the_write_scan_finds_writes_and_spares_buffers():
    code = '''
import io, json, os, shutil
import numpy as np
from descentlab.files import write_text
def f(fig, anim, path, h):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    anim.save(io.BytesIO())
    open(path).read()
    open(path, "rb").read()
    open(path, "w").write("x")
    with path.open(mode="a") as fh:
        json.dump({}, fh)
    path.write_text("x"); fig.savefig(path); anim.save(path); np.save(path, 1); np.savez(path)
    shutil.copyfile(path, path); os.replace(path, path); write_text(path, h.to_json())
'''
    found = [what for _, what in _writes(ast.parse(code))]
    assert sorted(found) == sorted(["open(..., 'w')", ".open('w')", "json.dump", ".write_text", ".savefig",
                                    ".save", "np.save", "np.savez", "shutil.copyfile", "os.replace",
                                    "write_text"])  # the two buffers and the two reads are spared


# ------------------------------------------------------ a command, one library call
def _bound_names(tree, module):
    """The names a cli module binds to descentlab's modules and functions: ``{name: dotted path}``."""
    package = module.rpartition(".")[0]
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("descentlab")):
            base = (".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                             + ([node.module] if node.module else [])) if node.level else node.module)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            names.update({a.asname or a.name: a.name for a in node.names if a.name.startswith("descentlab")})
    return names


def _cli_functions():
    """Every module-level function of cli/, by module and name, with each module's library names."""
    trees = {m: ast.parse(p.read_text()) for m, p in MODULES if _room(m) == "cli"}
    functions = {(m, n.name): n for m, t in trees.items() for n in t.body if isinstance(n, ast.FunctionDef)}
    return trees, functions, {m: _bound_names(t, m) for m, t in trees.items()}


def _library_calls(module, function, functions, library, seen=None):
    """The library calls ``function`` makes, and the cli helpers it calls make (a class,
    such as a config, an error or a Command, is built, not called)."""
    seen = set() if seen is None else seen
    if (module, function.name) in seen:
        return []
    seen.add((module, function.name))
    bound = {n: m for n, m in library[module].items() if _room(m) != "cli"}
    helpers = {n: tuple(m.rsplit(".", 1)) for n, m in library[module].items() if _room(m) == "cli"}
    calls = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in bound:
            if not func.attr[:1].isupper():  # a library module's function: runs.tutorial(...)
                calls.append(f"{func.value.id}.{func.attr}")
            continue
        if name is None or name[:1].isupper():
            continue
        if name in bound:
            calls.append(name)
        elif (module, name) in functions or helpers.get(name) in functions:  # a cli helper: its calls count
            where = (module, name) if (module, name) in functions else helpers[name]
            calls += _library_calls(where[0], functions[where], functions, library, seen)
    return calls


def _commands(trees):
    """``(module, function name)`` of every command: the ``run=`` of a ``set_defaults``."""
    return [(m, k.value.id) for m, t in trees.items() for n in ast.walk(t)
            if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "set_defaults"
            for k in n.keywords if k.arg == "run" and isinstance(k.value, ast.Name)]


def test_every_command_makes_one_library_call():
    """parse the arguments -> a config -> one library call -> print (STYLE 8): a command
    function, with the cli helpers it calls, calls at most one function of the library."""
    trees, functions, library = _cli_functions()
    commands = _commands(trees)
    assert len(commands) >= 14  # tutorial ... predict, playground, the four exercise actions
    many = {f"{m}.{f}": calls for m, f in commands
            if len(calls := _library_calls(m, functions[(m, f)], functions, library)) > 1}
    assert not many, f"commands making more than one library call: {many}"


def test_the_call_count_sees_helpers_and_modules():
    code = '''
from descentlab.outputs import runs
from descentlab.lessons.article import run_tutorial, TutorialConfig
def helper(args):
    return run_tutorial(TutorialConfig())
def run(args):
    helper(args)
    return runs.tutorial(args.out).record
'''
    tree = ast.parse(code)
    functions = {("descentlab.cli.x", n.name): n for n in tree.body if isinstance(n, ast.FunctionDef)}
    library = {"descentlab.cli.x": _bound_names(tree, "descentlab.cli.x")}
    assert sorted(_library_calls("descentlab.cli.x", functions[("descentlab.cli.x", "run")], functions,
                                 library)) == ["run_tutorial", "runs.tutorial"]
