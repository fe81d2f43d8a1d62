"""``descentlab fit data.csv --target COLUMN``: train on real data, print metrics, save the model.

The estimator options come from the estimators' ``_parameter_constraints`` (help,
limits and defaults); the data options from :class:`FitConfig`'s settings.
"""

import argparse
import sys
from typing import TYPE_CHECKING

from descentlab.cli._options import add_out, add_setting
from descentlab.cli.progress import ProgressBar
from descentlab.estimators.constraints import FIT_PARAMS
from descentlab.estimators.workflow import FitConfig
from descentlab.outputs.models import MODEL
from descentlab.settings import config_settings

if TYPE_CHECKING:
    from descentlab.data.csvfile import CsvData
    from descentlab.data.folders import FolderData
    from descentlab.estimators.base import GDEstimator


def _estimator_option(p: argparse.ArgumentParser, name: str) -> None:
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


def _options(text: str) -> dict[str, float]:
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


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab fit`` to ``sub``: the data's options, every estimator setting, ``--out``.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["data.csv", "--target", "price", "--classify", "--lr", "0.1"])
    >>> args.csv, args.target, args.classify, args.lr
    ('data.csv', 'price', True, 0.1)
    """
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


def run(args: argparse.Namespace) -> int:
    """Fit a model on the CSV file, say its metrics, save ``model.json``; the exit code.

    >>> import contextlib, io, tempfile
    >>> from pathlib import Path
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()) as said:
    ...     csv = Path(folder) / "d.csv"
    ...     _ = csv.write_text("x,y\\n" + "".join(f"{x},{2 * x + 1}\\n" for x in range(8)))
    ...     code = run(build_parser().parse_args(["fit", str(csv), "--target", "y", "--out", folder]))
    >>> code, said.getvalue().splitlines()[-1]
    (0, 'Saved the model to .../model.json')
    """
    from descentlab.cli._outputs import command_of
    from descentlab.outputs import models

    values = vars(args)
    config = FitConfig(csv=args.csv, target=args.target, features=args.features,
                       task="classification" if args.classify else "regression",
                       hidden=args.hidden, activation=args.activation, test_size=args.test_size,
                       seed=args.seed, delimiter=args.delimiter, drop=args.drop,
                       params={n: values[n] for n in FIT_PARAMS if n in values},
                       scheduler=args.scheduler)
    result = models.fit(config, command_of(args), progress=ProgressBar, on_start=_announce, say=print)
    if result.estimator.history_.status == "interrupted":
        print(f"descentlab: interrupted after {result.estimator.n_iter_} epochs; saved the model "
              "trained so far", file=sys.stderr)
        return 130
    return 0


def _announce(data: "CsvData | FolderData", estimator: "GDEstimator") -> None:
    print(f"Training {type(estimator).__name__} on {data.X.shape[0]} rows x {data.X.shape[1]} "
          f"features of {data.path} (Ctrl-C stops and keeps the model so far)", flush=True)
