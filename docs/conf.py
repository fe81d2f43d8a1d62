"""Sphinx configuration: the descentlab documentation site, built offline.

    pip install -e ".[docs]" && sphinx-build -W -b html docs docs/_build/html

The API reference comes from the numpydoc docstrings (autodoc + numpydoc, math by a local
MathJax), the example notebooks are executed by myst-nb at build time, the gallery's
figures are drawn by the library at build time and the CLI reference is rendered from
the argument parser (``_ext/descentlab_docs.py``). Nothing is fetched from the network.
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SRC = DOCS.parent / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(DOCS / "_ext"))
# the notebooks' kernels inherit the environment: they import this checkout's descentlab
os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])
os.environ.setdefault("MPLBACKEND", "Agg")

from descentlab._version import __version__  # noqa: E402

project = "descentlab"
author = "the descentlab authors"
copyright = "2026, the descentlab authors"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "descentlab_docs",
]

exclude_patterns = ["_build", "_generated/**/*.md", "**.ipynb_checkpoints", "jupyter_execute"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# -- the API reference -----------------------------------------------------------------
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"            # the numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- math: MathJax 3 from the django-static-mathjax wheel, copied into _static -------------
try:
    import mathjax  # noqa: F401  (descentlab_docs copies its tex-svg.js into _static)
except ImportError as exc:                 # never fall back to a CDN: the site works offline
    raise RuntimeError("the docs need a local MathJax: pip install -e '.[docs]' "
                       "(it installs django-static-mathjax)") from exc
mathjax_path = "mathjax/tex-svg.js"

# -- notebooks (myst-nb executes them; outputs are cached between local builds) --------------
nb_execution_mode = os.environ.get("DESCENTLAB_NB_EXECUTION", "cache")
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# A notebook whose cells show ipywidgets (the progress bar) would make myst-nb load
# require.js and the widget manager from a CDN; the site fetches nothing from outside,
# so widget outputs render as their text fallback.
nb_ipywidgets_js: dict = {}
nb_kernel_rgx_aliases = {".*": "python3"}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- HTML -----------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"descentlab {release}"
html_static_path = []
html_theme_options = {"description": "Gradient-descent learning, taught and performed",
                      "page_width": "1180px", "sidebar_width": "230px"}
