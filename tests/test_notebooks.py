"""Every notebook in examples/ runs top to bottom in a fresh kernel, within a time budget.

The article notebook's printed losses land in the article's ranges (the same ranges as
tests/lessons/test_lessons_article.py) and every cell tagged ``figure`` draws an image.
"""

import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
BUDGET_S = 120          # per notebook; each takes 10 to 30 s on 2 cores


def _kernel_name():
    """ipykernel's own spec for this interpreter (installed with ipykernel), else skip."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no python3 Jupyter kernel: pip install ipykernel")
    return "python3"


def execute(path, tmp_path, monkeypatch):
    """Run the notebook in ``tmp_path`` with this checkout's descentlab; return it and the time."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=BUDGET_S, kernel_name=_kernel_name(),
                                     resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()                     # raises CellExecutionError when a cell fails
    return nb, time.perf_counter() - start


def test_the_notebooks_are_stored_without_outputs():
    assert [p.name for p in NOTEBOOKS] == ["01-article.ipynb", "02-beyond-one-neuron.ipynb",
                                           "03-estimators.ipynb", "04-fast-and-big.ipynb"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def _tagged(nb, tag):
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def _images(cell):
    return [o for o in cell.outputs if "image/png" in o.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_within_budget_and_draws_its_figures(path, tmp_path, monkeypatch):
    nb, seconds = execute(path, tmp_path, monkeypatch)
    assert seconds < BUDGET_S
    figures = _tagged(nb, "figure")
    assert figures, "every notebook draws at least one figure"
    for cell in figures:
        assert _images(cell), f"{path.name}: no image from\n{cell.source}"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    if path.name == "01-article.ipynb":
        check_article(nb)


def check_article(nb):
    """The training cell prints the article's lines with losses in the article's ranges."""
    (training,) = _tagged(nb, "training")
    text = "".join(o.text for o in training.outputs if o.output_type == "stream")
    epochs = [int(e) for e in re.findall(r"^Epoch:  (\d+)$", text, re.M)]
    losses = [float(v) for v in re.findall(r"^Loss =  (\S+)$", text, re.M)]
    assert epochs == list(range(0, 61, 10)) and len(losses) == 7
    assert 1500 < losses[0] < 8000          # the article: 2934 at epoch 0
    assert 55 < losses[-1] < 90             # the article: 64.6 at epoch 60
    assert all(a > b for a, b in zip(losses, losses[1:]))
    assert len(_images(training)) == 7      # a figure every 10 epochs
    closing = "".join(o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream" and "Prediction:" in o.text)
    m = float(re.search(r"^m =  (\S+)", closing, re.M).group(1))
    assert 77 < m < 86                      # the article: m = 82.3
    # the inline animation: its player with every frame, as the HTML of its cell
    players = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "frames-data" in o.get("data", {}).get("text/html", "")]
    assert players
    frames = re.search(r'class="frames-data">(.*?)</script>', players[0]["data"]["text/html"]).group(1)
    assert frames.count('"') == 2 * 31
