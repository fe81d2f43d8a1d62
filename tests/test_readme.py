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


def _first_screen():
    """The README down to the end of its Quick start: what a newcomer reads first."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[:text.index("\n## ", text.index("## Quick start"))]


def test_the_readme_opens_for_learners():
    """What it is, the two quick-start commands and what the first one leaves to look at;
    no benchmark figure before them."""
    first = _first_screen()
    assert 'Part 2 of\n"Neural Networks with Numpy for Absolute Beginners"' in first
    assert "pip install . && descentlab tutorial" in first
    assert 'pip install ".[test]" && python -m pytest' in first
    assert "`Epoch:`" in first and "descentlab-out/epoch_061.png" in first
    assert not re.search(r"benchmark|X\.T @ X|\d ?(ms|µs)\b|\d+(\.\d+)?x\b", first, re.I)


TIMING = re.compile(r"\b\d+(\.\d+)? ?(ms|µs)\b|\b\d+\.\d+x\b|\b\d+\.\d+ times\b|benchmarks/bench_")


def test_benchmark_figures_live_in_the_performance_guide():
    """The README points to the performance guide, which holds the figures and the
    scripts that measure them (the GPU targets among them)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not TIMING.search(readme), TIMING.search(readme)
    assert "[Fast and big](docs/guide/fast.md)" in readme
    fast = (ROOT / "docs" / "guide" / "fast.md").read_text(encoding="utf-8")
    assert TIMING.search(fast) and "benchmarks/bench_gpu.py" in fast and "H200" in fast
