"""The rooms of the package and the one-way flow between them, checked from the source.

data -> core -> fast -> estimators -> lessons -> viz -> outputs -> cli: a module may import
its own room and the rooms below it, never one above (lazy imports inside functions included).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "descentlab"
RANKS = {"errors": 0, "_version": 0, "settings": 0, "files": 0, "memory": 0,
         "data": 1, "core": 2, "fast": 3, "estimators": 4, "lessons": 5, "viz": 6, "tutorial": 7,
         "outputs": 7, "cli": 8, "playground": 8, "exercises": 8}
ROOT_MODULES = {"__init__", "__main__"}


def _room(module):
    return module.split(".")[1]


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path, module):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:  # relative: resolve it
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            yield ".".join(base + ([node.module] if node.module else []))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("descentlab"):
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("descentlab"))


MODULES = [(m, p) for m, p in _modules() if m != "descentlab" and m.split(".")[-1] not in ROOT_MODULES]


def test_every_module_lives_in_a_known_room():
    assert {_room(m) for m, _ in MODULES} <= set(RANKS)


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_no_import_runs_up_to_a_higher_room(module, path):
    here = RANKS[_room(module)]
    for target in _imports(path, module):
        if target == "descentlab":
            pytest.fail(f"{module} imports the package root: import from the module itself")
        assert RANKS[_room(target)] <= here, f"{module} (room rank {here}) imports {target}"


def test_rooms_form_no_cycle_and_files_stay_small():
    graph = {m: {t for t in _imports(p, m) if t != "descentlab"} for m, p in MODULES}
    assert not any(m in graph.get(t, ()) and t in graph.get(m, ()) for m in graph for t in graph[m]
                   if m != t), "two modules import each other"
    long = {m: n for m, p in MODULES if (n := len(p.read_text().splitlines())) > 330}
    assert not long, f"files past ~300 lines: {long}"
    top = [p.name for p in PKG.glob("*.py")]
    assert len(top) < 10, top


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
