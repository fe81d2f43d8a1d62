"""``descentlab predict MODEL data.csv``: predictions of a saved model, as CSV."""

import argparse

from descentlab.cli._options import add_out
from descentlab.outputs.models import PREDICTIONS


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab predict`` to ``sub``: the model, the CSV file, ``--out`` (default: stdout).

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["out/model.json", "new.csv"])
    >>> args.model, args.csv, args.out
    ('out/model.json', 'new.csv', None)
    """
    p = sub.add_parser("predict", help="predict with a model saved by 'descentlab fit'",
                       description="Load a model saved by 'descentlab fit' and predict for every "
                       "row of a CSV file that has the model's feature columns. Writes CSV: the "
                       "prediction (and, for a classifier, the probabilities of its labels) to "
                       "standard output, or to predictions.csv in --out.")
    p.add_argument("model", help="model file written by 'descentlab fit'")
    p.add_argument("csv", help="CSV file with a header row and the model's feature columns")
    add_out(p, PREDICTIONS, default=None)
    p.add_argument("--delimiter", default=",",
                   help="the character between cells (default ','; e.g. ';' or '\\t' for tabs)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Predict for every row of the CSV file, as CSV on stdout or in ``--out``; the exit code.

    >>> import contextlib, io, tempfile
    >>> import numpy as np
    >>> from descentlab.cli import build_parser
    >>> from descentlab.estimators import GDRegressor
    >>> from descentlab.outputs.models import save_model
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()) as said:
    ...     model = save_model(GDRegressor(epochs=500).fit(X, 2 * X[:, 0] + 1), f"{folder}/m.json")
    ...     _ = model.with_name("new.csv").write_text("x0\\n10\\n")
    ...     code = run(build_parser().parse_args(["predict", str(model), f"{folder}/new.csv"]))
    >>> header, value = said.getvalue().split()
    >>> code, header, round(float(value), 2)  # y = 2 x + 1 at x = 10
    (0, 'prediction', 21.0)
    """
    from descentlab.cli._outputs import command_of
    from descentlab.outputs import models

    command = command_of(args) if args.out is not None else None  # None: the CSV on stdout
    models.predict(args.model, args.csv, command, delimiter=args.delimiter, say=print)
    return 0
