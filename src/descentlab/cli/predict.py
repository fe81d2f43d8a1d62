"""``descentlab predict MODEL data.csv``: predictions of a saved model, as CSV."""

from descentlab.estimators.workflow import predict_csv, predictions_csv, write_predictions


def add_parser(sub):
    p = sub.add_parser("predict", help="predict with a model saved by 'descentlab fit'",
                       description="Load a model saved by 'descentlab fit' and predict for every "
                       "row of a CSV file that has the model's feature columns. Writes CSV: the "
                       "prediction (and, for a classifier, the probability of the second label).")
    p.add_argument("model", help="model file written by 'descentlab fit'")
    p.add_argument("csv", help="CSV file with a header row and the model's feature columns")
    p.add_argument("--out", help="write the predictions here (default: print them)")
    p.add_argument("--delimiter", default=",",
                   help="the character between cells (default ','; e.g. ';' or '\\t' for tabs)")
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.files import check_outputs

    if args.out is not None:
        check_outputs([("predictions", args.out)], inputs=[args.model, args.csv])
    _, _, predictions = predict_csv(args.model, args.csv, delimiter=args.delimiter)
    if args.out is None:
        print(predictions_csv(predictions), end="")
    else:
        write_predictions(args.out, predictions)
        n = len(next(iter(predictions.values())))
        print(f"Wrote {n} predictions to {args.out}")
    return 0
