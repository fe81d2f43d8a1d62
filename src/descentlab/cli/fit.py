"""``descentlab fit data.csv --target COLUMN``: train on real data, print metrics, save the model.

The estimator options come from the estimators' ``_parameter_constraints`` (help,
limits and defaults); the data options from :class:`FitConfig`'s settings.
"""

import argparse
import sys

import numpy as np

from descentlab.cli._options import add_out, add_setting
from descentlab.cli.progress import ProgressBar
from descentlab.estimators.workflow import FIT_PARAMS, FitConfig, fit_csv, save_fit
from descentlab.settings import config_settings

#: The model file ``fit`` writes into ``--out`` (``descentlab predict`` reads it).
MODEL = "model.json"


def _estimator_option(p, name):
    """The option of the estimator setting ``name``, declared in the first of the linear
    regressor and classifier that has it (``class_weight``: classifiers only)."""
    from descentlab.estimators.linear import GDClassifier, GDRegressor
    from descentlab.estimators.network import GDNetworkRegressor

    owner = GDRegressor if name in GDRegressor._parameter_constraints else GDClassifier
    s = owner._parameter_constraints[name]
    linear = s.default
    default = f"{linear if linear is not None else s.none}"
    if owner is GDRegressor:
        network = GDNetworkRegressor._parameter_constraints.get(name)
        if network is None:
            default += "; without --hidden only"
        elif network.default != linear:
            default += f"; {network.default} with --hidden"
    else:
        default += "; balanced weighs class c by N / (n_classes N_c); with --classify only, without --hidden"
    flag = "--" + name.replace("_", "-")
    help_ = f"{s.help} (default {default})".replace("%", "%%")
    if s.kind == "options":
        p.add_argument(flag, dest=name, type=_options, default=argparse.SUPPRESS, metavar="K=V,...",
                       help=help_)
    else:  # SUPPRESS: an option left out keeps the estimator's own default
        add_setting(p, name, s, argparse.SUPPRESS)
        p._option_string_actions[flag].help = help_


def _options(text):
    """``"lr_min=0.001,power_t=0.5"`` -> ``{"lr_min": 0.001, "power_t": 0.5}``."""
    options = {}
    for part in filter(None, text.split(",")):
        key, sep, value = part.partition("=")
        try:
            options[key.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} in {text!r} is not NAME=NUMBER: "
                                             "give settings such as lr_min=0.001") from None
        if not sep:
            raise argparse.ArgumentTypeError(f"{part!r} is not NAME=NUMBER: give lr_min=0.001")
    return options


def add_parser(sub):
    p = sub.add_parser("fit", help="train a linear model on a CSV file and save it",
                       description="Train a linear regression (or, with --classify, a "
                       "logistic regression: binary, or multinomial for 3+ labels) by gradient descent on the columns of a CSV file "
                       "with a header row; print its metrics and save the model as JSON. "
                       "Features are standardised inside the model and the learning rate is "
                       "chosen from the data unless --lr is given. Writes model.json into --out. "
                       "Ctrl-C stops training and keeps the model trained so far.")
    p.add_argument("csv", help="CSV file with a header row, or a folder of CSV or Parquet files "
                   "(read with Dask)")
    p.add_argument("--target", required=True, help="the column to predict")
    p.add_argument("--features", nargs="+", metavar="COLUMN",
                   help="feature columns (default: every column but the target)")
    p.add_argument("--drop", nargs="+", metavar="COLUMN",
                   help="columns to leave out of the features (ids, text); instead of --features")
    p.add_argument("--delimiter", default=",",
                   help="the character between cells (default ','; e.g. ';' or '\\t' for tabs)")
    p.add_argument("--classify", action="store_true",
                   help="classification (the target holds 2 or more labels, text or numbers)")
    for name, (s, default) in config_settings(FitConfig).items():
        if name != "task":
            add_setting(p, name, s, default)
    for name in FIT_PARAMS:
        _estimator_option(p, name)
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="train on the Dask cluster whose scheduler is at ADDRESS, e.g. "
                   "tcp://10.0.0.5:8786 (each epoch one reduction on the workers)")
    add_out(p, MODEL)
    p.set_defaults(run=run)
    return p


def run(args):
    from descentlab.cli._options import say_if_large_run
    from descentlab.cli._outputs import check_folder, recording
    from descentlab.errors import DescentlabError
    from descentlab.files import deferred_signals, ensure_writable_dir, save_or_recover
    from descentlab.outputs.manifest import MANIFEST

    values = vars(args)
    config = FitConfig(csv=args.csv, target=args.target, features=args.features,
                       task="classification" if args.classify else "regression",
                       hidden=args.hidden, activation=args.activation, test_size=args.test_size,
                       seed=args.seed, delimiter=args.delimiter, drop=args.drop,
                       params={n: values[n] for n in FIT_PARAMS if n in values},
                       scheduler=args.scheduler)
    estimator = config.estimator()
    planned = [MODEL, MANIFEST]
    check_folder(args.out, planned, inputs=[args.csv])  # made once trained
    say_if_large_run(estimator.epochs)
    bar = ProgressBar(estimator.epochs)
    try:
        result = fit_csv(config, callbacks=[bar], on_start=_announce)
    finally:
        bar.close()
    for line in summary_lines(result):
        print(line)
    try:
        ensure_writable_dir(args.out)
    except DescentlabError:  # the folder broke while training: the model is saved elsewhere
        pass
    # a second Ctrl-C must not lose the model
    with recording(args, planned, [result.estimator.history_]) as record, deferred_signals():
        path = save_or_recover(lambda path: save_fit(result, path), record.path(MODEL))
    print(f"Saved the model to {path}")
    if result.estimator.history_.status == "interrupted":
        print(f"descentlab: interrupted after {result.estimator.n_iter_} epochs; saved the model "
              "trained so far", file=sys.stderr)
        return 130
    return 0


def _announce(data, estimator):
    print(f"Training {type(estimator).__name__} on {data.X.shape[0]} rows x {data.X.shape[1]} "
          f"features of {data.path} (Ctrl-C stops and keeps the model so far)", flush=True)


#: How much better the training rows may score than the test rows (R^2, or accuracy)
#: before the fit is called overfitting; below which training score it is underfitting.
OVERFIT_GAP = 0.3
UNDERFIT_SCORE = 0.5


def advice_lines(metrics: dict, network: bool = False) -> list[str]:
    """One warning that tells overfitting from underfitting, or none.

    Overfitting: the training rows score far better than the test rows (``OVERFIT_GAP``);
    more epochs make it worse, so the advice is early stopping, a penalty, fewer units.
    Underfitting: the training rows themselves score poorly; the advice is more epochs,
    another learning rate, or (for a network) more units.
    """
    key = "accuracy" if "accuracy" in metrics.get("train", {}) else "r2"
    name = "accuracy" if key == "accuracy" else "R^2"
    train = metrics.get("train", {}).get(key)
    test = next((m.get(key) for part, m in metrics.items() if part != "train"), None)
    if train is None:
        return []
    units = "fewer hidden units (--hidden)" if network else "fewer features"
    if test is not None and train - test > OVERFIT_GAP and train > UNDERFIT_SCORE:
        return [f"Warning: overfitting: {name} {train:.2f} on the training rows but {test:.2f} on "
                "the test rows; the model learns the training rows' noise, and more epochs make "
                f"it worse: try --early-stopping, a penalty (--penalty l2 --alpha 0.01), or {units}"]
    if train < UNDERFIT_SCORE or (key == "r2" and test is not None and test < 0):
        more = ", or more hidden units" if network else ""
        return [f"Warning: underfitting: {name} {train:.2f} on the training rows"
                + (f" and {test:.2f} on the test rows" if test is not None else "")
                + f"; the model has not learned the pattern: try more --epochs, another --lr{more}"]
    return []


def summary_lines(result):
    """What ``descentlab fit`` prints: how training ended, the metrics, the coefficients."""
    est = result.estimator
    h = est.history_
    if h.loss:
        scale = "" if hasattr(est, "classes_") else " on the standardised target"
        lines = [f"{h.status_text.capitalize()} after {est.n_iter_} epochs (learning rate "
                 f"{h.meta['lr']:.4g}; training loss at epoch {h.n_epochs - 1}: {h.loss[-1]:.6g}{scale})"]
    else:
        lines = [f"{h.status_text.capitalize()} before the first epoch ended"]
    for part, m in result.metrics.items():
        if "accuracy" in m:
            lines.append(f"{part}: accuracy = {100 * m['accuracy']:.1f}% (share of correct predictions)"
                         + (f"   log loss = {m['log_loss']:.4f}" if "log_loss" in m else ""))
        else:
            lines.append(f"{part}: R^2 = {m['r2']:.4f}   MAE = {m['mae']:.4g}   RMSE = {m['rmse']:.4g}")
    lines += advice_lines(result.metrics, network=hasattr(est, "hidden_layer_sizes"))
    if hasattr(est, "coef_") and np.ndim(est.coef_) == 2 and len(est.coef_) > 1:  # one logit per class
        lines.append("Coefficients of each class's logit (in the data's units):")
        for label, coef, intercept in zip(est.classes_, est.coef_, est.intercept_, strict=False):
            coefs = ", ".join(f"{name} {c:.6g}" for name, c in zip(result.features, coef, strict=False))
            lines.append(f"  {label}: {coefs}; intercept {intercept:.6g}")
    elif hasattr(est, "coef_"):  # a regressor's (n,), or a binary classifier's one row (1, n)
        coefs = ", ".join(f"{name} {c:.6g}" for name, c in zip(result.features, np.ravel(est.coef_), strict=True))
        lines.append(f"Coefficients (in the data's units): {coefs}; "
                     f"intercept {float(np.ravel(est.intercept_)[0]):.6g}")
    else:
        n_out = est._n_outputs() if hasattr(est, "classes_") else 1
        sizes = " -> ".join(str(n) for n in (len(result.features), *est.hidden_layer_sizes, n_out))
        lines.append(f"Network {sizes} ({est.activation} hidden units): {est.weights_.size} weights")
    return lines
