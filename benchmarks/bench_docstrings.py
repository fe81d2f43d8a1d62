"""Docstring lines against code lines, per room, and the longest docstrings (issue 25 item 12).

    python benchmarks/bench_docstrings.py [--longest 20] [--over 25]

A docstring line is a line of a module, class or function docstring; a code line is a
non-blank line that is neither a docstring nor a comment. The table is what a newcomer
feels: how much there is to read beside each line that runs.
"""

import argparse
import ast
import io
import tokenize
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "descentlab"


def _docstring_nodes(tree: ast.Module) -> list[tuple[str, ast.Constant]]:
    """(qualified name, docstring node) of the module and of every class and function."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.append((prefix or "<module>", body[0].value))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(child, f"{prefix}.{child.name}" if prefix else child.name)

    visit(tree, "")
    return found


def measure(path: Path) -> tuple[int, int, list[tuple[int, str]]]:
    """(docstring lines, code lines, [(lines, name) of each docstring]) of one file."""
    text = path.read_text()
    tree = ast.parse(text)
    doc_lines: set[int] = set()
    docs = []
    for name, node in _docstring_nodes(tree):
        assert node.end_lineno is not None
        doc_lines.update(range(node.lineno, node.end_lineno + 1))
        docs.append((node.end_lineno - node.lineno + 1, name))
    comment_only = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT and not tok.line[:tok.start[1]].strip():
            comment_only.add(tok.start[0])
    code = sum(1 for i, line in enumerate(text.splitlines(), 1)
               if line.strip() and i not in doc_lines and i not in comment_only)
    return len(doc_lines), code, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--longest", type=int, default=20, help="how many of the longest docstrings to list")
    parser.add_argument("--over", type=int, default=25, help="count the docstrings longer than this")
    args = parser.parse_args()
    rooms: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    every = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        room = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        doc, code, docs = measure(path)
        rooms[room][0] += doc
        rooms[room][1] += code
        every += [(n, f"{'.'.join(rel.with_suffix('').parts)}:{name}") for n, name in docs]
    print(f"{'room':<14}{'docstring':>10}{'code':>8}{'ratio':>8}")
    for room, (doc, code) in sorted(rooms.items()):
        print(f"{room:<14}{doc:>10}{code:>8}{doc / max(code, 1):>8.2f}")
    doc, code = (sum(v[i] for v in rooms.values()) for i in (0, 1))
    print(f"{'total':<14}{doc:>10}{code:>8}{doc / max(code, 1):>8.2f}")
    every.sort(reverse=True)
    print(f"\ndocstrings over {args.over} lines: {sum(n > args.over for n, _ in every)}")
    print(f"the {args.longest} longest:")
    for n, name in every[:args.longest]:
        print(f"{n:>5}  {name}")


if __name__ == "__main__":
    main()
