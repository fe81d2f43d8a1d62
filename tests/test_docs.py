"""The documentation site builds with warnings as errors, offline, and holds what it promises.

One build (notebooks executed by myst-nb, gallery drawn, CLI reference rendered) into a
temporary folder, then checks on a few pages.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

for module in ("sphinx", "myst_nb", "numpydoc", "mathjax", "ipykernel"):
    pytest.importorskip(module, reason=f"the docs need {module}: pip install -e '.[docs]'")

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 600


@pytest.fixture(scope="module")
def site(tmp_path_factory):
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


def test_api_page_renders_math_and_the_loss_docstring(site):
    page = _page(site, "api/core.html")
    assert 'id="descentlab.core.losses.MeanSquaredError"' in page
    assert "Half the mean squared error" in page
    assert re.search(r'<div class="math[^"]*">\s*\\\[.*\\frac\{1\}\{2N\}', page, re.S)
    assert 'src="../_static/mathjax/tex-svg.js"' in page
    assert (site / "_static" / "mathjax" / "tex-svg.js").stat().st_size > 100_000


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


def test_notebook_pages_carry_their_outputs(site):
    page = _page(site, "examples/01-article.html")
    assert "Loss =  3" in page                              # the printed epoch-0 loss
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) >= 10
    assert all((site / "examples" / src).resolve().stat().st_size > 1000 for src in images)
    assert 'class="frames-data"' in page                    # the animation's player, inline
    for name in ("02-beyond-one-neuron", "03-estimators", "04-fast-and-big"):
        assert "<img" in _page(site, f"examples/{name}.html")


def test_gallery_is_drawn_at_build_time(site):
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from gallery import FIGURES

    page = _page(site, "gallery.html")
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) == len(FIGURES)
    assert all((site / src).stat().st_size > 5000 for src in images)


def test_the_site_fetches_nothing(site):
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", src), (path.name, src)
