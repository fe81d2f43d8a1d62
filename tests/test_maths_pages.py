"""The derivations the docstrings point to are there (issue 25, item 12).

A docstring keeps the formula and points to its derivation as
``Derivation: :doc:`/maths/<page>`, "<section>"``; the site's ``-W`` build checks the page,
and this test checks the section's heading too, without building anything.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
