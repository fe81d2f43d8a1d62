"""``descentlab predict MODEL data.csv``: predictions of a saved model, as CSV."""

import argparse

from descentlab.cli._options import add_out
from descentlab.outputs.models import PREDICTIONS


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
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
    from descentlab.cli._outputs import command_of
    from descentlab.outputs import models

    command = command_of(args) if args.out is not None else None  # None: the CSV on stdout
    models.predict(args.model, args.csv, command, delimiter=args.delimiter, say=print)
    return 0
