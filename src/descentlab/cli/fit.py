"""``descentlab fit data.csv --target COLUMN``: train on real data, print metrics, save the model."""

import sys

from descentlab.estimators.workflow import FitConfig, fit_csv, save_fit
from descentlab.cli.progress import ProgressBar


def _tol(text):
    return None if text.lower() == "none" else float(text)


def add_parser(sub):
    d = FitConfig(csv="", target="")
    p = sub.add_parser("fit", help="train a linear model on a CSV file and save it",
                       description="Train a linear regression (or, with --classify, a binary "
                       "logistic regression) by gradient descent on the columns of a CSV file "
                       "with a header row; print its metrics and save the model as JSON. "
                       "Features are standardised inside the model and the learning rate is "
                       "chosen from the data unless --lr is given. Ctrl-C stops training and "
                       "keeps the model trained so far.")
    p.add_argument("csv", help="CSV file with a header row")
    p.add_argument("--target", required=True, help="the column to predict")
    p.add_argument("--features", nargs="+", metavar="COLUMN",
                   help="feature columns (default: every column but the target)")
    p.add_argument("--classify", action="store_true",
                   help="binary classification (the target holds 2 labels, text or numbers)")
    p.add_argument("--optimizer", default=None, choices=["gd", "momentum", "nesterov", "adam"],
                   help="update rule (default nesterov; adam with --hidden)")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate (default: 1/lambda_max of the standardised data)")
    p.add_argument("--epochs", type=int, default=None,
                   help="epoch budget (default 1000; 3000 with --hidden)")
    p.add_argument("--hidden", type=int, nargs="+", metavar="N", default=None,
                   help="hidden layer sizes: train a neural network regressor, e.g. --hidden 16 8")
    p.add_argument("--activation", default="tanh", choices=["tanh", "relu", "sigmoid", "identity"],
                   help="the hidden layers' activation, with --hidden (default tanh)")
    p.add_argument("--solver", default="auto", choices=["auto", "gd", "moments", "fused"],
                   help="how each epoch is computed (linear regression): moments and fused are "
                   "fast paths to the same result; default auto")
    p.add_argument("--batch-size", type=int, default=None,
                   help="mini-batch size (default: full batch; 1 is stochastic gradient descent)")
    p.add_argument("--schedule", default=d.schedule,
                   choices=["constant", "invscaling", "step", "exponential", "cosine"],
                   help=f"learning-rate schedule (default {d.schedule})")
    p.add_argument("--tol", type=_tol, default=d.tol,
                   help=f"stop when the loss improves by less than this for 10 epochs; 'none' "
                   f"runs every epoch (default {d.tol:g})")
    p.add_argument("--early-stopping", action="store_true",
                   help="hold out 10%% of the rows and stop when their loss stops improving")
    p.add_argument("--test-size", type=float, default=d.test_size,
                   help="hold out this fraction to measure on (default 0: fit on every row)")
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed (default {d.seed})")
    p.add_argument("--out", default="model.json", help="where to save the model (default model.json)")
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.estimators.persist import check_writable

    config = FitConfig(csv=args.csv, target=args.target, features=args.features,
                       task="classification" if args.classify else "regression",
                       optimizer=args.optimizer, lr=args.lr, epochs=args.epochs,
                       batch_size=args.batch_size, schedule=args.schedule, tol=args.tol,
                       early_stopping=args.early_stopping, test_size=args.test_size, seed=args.seed,
                       solver=args.solver, hidden=args.hidden, activation=args.activation)
    check_writable(args.out)
    estimator = config.estimator()
    bar = ProgressBar(estimator.epochs)
    try:
        result = fit_csv(config, callbacks=[bar], on_start=_announce)
    finally:
        bar.close()
    for line in summary_lines(result):
        print(line)
    save_fit(result, args.out)
    print(f"Saved the model to {args.out}")
    if result.estimator.history_.status == "interrupted":
        print(f"descentlab: interrupted after {result.estimator.n_iter_} epochs; saved the model "
              "trained so far", file=sys.stderr)
        return 130
    return 0


def _announce(data, estimator):
    print(f"Training {type(estimator).__name__} on {data.X.shape[0]} rows x {data.X.shape[1]} "
          f"features of {data.path} (Ctrl-C stops and keeps the model so far)", flush=True)


def summary_lines(result):
    """What ``descentlab fit`` prints: how training ended, the metrics, the coefficients."""
    est = result.estimator
    h = est.history_
    if h.loss:
        scale = "" if hasattr(est, "classes_") else " on the standardised target"
        lines = [f"{h.status.capitalize()} after {est.n_iter_} epochs (learning rate "
                 f"{h.meta['lr']:.4g}; last training loss {h.loss[-1]:.6g}{scale})"]
    else:
        lines = [f"{h.status.capitalize()} before the first epoch ended"]
    for part, m in result.metrics.items():
        if "accuracy" in m:
            lines.append(f"{part}: accuracy = {m['accuracy']:.4f}   log loss = {m['log_loss']:.4f}")
        else:
            lines.append(f"{part}: R^2 = {m['r2']:.4f}   MAE = {m['mae']:.4g}   RMSE = {m['rmse']:.4g}")
    if hasattr(est, "coef_"):
        coefs = ", ".join(f"{name} {c:.6g}" for name, c in zip(result.features, est.coef_))
        lines.append(f"Coefficients (in the data's units): {coefs}; intercept {est.intercept_:.6g}")
    else:
        sizes = " -> ".join(str(n) for n in (len(result.features), *est.hidden_layer_sizes, 1))
        lines.append(f"Network {sizes} ({est.activation} hidden units): {est.weights_.size} weights")
    return lines
