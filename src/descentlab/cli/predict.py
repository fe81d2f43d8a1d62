"""``descentlab predict MODEL data.csv``: predictions of a saved model, as CSV."""

from descentlab.cli._options import add_out
from descentlab.estimators.workflow import predict_csv, predictions_csv
from descentlab.outputs.models import write_predictions

#: The file ``predict --out FOLDER`` writes.
PREDICTIONS = "predictions.csv"


def add_parser(sub):
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


def run(args):
    from descentlab.cli._outputs import check_folder, recording
    from descentlab.files import ensure_writable_dir
    from descentlab.outputs.manifest import MANIFEST

    planned = [PREDICTIONS, MANIFEST]
    if args.out is not None:
        check_folder(args.out, planned, inputs=[args.model, args.csv])
    _, _, predictions = predict_csv(args.model, args.csv, delimiter=args.delimiter)
    if args.out is None:
        print(predictions_csv(predictions), end="")
        return 0
    ensure_writable_dir(args.out)
    with recording(args, planned) as record:
        path = write_predictions(record.path(PREDICTIONS), predictions)
    n = len(next(iter(predictions.values())))
    print(f"Wrote {n} predictions to {path}")
    return 0
