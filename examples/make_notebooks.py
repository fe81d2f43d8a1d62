"""Write the example notebooks, without outputs, from their cells in ``sources/``.

    python examples/make_notebooks.py

The notebooks are kept in git without outputs; ``sources/`` (one module of cells per
notebook) and this script are their source. Cells tagged ``figure`` must draw an image
(``tests/test_notebooks.py`` checks it), the cell tagged ``training`` prints the article's
``Epoch:`` / ``Loss =`` lines, and ``remove-stderr`` keeps a progress bar's redraws out of
the docs page (myst-nb).
"""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sources"))

import article, estimators, fast, networks  # noqa: E402  (sources/, one module per notebook)


NOTEBOOKS = {"01-article.ipynb": article.CELLS, "02-beyond-one-neuron.ipynb": networks.CELLS,
             "03-estimators.ipynb": estimators.CELLS, "04-fast-and-big.ipynb": fast.CELLS}


def main():
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        for i, cell in enumerate(nb.cells):      # stable ids: the files change only when cells do
            cell.id = f"{name.split('-')[0]}-{i:02d}"
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
