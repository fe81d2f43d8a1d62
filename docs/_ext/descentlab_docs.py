"""Sphinx pieces drawn from descentlab itself at build time.

* ``.. descentlab-cli::`` renders ``descentlab --help`` and every subcommand's help from
  :func:`descentlab.cli.build_parser`, so the CLI reference cannot drift from the code;
* ``.. descentlab-gallery::`` shows figures drawn by the library during the build
  (``gallery.py`` makes the PNGs into ``_generated/gallery``, never committed);
* ``descentlab-run`` and ``descentlab-python`` (``sample_runs.py``) run a command or a
  snippet during the build, in a folder of its own, and show what it printed, so a
  guide's sample output cannot go stale;
* the local MathJax file is copied into the built site's ``_static``.
"""

import argparse
import os
import shutil
import typing
from pathlib import Path

import sample_runs
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
    sample_runs.setup(app)
    app.connect("builder-inited", _draw_gallery)
    app.connect("build-finished", _copy_mathjax)
    app.connect("autodoc-skip-member", _skip_inherited_sklearn)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def _skip_inherited_sklearn(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing methods (``set_fit_request``, ...):
    they are scikit-learn's, documented there, and their docstrings cite its glossary; and
    a module's type aliases (``Settings = dict[str, Any]``), which are annotations, not API,
    and whose signatures autodoc cannot format."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    if what == "module" and typing.get_origin(obj) is not None:
        return True
    return None
