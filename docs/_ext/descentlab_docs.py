"""Sphinx pieces drawn from descentlab itself at build time.

* ``.. descentlab-cli::`` renders ``descentlab --help`` and every subcommand's help from
  :func:`descentlab.cli.build_parser`, so the CLI reference cannot drift from the code;
* ``.. descentlab-gallery::`` shows figures drawn by the library during the build
  (``gallery.py`` makes the PNGs into ``_generated/gallery``, never committed);
* ``.. descentlab-run:: tutorial --lr 2`` runs that command during the build, in a
  folder of its own, and shows what it printed (``:head:`` / ``:tail:`` keep the first and
  last lines around a ``...``), so a guide's sample output cannot go stale;
* the local MathJax file is copied into the built site's ``_static``.
"""

import argparse
import os
import shutil
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles


def subcommands(parser):
    """``[(name, subparser), ...]`` in the order the parser lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices.items())
    return []


def _help(parser):
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"                # argparse wraps to the terminal width
    try:
        return parser.format_help()
    finally:
        if columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = columns


def _literal(text):
    return [".. code-block:: text", ""] + ["   " + line for line in text.rstrip().splitlines()] + [""]


class CLIReference(SphinxDirective):
    """Every subcommand of ``descentlab``, each a section with its ``--help``."""

    def run(self):
        from descentlab.cli import build_parser

        parser = build_parser()
        lines = _literal(_help(parser))
        for name, sub in subcommands(parser):
            title = f"descentlab {name}"
            lines += [title, "-" * len(title), ""] + _literal(_help(sub))
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="descentlab.cli"), container)
        return container.children


class CommandOutput(SphinxDirective):
    """What ``descentlab <arguments>`` prints, run now in a scratch folder (cached per build).

    The argument is the first command; each line of the content is one more, run after it
    in the same folder (``descentlab ...``). ``:setup:`` is Python run there first, unshown
    (the guide shows it in its own words), e.g. to write the CSV file a command reads.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"head": int, "tail": int, "setup": str}
    _cache: dict = {}

    def run(self):
        import shlex
        import subprocess
        import sys
        import tempfile

        commands = [shlex.split(c) for c in [self.arguments[0], *self.content] if c.strip()]
        commands = [c[1:] if c[0] == "descentlab" else c for c in commands]
        setup = self.options.get("setup", "")
        key = (setup, *map(tuple, commands))
        if key not in self._cache:
            shown = []
            env = {**os.environ, "COLUMNS": "100"}
            with tempfile.TemporaryDirectory() as scratch:
                if setup:
                    subprocess.run([sys.executable, "-c", setup], cwd=scratch, check=True, env=env)
                for argv in commands:
                    done = subprocess.run([sys.executable, "-m", "descentlab", *argv], cwd=scratch,
                                          capture_output=True, text=True, timeout=300, env=env)
                    lines = (done.stdout + done.stderr).replace(scratch, ".").rstrip().splitlines()
                    head, tail = self.options.get("head"), self.options.get("tail")
                    if head is not None and tail is not None and head + tail < len(lines):
                        lines = lines[:head] + ["..."] + lines[len(lines) - tail:]
                    shown += ([""] if shown else []) + ["$ descentlab " + shlex.join(argv), *lines]
            self._cache[key] = shown
        block = nodes.literal_block(text="\n".join(self._cache[key]))
        block["language"] = "text"
        return [block]


class Gallery(SphinxDirective):
    """The figures of ``gallery.FIGURES``, each with its caption."""

    def run(self):
        from gallery import FIGURES

        lines = []
        for name, title, caption, _ in FIGURES:
            lines += [title, "-" * len(title), "", f".. figure:: /_generated/gallery/{name}.png",
                      f"   :alt: {title}", "   :width: 100%", "", f"   {caption}", ""]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="gallery"), container)
        return container.children


def _draw_gallery(app):
    from gallery import draw_all

    draw_all(Path(app.srcdir) / "_generated" / "gallery")


def mathjax_file():
    """MathJax 3's single-file SVG renderer, from the django-static-mathjax wheel."""
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "mathjax"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(mathjax_file(), target / "tex-svg.js")


def setup(app):
    app.add_directive("descentlab-cli", CLIReference)
    app.add_directive("descentlab-gallery", Gallery)
    app.add_directive("descentlab-run", CommandOutput)
    app.connect("builder-inited", _draw_gallery)
    app.connect("build-finished", _copy_mathjax)
    app.connect("autodoc-skip-member", _skip_inherited_sklearn)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def _skip_inherited_sklearn(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing methods (``set_fit_request``, ...):
    they are scikit-learn's, documented there, and their docstrings cite its glossary."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None
