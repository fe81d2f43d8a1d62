"""The README and the guides say true things: the tests they cite exist, and every
``descentlab`` command line they show parses with today's options."""

import re
import shlex
from pathlib import Path

import pytest

from descentlab.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _citations(page):
    return CITED.findall(page.read_text(encoding="utf-8"))


def test_the_readme_table_backs_every_yes_with_a_test():
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and "backed by" not in line and not line.startswith("| ---")]
    table = [r for r in rows if CITED.search(r)]
    assert len(table) >= 6
    for row in table:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1].startswith("yes"), row  # descentlab's column
        assert CITED.search(cells[-1]), row


@pytest.mark.parametrize("page", [p for p in PAGES if _citations(p)], ids=lambda p: p.name)
def test_every_cited_test_exists(page):
    for path, name in _citations(page):
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{page.name} cites {path}::{name}"


def _command_lines(page):
    """The ``descentlab ...`` commands of a page's bash blocks (split at ; and &&)."""
    text = page.read_text(encoding="utf-8")
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            for part in re.split(r";|&&", line):
                part = part.strip()
                if part.startswith("descentlab "):
                    yield part


@pytest.mark.parametrize("page", [p for p in PAGES if list(_command_lines(p))], ids=lambda p: p.name)
def test_every_shown_command_line_parses(page):
    parser = build_parser()
    for line in _command_lines(page):
        try:
            parser.parse_args(shlex.split(line)[1:])
        except SystemExit as exc:
            pytest.fail(f"{page.name}: {line!r} does not parse (exit {exc.code})")
