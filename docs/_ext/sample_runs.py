"""The guides' sample outputs, made by running the real thing while the docs build.

* ``descentlab-run`` runs ``descentlab`` commands (the argument, then one per content line)
  in a scratch folder of their own and shows what they printed, each after its ``$`` line;
* ``descentlab-python`` shows a Python snippet and then what it printed, run the same way.

Options of both: ``:setup:`` (Python run first, unshown), ``:script:`` (a Python file,
relative to the page, run first: a page can show it with ``literalinclude``), ``:files:``
(files or folders, relative to the page, copied in first), ``:exit:`` (the exit status the
run must end with, default 0); ``descentlab-run`` also ``:head:`` / ``:tail:`` (keep that
many first and last lines of each command around a ``...``). A run that ends otherwise,
or prints a traceback where none is expected, fails the build, so a page cannot show an
output its command no longer gives. Every run starts in the background when the build
starts (:func:`prefetch`), so they overlap with the rest of the build.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

TIMEOUT_S = 300
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    """One directive's run: what to do in a fresh scratch folder (hashable: the cache key)."""

    kind: str                          # "run" (descentlab commands) or "python" (a snippet)
    folder: str                        # the page's folder: :script: and :files: are relative to it
    steps: tuple                       # commands (tuples of arguments), or ((code,),)
    setup: str = ""
    script: str = ""
    files: str = ""

    def execute(self) -> list:
        """``[(shown command or None, stdout, stderr, exit status), ...]``, one per step."""
        env = {**os.environ, "COLUMNS": "100"}
        results = []
        with tempfile.TemporaryDirectory(prefix="descentlab-docs-") as scratch:
            for name in self.files.split():
                source = Path(self.folder, name)
                copy = shutil.copytree if source.is_dir() else shutil.copy2
                copy(source, Path(scratch, source.name))
            prelude = [[sys.executable, "-c", self.setup]] if self.setup else []
            if self.script:
                prelude.append([sys.executable, str(Path(self.folder, self.script))])
            for argv in prelude:
                done = subprocess.run(argv, cwd=scratch, env=env, capture_output=True,
                                      text=True, timeout=TIMEOUT_S)
                if done.returncode:
                    raise RuntimeError(f"the setup failed: {done.stderr.strip()[-2000:]}")
            for step in self.steps:
                if self.kind == "python":
                    argv, shown = [sys.executable, "-c", step[0]], None
                else:
                    argv = [sys.executable, "-m", "descentlab", *step]
                    shown = "$ descentlab " + shlex.join(step)
                done = subprocess.run(argv, cwd=scratch, env=env, capture_output=True,
                                      text=True, timeout=TIMEOUT_S)
                out, err = (text.replace(os.path.realpath(scratch), ".").replace(scratch, ".")
                            for text in (done.stdout, done.stderr))
                results.append((shown, out, err, done.returncode))
        return results


def _commands(first: str, more) -> tuple:
    commands = [shlex.split(line) for line in [first, *more] if line.strip()]
    return tuple(tuple(c[1:] if c[0] == "descentlab" else c) for c in commands)


def _code(lines) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def make_run(kind: str, folder, argument: str, content, options: dict) -> Run:
    steps = _commands(argument, content) if kind == "run" else ((_code(content),),)
    return Run(kind, str(Path(folder).resolve()), steps, options.get("setup", "").strip(),
               options.get("script", "").strip(), options.get("files", "").strip())


# -- running them all in the background from the start of the build ----------------------
_POOL: dict = {}                       # {"pid": ..., "pool": ThreadPoolExecutor}
_FUTURES: dict[Run, Future] = {}
_COUNTS = {"early": 0, "late": 0}      # runs taken from the pool / run when their page was read
FENCE = re.compile(r"^```\{descentlab-(run|python)\}[ \t]*(.*?)\n(.*?)^```[ \t]*$", re.M | re.S)
OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$")


def find_runs(page: Path) -> list:
    """The runs the ``descentlab-run`` / ``descentlab-python`` blocks of a MyST page ask for."""
    runs = []
    for kind, argument, body in FENCE.findall(page.read_text(encoding="utf-8")):
        lines, options = body.splitlines(), {}
        while lines and OPTION.match(lines[0]):
            name, value = OPTION.match(lines.pop(0)).groups()
            options[name] = value
        runs.append(make_run(kind, page.parent, argument.strip(), lines, options))
    return runs


def prefetch(app) -> None:
    """Start every page's runs on a pool of threads (each run is its own processes)."""
    pool = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))
    _POOL.update(pid=os.getpid(), pool=pool)
    for page in sorted(Path(app.srcdir).rglob("*.md")):
        if "_build" in page.parts:
            continue
        for run in find_runs(page):
            if run not in _FUTURES:
                _FUTURES[run] = pool.submit(run.execute)


def results_of(run: Run) -> list:
    """The run's results: from the background pool when it started there, else run now."""
    future = _FUTURES.get(run) if _POOL.get("pid") == os.getpid() else None
    _COUNTS["early" if future is not None else "late"] += 1
    return future.result() if future is not None else run.execute()


def shutdown(app, exception) -> None:
    logger.info("sample runs: %d started with the build, %d run when their page was read",
                _COUNTS["early"], _COUNTS["late"])
    pool = _POOL.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# -- the directives ----------------------------------------------------------------------
def _shorten(lines: list, head, tail) -> list:
    if head is not None and tail is not None and head + tail < len(lines):
        return lines[:head] + ["..."] + lines[len(lines) - tail:]
    return lines


def _block(text: str, language: str) -> nodes.literal_block:
    block = nodes.literal_block(text=text)
    block["language"] = language
    return block


class _Sample(SphinxDirective):
    kind = ""
    has_content = True
    option_spec = {"setup": directives.unchanged, "script": directives.unchanged,
                   "files": directives.unchanged, "exit": int}

    def results(self) -> list:
        folder = Path(self.env.doc2path(self.env.docname)).parent
        run = make_run(self.kind, folder, " ".join(self.arguments), self.content, self.options)
        for name in [self.options.get("script", ""), *self.options.get("files", "").split()]:
            if name.strip():
                self.env.note_dependency(str(folder / name.strip()))
        try:
            results = results_of(run)
        except Exception as exc:
            raise self.error(f"{self.name}: {exc}") from None
        expected = self.options.get("exit", 0)
        for shown, out, err, status in results:
            text = out + err
            if status != expected or ("Traceback (most recent call last)" in text and not expected):
                raise self.error(f"{self.name}: {shown or 'the snippet'} ended with exit status "
                                 f"{status}, not {expected}; it printed:\n{text[-3000:]}")
        return results


class CommandOutput(_Sample):
    """``descentlab <argument>`` (and each content line, one more command) and its output."""

    kind = "run"
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {**_Sample.option_spec, "head": int, "tail": int}

    def run(self):
        shown = []
        for command, out, err, status in self.results():
            lines = _shorten((out + err).rstrip().splitlines(), self.options.get("head"), self.options.get("tail"))
            if status:
                lines = [*lines, f"(exit status {status})"]
            shown += ([""] if shown else []) + [command, *lines]
        return [_block("\n".join(shown), "text")]


class PythonOutput(_Sample):
    """A Python snippet, then what it printed (with an expected ``:exit:``, its error's line)."""

    kind = "python"

    def run(self):
        [(_, out, err, status)] = self.results()
        lines = out.rstrip().splitlines()
        if status:          # an expected exception: its last line, as Python prints it
            lines += [line for line in err.splitlines() if line and not line.startswith(" ")][-1:]
        out = [_block(_code(self.content), "python")]
        if lines:
            out.append(_block("\n".join(lines), "text"))
        return out


def setup(app) -> None:
    app.add_directive("descentlab-run", CommandOutput)
    app.add_directive("descentlab-python", PythonOutput)
    app.connect("builder-inited", prefetch)
    app.connect("build-finished", shutdown)
