"""Fit and predict on real data: CSV -> estimator -> metrics -> model file -> predictions.

This room trains and predicts and hands back what to keep: :func:`fit_info` (the facts a
model file keeps beside the model) and :func:`predictions_csv` (the predictions as CSV
text); :mod:`descentlab.outputs.models` writes them (``save_fit``, ``write_predictions``).
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from descentlab.data.csvfile import check_fit_data, read_csv
from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import FIT_PARAMS
from descentlab.estimators.device import Array
from descentlab.estimators.rescaled import check_learned, fit_scaled
from descentlab.files import escape_csv_cell
from descentlab.settings import check_config, setting

if TYPE_CHECKING:
    from descentlab.data.csvfile import CsvData
    from descentlab.data.folders import FolderData
    from descentlab.estimators.base import GDEstimator

#: a fit's metrics on its rows: a dict of floats (None where one is undefined)
Metrics: TypeAlias = dict[str, float | int | None]

TASKS = ("regression", "classification")


@dataclass
class FitConfig:
    """What ``descentlab fit`` trains: the data, the task and the estimator's settings.

    ``csv``: a CSV file with a header row, or a folder of CSV or Parquet files (read with Dask);
    ``features``: the feature columns (None: every other but ``drop``). ``task`` picks :class:`GDRegressor` or
    :class:`GDClassifier` (labels may be text; two classes train a logistic regression, more a multinomial
    one); ``hidden`` layer sizes the network estimators, with ``activation``. ``test_size`` holds out a
    fraction to measure on (0: none); ``seed`` seeds the estimator and the split; ``params`` are the
    :data:`FIT_PARAMS` that differ from the estimator's defaults; ``scheduler`` a Dask scheduler's address.

    >>> config = FitConfig(csv="houses.csv", target="sold", task="classification", hidden=(8,))
    >>> config.estimator_class().__name__, config.estimator()  # the class, then the estimator with its settings
    ('GDNetworkClassifier', GDNetworkClassifier(hidden_layer_sizes=(8,)))
    >>> FitConfig(csv="houses.csv", target="price", test_size=1.5)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: test fraction 1.5 must be a number in [0, 1): try 0.2
    """

    csv: str
    target: str
    features: list[str] | None = None
    task: str = setting("regression", "what to predict", kind="choice", choices=TASKS)
    hidden: Sequence[int] | None = setting(None, "hidden layer sizes: train a neural network, "
                                           "e.g. --hidden 16 8", kind="sizes", none="a linear model",
                                           label="hidden size")
    activation: str = setting("tanh", "the hidden layers' activation, with --hidden",
                              kind="choice", choices=("tanh", "relu", "sigmoid", "identity"))
    test_size: float = setting(0.0, "hold out this fraction to measure on; 0 fits on every row",
                               low=0, high=1, high_open=True, label="test fraction", suggest="0.2")
    seed: int = setting(0, "seed of the estimator and the split", kind="seed")
    delimiter: str = ","
    drop: list[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    scheduler: str | None = None

    def __post_init__(self) -> None:
        check_config(self)
        unknown = sorted(set(self.params) - set(FIT_PARAMS))
        if unknown:
            raise DescentlabError(f"unknown estimator setting {unknown[0]!r}: choose from "
                                  f"{', '.join(FIT_PARAMS)}")
        cls = self.estimator_class()
        foreign = [name for name in self.params if name not in cls._parameter_constraints]
        if foreign:  # class_weight on a regressor: one line, not a TypeError from __init__
            flag = "--" + foreign[0].replace("_", "-")
            fix = ("add --classify" if self.task == "regression" else "leave out --hidden")
            raise DescentlabError(f"{flag} is not a setting of {cls.__name__} (class weights are "
                                  f"for the linear classifier): {fix}, or leave out {flag}")

    def estimator_class(self) -> type["GDEstimator"]:
        from descentlab.estimators.linear import GDClassifier, GDRegressor
        from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

        if self.hidden is not None:
            return GDNetworkClassifier if self.task == "classification" else GDNetworkRegressor
        return GDClassifier if self.task == "classification" else GDRegressor

    def estimator(self) -> "GDEstimator":
        """The unfitted estimator these settings describe (its settings checked)."""
        cls = self.estimator_class()
        extra = {} if self.hidden is None else {"hidden_layer_sizes": tuple(self.hidden),
                                                "activation": self.activation}
        est = cls(random_state=self.seed, **extra, **self.params)
        est._check_params()
        return est


@dataclass
class FitResult:
    """A fitted estimator, the data it saw, and its metrics on the train (and test) rows.

    >>> from descentlab.estimators import GDRegressor
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> result = FitResult(FitConfig(csv="d.csv", target="y"), GDRegressor().fit(X, 3 * X[:, 0]), 8, ["x"])
    >>> result.summary_lines()[-1]
    "Coefficients (in the data's units): x 3.000...; intercept ..."
    """

    config: FitConfig
    estimator: "GDEstimator"
    n_rows: int
    features: list[str]
    metrics: dict[str, Metrics] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"FitResult({type(self.estimator).__name__}, n_rows={self.n_rows}, "
                f"status={self.estimator.history_.status!r})")

    def summary_lines(self) -> list[str]:
        """What ``descentlab fit`` prints (:func:`descentlab.estimators.summary.summary_lines`)."""
        from descentlab.estimators.summary import summary_lines

        return summary_lines(self)


def fit_csv(config: FitConfig, callbacks: Sequence[Any] = (),
            on_start: Callable[["CsvData | FolderData", "GDEstimator"], object] | None = None) -> FitResult:
    """Read ``config.csv``, check it, fit the estimator and measure it.

    ``callbacks`` go to the training loop (a progress bar); ``on_start(data, estimator)`` is
    called once the data has passed its checks, just before training. Ctrl-C stops training
    cleanly: the result holds the model trained so far (``history_.status == "interrupted"``).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, "d.csv").write_text("size,price\\n" + "".join(f"{x},{3 * x}\\n" for x in range(8)))
    ...     result = fit_csv(FitConfig(csv=f"{folder}/d.csv", target="price", test_size=0.25))
    >>> result, result.features, sorted(result.metrics)
    (FitResult(GDRegressor, n_rows=8, status='converged'), ['size'], ['test', 'train'])
    """
    if config.scheduler or Path(config.csv).is_dir():
        from descentlab.estimators.distributed_fit import fit_dask

        if config.params.get("class_weight") is not None:  # the Dask path weighs no rows
            raise DescentlabError("--class-weight needs the data in memory: give one CSV file, "
                                  "not a folder or --scheduler, or leave out --class-weight")

        return FitResult(config, *fit_dask(config, callbacks, on_start))
    estimator = config.estimator()
    labels = config.task == "classification"
    data = read_csv(config.csv, features=config.features, target=config.target, labels=labels,
                    delimiter=config.delimiter, drop=config.drop)
    check_fit_data(data)
    assert data.y is not None  # read with a target
    X_train, y_train = data.X, data.y
    X_test: NDArray[Any] | None = None
    y_test: NDArray[Any] | None = None
    if config.test_size > 0:
        from descentlab.data.synthetic import split

        X_train, X_test, y_train, y_test = split(data.X, data.y, config.test_size, config.seed)
    if on_start is not None:
        on_start(data, estimator)
    fit_scaled(estimator, X_train, y_train, names=data.features, callbacks=callbacks)
    metrics = {"train": measure(estimator, X_train, y_train)}
    if X_test is not None and y_test is not None:
        metrics["test"] = measure(estimator, X_test, y_test)
    if estimator.history_.status != "interrupted":
        check_learned(estimator, X_train, y_train, metrics["train"].get("r2"))
    return FitResult(config, estimator, data.X.shape[0], data.features, metrics)


def measure(estimator: "GDEstimator", X: Array, y: Array) -> Metrics:
    """Regression: half-MSE loss, R^2, MAE, RMSE, MAPE. Classification: accuracy, log loss.

    >>> from descentlab.estimators import GDRegressor
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> metrics = measure(GDRegressor().fit(X, 3 * X[:, 0]), X, 3 * X[:, 0])
    >>> sorted(metrics), round(metrics["r2"], 6)
    (['loss', 'mae', 'mape_excluded', 'mape_percent', 'r2', 'rmse'], 1.0)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        values = estimator.decision_function(X) if hasattr(estimator, "classes_") else estimator.predict(X)
    _check_finite(values, "the fitted model's prediction for row")
    if hasattr(estimator, "classes_"):
        from sklearn.metrics import accuracy_score, log_loss

        metrics: Metrics = {"accuracy": float(accuracy_score(y, estimator.predict(X)))}
        if hasattr(estimator, "predict_proba"):  # loss="hinge" gives scores, not probabilities
            metrics["log_loss"] = float(log_loss(y, estimator.predict_proba(X), labels=estimator.classes_))
        return metrics
    from descentlab.core.metrics import regression_metrics

    return regression_metrics(y, estimator.predict(X))


def fit_info(result: FitResult) -> dict[str, Any]:
    """What a model file keeps beside a fit's model: the names of its features and target,
    the task, the data's path, the metrics and the settings (``predict`` reads the names).

    >>> from descentlab.estimators import GDRegressor
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> info = fit_info(FitResult(FitConfig(csv="d.csv", target="y"), GDRegressor().fit(X, X[:, 0]), 8, ["x"]))
    >>> info["features"], info["target"], info["task"], info["csv"]
    (['x'], 'y', 'regression', 'd.csv')
    """
    return {"features": result.features, "target": result.config.target,
            "task": result.config.task, "csv": result.config.csv, "metrics": result.metrics,
            "config": asdict(result.config)}


def predict_csv(model_path: str | PathLike[str], csv_path: str | PathLike[str], delimiter: str = ",",
                ) -> tuple["GDEstimator", dict[str, Any], dict[str, NDArray[Any]]]:
    """Load a model and predict for the rows of a CSV file.

    The file needs the model's feature columns (others, such as the target, are
    ignored). Returns ``(estimator, info, predictions)`` with ``predictions`` a dict of
    column name -> array: the predicted value or label and, for a classifier, the
    probability of the second class (two classes) or of every class (more).

    >>> import tempfile
    >>> from descentlab.estimators import GDRegressor
    >>> from descentlab.estimators.persist import model_text
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     model, rows = Path(folder, "m.json"), Path(folder, "new.csv")
    ...     _ = model.write_text(model_text(GDRegressor().fit(X, 3 * X[:, 0]), info={"target": "price"}))
    ...     _ = rows.write_text("x0\\n10\\n")
    ...     estimator, info, predictions = predict_csv(model, rows)
    >>> {column: values.round(2) for column, values in predictions.items()}  # y = 3 x at x = 10
    {'predicted_price': array([30.])}
    """
    from descentlab.estimators.persist import load_model

    estimator, info = load_model(model_path, return_info=True)
    features = info.get("features")
    if not (isinstance(features, list) and all(isinstance(f, str) for f in features)
            and len(features) == estimator.n_features_in_):
        features = None
    data = read_csv(str(csv_path), features=features, delimiter=delimiter)
    if data.X.shape[1] != estimator.n_features_in_:
        raise DescentlabError(f"{csv_path!r} has {data.X.shape[1]} columns but the model was "
                              f"trained on {estimator.n_features_in_} features: pass the same columns")
    name = f"predicted_{info['target']}" if isinstance(info.get("target"), str) else "prediction"
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked just below
        predictions = {name: estimator.predict(data.X)}
        if hasattr(estimator, "classes_") and hasattr(estimator, "predict_proba"):  # not hinge's
            proba = estimator.predict_proba(data.X)
            shown = estimator.classes_[1:] if len(estimator.classes_) == 2 else estimator.classes_
            for k, label in enumerate(shown, start=len(estimator.classes_) == 2):
                predictions[f"probability_{label}"] = proba[:, k]
    for column, values in predictions.items():
        if values.dtype.kind == "f":
            _check_finite(values, f"the {column} for {csv_path!r} at line", data.lines)
    return estimator, info, predictions


def _check_finite(values: Array, what: str, lines: Sequence[int] | None = None) -> None:
    """Predictions that overflow to inf or NaN are an error, not output."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        where = lines[i] if lines is not None else i + 1
        raise DescentlabError(f"{what} {where} is {values[i]}: the row's values are too large for "
                              "this model (the result is beyond a float's range); check or rescale them")


def predictions_csv(predictions: dict[str, np.ndarray]) -> str:
    """The predictions as CSV text; floats are written exactly (Python's ``repr``), and text
    that a spreadsheet would run as a formula is escaped.

    >>> print(predictions_csv({"prediction": np.array([1.5, 2.0]), "label": np.array(["=SUM(A1)", "no"])}))
    prediction,label
    1.5,'=SUM(A1)
    2.0,no
    <BLANKLINE>
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([escape_csv_cell(str(name)) for name in predictions])
    columns = [[_cell(v) for v in values] for values in predictions.values()]
    writer.writerows(zip(*columns, strict=False))
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (bool, int, np.bool_, np.integer)):
        return str(value)  # a number (-1 as a class) is data, never a formula
    return escape_csv_cell(str(value))  # a label such as "=HYPERLINK(...)" is text, not a formula
