"""The documentation site builds with warnings as errors, offline, and holds what it promises.

One build (notebooks executed by myst-nb, gallery drawn, CLI reference rendered, every
sample output run) into a temporary folder, then checks on a few pages; and, without a
build, that no page shows an output written by hand.
"""

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "docs" / "_ext"
BUDGET_S = 600
DOCS_MODULES = ("sphinx", "myst_nb", "numpydoc", "mathjax", "ipykernel")


def _need_the_docs_extra():
    for module in DOCS_MODULES:
        pytest.importorskip(module, reason=f"the docs need {module}: pip install -e '.[docs]'")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site: built here (``sphinx -W``), or, when ``DESCENTLAB_BUILT_DOCS`` names a
    folder, the one CI built just before with the README's own command in a fresh venv
    (``.ci/run``, stage 2: the same checkout, also with ``-W``), so it is built once."""
    built = os.environ.get("DESCENTLAB_BUILT_DOCS")
    if built and (Path(built) / "index.html").is_file():
        return Path(built).resolve()
    _need_the_docs_extra()
    out = tmp_path_factory.mktemp("docs")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")],
        capture_output=True, text=True, env=env, timeout=BUDGET_S)
    assert result.returncode == 0, result.stderr[-5000:]
    return out / "html"


def _page(site, name):
    return (site / name).read_text(encoding="utf-8")


@pytest.mark.slow
def test_api_page_renders_math_and_the_loss_docstring(site):
    page = _page(site, "api/core.html")
    assert 'id="descentlab.core.losses.MeanSquaredError"' in page
    assert "Half the mean squared error" in page
    assert re.search(r'<div class="math[^"]*">\s*\\\[.*\\frac\{1\}\{2N\}', page, re.S)
    assert 'src="../_static/mathjax/tex-svg.js"' in page
    assert (site / "_static" / "mathjax" / "tex-svg.js").stat().st_size > 100_000


@pytest.mark.slow
def test_cli_page_lists_every_subcommand_with_its_help(site):
    from descentlab.cli import build_parser

    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from descentlab_docs import subcommands

    page = _page(site, "cli.html")
    names = [name for name, _ in subcommands(build_parser())]
    assert {"tutorial", "fit", "predict", "report"} <= set(names)
    for name, parser in subcommands(build_parser()):
        assert f"descentlab {name}" in page
        for action in parser._actions:
            for option in action.option_strings:
                assert option in page, (name, option)


@pytest.mark.slow
def test_notebook_pages_carry_their_outputs(site):
    page = _page(site, "examples/01-article.html")
    assert "Loss =  3" in page                              # the printed epoch-0 loss
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) >= 10
    assert all((site / "examples" / src).resolve().stat().st_size > 1000 for src in images)
    assert 'class="frames-data"' in page                    # the animation's player, inline
    for name in ("02-beyond-one-neuron", "03-estimators", "04-fast-and-big"):
        assert "<img" in _page(site, f"examples/{name}.html")


@pytest.mark.slow
def test_gallery_is_drawn_at_build_time(site):
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from gallery import FIGURES

    page = _page(site, "gallery.html")
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) == len(FIGURES)
    assert all((site / src).stat().st_size > 5000 for src in images)


@pytest.mark.slow
def test_the_site_fetches_nothing(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", src), (path.name, src)


@pytest.mark.slow
def test_every_sample_run_is_shown_in_its_page(site):
    """Each ``descentlab-run`` / ``descentlab-python`` block of the sources is in its built
    page: the command lines and what they printed, the snippet and its output."""
    sys.path.insert(0, str(EXT))
    from sample_runs import find_runs

    shown = 0
    for source in sorted((ROOT / "docs").rglob("*.md")):
        name = source.relative_to(ROOT / "docs").with_suffix(".html")
        page = html.unescape(re.sub(r"<[^>]+>", "", _page(site, str(name))))
        for run in find_runs(source):
            if run.kind == "run":
                for command in run.steps:
                    assert "$ descentlab " + " ".join(command) in page, (name, command)
            else:
                assert run.steps[0][0].splitlines()[-1].strip() in page, name
            shown += 1
    assert shown >= 15
    exercises = html.unescape(re.sub(r"<[^>]+>", "", _page(site, "guide/exercises.html")))
    # the learner's file in docs/samples plants these mistakes; the grader names them
    assert re.search(r"FAIL +gradient_db +gradient: db is computed with X", exercises)
    assert re.search(r"FAIL +predict +predict returns None", exercises)
    assert "(exit status 1)" in exercises


# -- no output written by hand ---------------------------------------------------------------
#: The pages that show commands: the README and every page of the site but the architecture,
#: whose one plain block is the source tree.
PAGES = [ROOT / "README.md",
         *sorted(p for p in (ROOT / "docs").rglob("*.md")
                 if "_build" not in p.parts and "_generated" not in p.parts
                 and p.name != "architecture.md")]
OUTPUT_BLOCKS = {"", "text", "console", "output", "shell-session", "none"}
PROGRAMS = {"descentlab", "pip", "python", "curl", "dask", "jupyter", "sphinx-build"}
PASTED_NUMBER = re.compile(r"#.*\b\d+\.\d{4,}")       # a comment quoting a printed result


def _fences(text):
    """``(line number, info string, body lines)`` of each fenced block of a Markdown page."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r"^(`{3,})(.*)$", lines[i])
        if not match:
            i += 1
            continue
        ticks, end = match.group(1), i + 1
        while end < len(lines) and lines[end].strip() != ticks:
            end += 1
        yield i + 1, match.group(2).strip(), lines[i + 1:end]
        i = end + 1


def hand_written_outputs(text):
    """Where a page shows an output written by hand: a plain (or ``text``, ``console``)
    block, a ``bash`` block with a line that is no command (``$ ...`` or a printed result),
    or a code comment quoting a printed number. Outputs come from ``descentlab-run`` and
    ``descentlab-python``, which run the real thing while the docs build."""
    found = []
    for line_no, info, body in _fences(text):
        language = info.split()[0] if info else ""
        if language in OUTPUT_BLOCKS:
            found.append((line_no, "an output block written by hand"))
        if language in ("bash", "sh", "shell"):
            continued = False
            for offset, line in enumerate(body, 1):
                words = line.split()
                if words and not continued and not words[0].startswith("#") and words[0] not in PROGRAMS:
                    found.append((line_no + offset, f"not a command in a bash block: {line.strip()!r}"))
                continued = line.rstrip().endswith("\\")
        if language in ("bash", "sh", "shell", "python"):
            for offset, line in enumerate(body, 1):
                if PASTED_NUMBER.search(line):
                    found.append((line_no + offset, f"a printed number in a comment: {line.strip()!r}"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_shows_an_output_written_by_hand(page):
    found = hand_written_outputs(page.read_text(encoding="utf-8"))
    assert not found, [f"{page.name}:{line}: {why}" for line, why in found]


def test_the_check_finds_the_outputs_the_guides_used_to_write_by_hand():
    """The forms this project's guides used before their outputs were run at build time."""
    old_pages = [
        "and compares:\n\n```\nW = W1 W2 (2x1) =\n  [[88.0401]\n```\n",            # networks
        "```\n$ descentlab fit diabetes.csv --target progresion\ndescentlab: error: ...\n```\n",
        "```bash\ncurl -s localhost:PORT/api/train -d '{}' | python -c '...'\n"
        "1.8939086352674173 {'epoch': 50}\n```\n",                                     # playground
        "```python\nreg = dl.GDRegressor().fit(X, y)       # R^2 0.517747\n```\n",       # estimators
        "```console\n$ descentlab exercise list\nlinear_regression ...\n```\n",
    ]
    for text in old_pages:
        assert hand_written_outputs(text), text
    fine = "```bash\ndescentlab tutorial   # prints Epoch / Loss\npip install . \\\n  && x\n```\n"
    assert hand_written_outputs(fine) == []


# -- the runs behind the sample outputs ----------------------------------------------------
def _sample_runs():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(EXT))
    import sample_runs

    return sample_runs


@pytest.mark.slow
def test_a_sample_run_shows_what_the_real_command_prints():
    """``descentlab exercise list`` run the directive's way prints the library's lessons,
    each with its title; a nonzero exit status is kept, and scratch paths read ``.``."""
    from descentlab.exercises.lessons import LESSONS

    sample_runs = _sample_runs()
    run = sample_runs.make_run("run", ROOT / "docs", "exercise list", ["descentlab exercise show nope"], {})
    [(shown, out, err, status), (_, _, bad, bad_status)] = run.execute()
    assert shown == "$ descentlab exercise list" and status == 0 and not err
    for lesson in LESSONS.values():
        assert re.search(rf"^{lesson.name} +{re.escape(lesson.title)}$", out, re.M), lesson.name
    assert bad_status == 2 and "invalid choice: 'show'" in bad


def test_every_run_block_of_the_pages_is_found_before_the_build():
    """The build starts every page's runs at once; each block is found with its options."""
    sample_runs = _sample_runs()
    runs = {p.name: sample_runs.find_runs(p) for p in (ROOT / "docs").rglob("*.md")}
    blocks = {p.name: len(re.findall(r"^```\{descentlab-(?:run|python)\}", p.read_text(), re.M))
              for p in (ROOT / "docs").rglob("*.md")}
    assert {k: len(v) for k, v in runs.items()} == blocks
    grade = next(r for r in runs["exercises.md"] if "grade" in r.steps[0])
    assert grade.script == "../samples/make_class.py"
    assert all(Path(r.folder, name).exists() for rs in runs.values() for r in rs
               for name in [r.script, *r.files.split()] if name)


@pytest.mark.slow
def test_a_page_whose_command_ends_otherwise_fails_to_build(tmp_path):
    """A run's exit status is part of the page: one that ends with another status (a command
    that broke) stops the build, naming the command and what it printed."""
    _sample_runs()
    pytest.importorskip("myst_parser")
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
        "extensions = ['myst_parser', 'sample_runs']\n")
    (tmp_path / "index.md").write_text(
        "# Lessons\n\n```{descentlab-run} exercise list\n```\n\n"
        "```{descentlab-run} exercise show linear_regression\n:exit: 0\n```\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    build = [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path), str(tmp_path / "out")]
    done = subprocess.run(build, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode != 0
    assert "descentlab exercise show linear_regression ended with exit status 2, not 0" in done.stderr
    (tmp_path / "index.md").write_text("# Lessons\n\n```{descentlab-run} exercise list\n```\n")
    done = subprocess.run([b for b in build if b != "-q"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "sample runs: 1 started with the build, 0 run when their page was read" in done.stdout
    page = html.unescape((tmp_path / "out" / "index.html").read_text())
    assert "$ descentlab exercise list" in page and "the heavy-ball momentum update" in page


# ------------------------------------------------------- the maths pages (issue 25, item 12)
# A docstring keeps the formula and points to its derivation as
# ``Derivation: :doc:`/maths/<page>`, "<section>"``; the -W build checks the page, the
# tests below the section's heading too, without building anything.
MATHS = ROOT / "docs" / "maths"
POINTER = re.compile(r':doc:`/maths/([\w-]+)`(?:,\s+"([^"]+)")?')


def _headings(page: str) -> set[str]:
    return {line.lstrip("#").strip() for line in (MATHS / f"{page}.md").read_text().splitlines()
            if line.startswith("#")}


def _pointers() -> list[tuple[str, str, str | None]]:
    found = []
    for path in sorted((ROOT / "src" / "descentlab").rglob("*.py")):
        text = re.sub(r"\s*\n\s*", " ", path.read_text())  # a pointer may wrap
        found += [(path.name, page, section) for page, section in POINTER.findall(text)]
    return found


def test_the_docstrings_point_to_the_maths_pages():
    pointers = _pointers()
    assert len({page for _, page, _ in pointers}) >= 5, pointers


def test_every_pointer_names_a_page_and_a_heading_there():
    wrong = [(name, page, section) for name, page, section in _pointers()
             if not (MATHS / f"{page}.md").exists() or (section and section not in _headings(page))]
    assert not wrong, f"no such maths page or section: {wrong}"


def test_every_maths_page_is_in_the_maths_toctree():
    index = (ROOT / "docs" / "maths.md").read_text()
    assert {p.stem for p in MATHS.glob("*.md")} <= set(re.findall(r"^maths/([\w-]+)$", index, re.M))


@pytest.mark.slow
def test_the_maths_pages_are_built_with_their_math(site):
    page = _page(site, "maths/stability.html")
    assert "Momentum and Nesterov" in page and "\\frac{2}{\\lambda_{\\max}(H)}" in page


# -- the API reference names every public module -------------------------------------------
PACKAGE = ROOT / "src" / "descentlab"
#: Modules left out of docs/api on purpose, each with its reason.
NOT_IN_THE_API = {
    # imports numba at import time, which the docs extra does not install (the README's docs
    # build would fail to import it); its one public helper is described in fast.kernels
    "descentlab.fast.numba_kernel": "needs numba (pip install descentlab[fast])",
}
AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)\s*$", re.M)


def _modules(path: Path = PACKAGE, prefix: str = "descentlab.") -> list[tuple[str, Path]]:
    """Every module and package of descentlab, as ``pkgutil.walk_packages`` finds them, but
    without importing anything: (dotted name, its file)."""
    import pkgutil

    found = []
    for info in pkgutil.iter_modules([str(path)], prefix):
        leaf = info.name.rpartition(".")[2]
        if info.ispkg:
            found.append((info.name, path / leaf / "__init__.py"))
            found += _modules(path / leaf, info.name + ".")
        else:
            found.append((info.name, path / f"{leaf}.py"))
    return found


def _defines_public_names(init: Path) -> bool:
    """Whether a package's ``__init__`` defines a public function or class of its own (the
    others only re-export names, documented where they live)."""
    import ast

    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
               and not node.name.startswith("_") for node in ast.parse(init.read_text()).body)


def _public_modules() -> set[str]:
    public = set()
    for name, file in _modules():
        parts = name.split(".")
        if any(part.startswith("_") for part in parts):             # private, __main__
            continue
        if parts[1:3] == ["exercises", "templates"] or parts[1:3] == ["exercises", "solutions"]:
            continue                                                # the learner's files
        if file.name == "__init__.py" and not _defines_public_names(file):
            continue
        public.add(name)
    return public - set(NOT_IN_THE_API)


def _documented_modules() -> set[str]:
    return {name for page in (ROOT / "docs" / "api").glob("*.rst")
            for name in AUTOMODULE.findall(page.read_text())}


def test_every_public_module_is_in_the_api_reference():
    missing = sorted(_public_modules() - _documented_modules())
    assert not missing, f"no '.. automodule::' in docs/api/*.rst for: {missing}"


def test_the_api_reference_names_only_modules_that_exist():
    names = {name for name, _ in _modules()}
    assert set(NOT_IN_THE_API) <= names, "an exclusion names a module that is gone"
    assert not _documented_modules() & set(NOT_IN_THE_API)
    assert _documented_modules() <= names, sorted(_documented_modules() - names)


@pytest.mark.slow
def test_the_module_walk_finds_what_pkgutil_finds():
    """The walk above, checked once against ``pkgutil.walk_packages`` (which imports packages)."""
    import pkgutil

    import descentlab

    walked = {info.name for info in pkgutil.walk_packages(descentlab.__path__, "descentlab.")}
    assert {name for name, _ in _modules()} == walked
