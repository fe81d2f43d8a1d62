"""The article's whole run: data -> split -> model -> train -> metrics (it writes nothing).

``descentlab tutorial`` is :func:`run_tutorial`, then
:func:`descentlab.outputs.lessons.save_tutorial` writes its files.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.metrics import regression_metrics
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.quadratic import least_squares
from descentlab.core.regimes import step_regime
from descentlab.core.stepsize import stability_bound
from descentlab.core.trainer import train
from descentlab.data.synthetic import ArticleData, Dataset
from descentlab.errors import DescentlabError, DivergenceError, divergence_message
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import epochs_setting, lr_setting, setting


@dataclass
class TutorialConfig(ArticleData):
    """Everything the article's run depends on; the defaults are the article's.

    The data and its split are :class:`descentlab.data.ArticleData`'s; ``lr`` is the
    article's ``l_r``; the loss is printed (and a figure drawn) every ``log_every`` epochs.

    >>> TutorialConfig().lr, TutorialConfig().epochs
    (0.05, 61)
    """

    features: int = setting(1, "how many features the data has", low=1, flag="--n-features")
    lr: float = lr_setting(0.05)
    epochs: int = epochs_setting(61)
    log_every: int = setting(10, "print and draw every N epochs", low=1, label="log interval",
                             suggest="10")

    def make(self, n_features: int | None = None) -> tuple[Any, ...]:
        """The data and its split, ``data, X_train, X_test, y_train, y_test`` (``features`` features).

        >>> [part.shape for part in TutorialConfig().make()[1:]]  # X_train, X_test, y_train, y_test
        [(160, 1), (40, 1), (160,), (40,)]
        """
        return super().make(self.features if n_features is None else n_features)


@dataclass
class TutorialResult(NotebookDisplay):
    """What a tutorial run produced: data, split, trained model, history and metrics.

    >>> result = run_tutorial(log=None)
    >>> result.history.n_epochs, result.logged_epochs(), result.summary_lines()[1]  # logged every 10, then the last
    (61, [0, 10, 20, 30, 40, 50, 60, 61], 'Loss =  47.8873...')
    """

    kind: ClassVar[str] = "tutorial"

    config: TutorialConfig
    data: Dataset
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    model: LinearModel
    history: History
    metrics: dict[str, Any]  # JSON values: the numbers metrics.json holds

    def logged_epochs(self) -> list[int]:
        """The epochs printed (every ``log_every``) and drawn (those, and the last: the
        trained line, epoch ``n_epochs``, when its loss is known)."""
        last = self.history.last_epoch
        epochs = list(range(0, last + 1, self.config.log_every))
        if epochs[-1] != last:
            epochs.append(last)
        return epochs

    def summary_lines(self) -> list[str]:
        """What the command line prints for this result (:func:`summary_lines`)."""
        return summary_lines(self)

    def __repr__(self) -> str:
        h, m = self.history, self.metrics
        if h.status == "diverged":
            return (f"TutorialResult(lr={self.config.lr:g}, status='diverged', "
                    f"diverged_at_epoch={m.get('diverged_at_epoch')})")
        line = (f"m={m['m']:.4f}, b={m['b']:.4f}" if "m" in m
                else f"W={np.round(m['W'], 4).tolist()}, b={m['b']:.4f}")
        return (f"TutorialResult(lr={self.config.lr:g}, epochs={h.n_epochs}, status={h.status_text!r}, "
                f"{line}, train_loss={m['train']['loss']:.6g}, test_loss={m['test']['loss']:.6g})")


def epoch_logger(log_every: int, log: Callable[[str], object] = print) -> Callable[[int, History], None]:
    """A training callback that prints the article's ``Epoch:  N`` / ``Loss =  ...`` lines:
    the loss at epoch ``N``, after ``N`` updates (the article's loop prints it before the
    update it then makes).

    >>> epoch_logger(10)(10, History(loss=[3.0] * 10 + [2.5]))
    Epoch:  10
    Loss =  2.5
    """
    def callback(epoch: int, history: History) -> None:
        if epoch % log_every == 0:
            log(f"Epoch:  {epoch}")
            log(f"Loss =  {history.loss[epoch]}")
    return callback


def final_epoch_lines(history: History) -> list[str]:
    """The last two progress lines: epoch ``n_epochs``, the trained line, and its loss.

    >>> final_epoch_lines(History(loss=[3.0, 2.0], final_loss=1.5))
    ['Epoch:  2   (the trained line, after all 2 updates)', 'Loss =  1.5']
    """
    n = history.n_epochs
    return [f"Epoch:  {n}   (the trained line, after all {n} updates)",
            f"Loss =  {history.final_loss}"]


def prepare_data(config: TutorialConfig) -> tuple[Any, ...]:
    """The article's data and its split, as ``config`` says (no training):
    ``data, X_train, X_test, y_train, y_test``.

    >>> [len(part) for part in prepare_data(TutorialConfig(samples=10))[1:]]
    [8, 2, 8, 2]
    """
    return config.make()


def run_tutorial(config: TutorialConfig | None = None,
                 log: Callable[[str], object] | None = print) -> TutorialResult:
    """Train the article's linear regression (``config``: the article's settings by default)
    and measure it; ``log`` receives the article's progress lines (None prints nothing).
    A rate that makes the loss blow up raises :class:`DivergenceError`, naming the epoch
    and the stable bound.

    >>> run_tutorial(log=None)  # the article's 61 epochs at l_r = 0.05
    TutorialResult(lr=0.05, epochs=61, status='completed', m=..., b=..., train_loss=..., test_loss=...)
    """
    config = TutorialConfig() if config is None else config
    data, X_train, X_test, y_train, y_test = prepare_data(config)
    model = LinearModel(config.features, seed=config.seed)
    callbacks = [epoch_logger(config.log_every, log)] if log is not None else []
    try:
        history = train(model, X_train, y_train, optimizer=GradientDescent(config.lr),
                        epochs=config.epochs, callbacks=callbacks)
    except DivergenceError as exc:
        bound = stability_bound(X_train)
        message = divergence_message(exc.epoch, exc.loss, config.lr, bound,
                                     bound_name="the stable bound for this data",
                                     fix=f"use a smaller --lr (below {bound:.3g}, e.g. 0.05)")
        history = exc.history
        history.meta.update(asdict(config))
        metrics = {"status": "diverged", "message": message, "diverged_at_epoch": exc.epoch,
                   "lr": config.lr, "stability_bound": bound, "regime": step_regime(config.lr, bound),
                   "epochs": history.n_epochs, "seed": config.seed}
        result = TutorialResult(config, data, X_train, X_test, y_train, y_test, model, history, metrics)
        raise DivergenceError(message, epoch=exc.epoch, loss=exc.loss, history=history,
                              result=result) from None
    history.meta.update(asdict(config))
    history.final_loss = MeanSquaredError().loss(y_train, model.predict(X_train))
    if log is not None:
        for line in final_epoch_lines(history):
            log(line)
    metrics = tutorial_metrics(model, history, data, X_train, X_test, y_train, y_test, config)
    return TutorialResult(config, data, X_train, X_test, y_train, y_test, model, history, metrics)


def result_from_history(history: History) -> TutorialResult:
    """Rebuild a :class:`TutorialResult` from a saved tutorial History, without training.

    The data and split are made again from the settings in ``history.meta``; the model
    takes ``history.final_params``. A history not written by ``descentlab tutorial``, or
    that did not complete, raises :class:`DescentlabError`.

    >>> result = run_tutorial(log=None)
    >>> result_from_history(result.history).metrics["m"] == result.metrics["m"]
    True
    """
    names = set(TutorialConfig.__dataclass_fields__)
    if history.status not in ("completed", "interrupted") or not history.loss:
        raise DescentlabError(f"this history did not complete (status {history.status!r}): "
                              "train again with a smaller learning rate")
    if not names <= set(history.meta) or not {"W", "b"} <= set(history.final_params) \
            or not {"W", "b"} <= set(history.params):
        missing = sorted(names - set(history.meta))
        what = f"settings {', '.join(missing[:3])}" if missing else "parameters W and b of every epoch"
        raise DescentlabError(f"this history has no tutorial {what}: pass a history.json "
                              "written by 'descentlab tutorial'")
    try:
        config = TutorialConfig(**{k: history.meta[k] for k in names})
    except (TypeError, ValueError) as exc:
        raise DescentlabError(f"this history's settings are not valid ({exc}): "
                              "pass an unedited history.json") from None
    data, X_train, X_test, y_train, y_test = prepare_data(config)
    model = LinearModel(config.features, seed=config.seed)
    model.params = {k: np.array(v, dtype=float) for k, v in history.final_params.items()}
    if history.final_loss is None and model.params["W"].shape == (config.features,):
        history.final_loss = MeanSquaredError().loss(y_train, model.predict(X_train))
    if model.params["W"].shape != (config.features,) or model.params["b"].shape != ():
        raise DescentlabError(f"this history's W has shape {model.params['W'].shape} and b "
                              f"{model.params['b'].shape}, not ({config.features},) and (): pass "
                              "an unedited history.json")
    metrics = tutorial_metrics(model, history, data, X_train, X_test, y_train, y_test, config)
    return TutorialResult(config, data, X_train, X_test, y_train, y_test, model, history, metrics)


def tutorial_metrics(model: LinearModel, history: History, data: Dataset, X_train: np.ndarray,
                     X_test: np.ndarray, y_train: np.ndarray, y_test: np.ndarray,
                     config: TutorialConfig) -> dict[str, Any]:
    """Train and test metrics, and how far gradient descent got towards least squares.

    >>> r = run_tutorial(log=None)
    >>> sorted(tutorial_metrics(r.model, r.history, *r.config.make(), r.config)["test"])
    ['loss', 'mae', 'mape_excluded', 'mape_percent', 'r2', 'rmse']
    """
    W, b = model.params["W"], float(model.params["b"])
    W_ls, b_ls = least_squares(X_train, y_train)
    W0 = history.params["W"][0]
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(W_ls != W0, 100.0 * (W - W0) / (W_ls - W0), 100.0)
    metrics: dict[str, Any] = {
        "train": regression_metrics(y_train, model.predict(X_train)),
        "test": regression_metrics(y_test, model.predict(X_test)),
        "W": W.tolist(),
        "b": b,
        "true_coef": None if data.coef is None else data.coef.tolist(),  # the article's data knows it
        "true_intercept": data.intercept,
        "least_squares": {
            "W": W_ls.tolist(),
            "b": b_ls,
            "train_loss": MeanSquaredError().loss(y_train, X_train @ W_ls + b_ls),
        },
        "progress_to_least_squares_percent": progress.tolist(),
        "stability_bound": stability_bound(X_train),
        "lr": config.lr,
        "epochs": history.n_epochs,
        "status": history.status,
        "seed": config.seed,
        "mape_note": ("MAPE is what the article calls 'Accuracy': lower is better. Rows whose "
                      "target is exactly 0 are left out of it (counted in mape_excluded); "
                      "it is null when every target is 0."),
    }
    if config.features == 1:
        metrics["m"] = float(W[0])
        metrics["least_squares"]["m"] = float(W_ls[0])
    return metrics


def _fmt_mape(metrics: dict[str, Any]) -> str:
    if metrics["mape_percent"] is None:
        return "undefined (every target is 0)"
    text = f"{metrics['mape_percent']:.4f}%"
    if metrics["mape_excluded"]:
        text += f" (over the targets that are not 0; {metrics['mape_excluded']} left out)"
    return text


def summary_lines(result: TutorialResult) -> list[str]:
    """The article's closing lines, with the metrics under their real names.

    >>> summary_lines(run_tutorial(log=None))[:2]  # doctest: +ELLIPSIS
    ['Prediction: ', 'Loss =  ...']
    """
    m, config = result.metrics, result.config
    test = m["test"]
    lines = [
        "Prediction: ",
        f"Loss =  {test['loss']}",
        f"Mean absolute percentage error = {_fmt_mape(test)}  "
        "(the article calls this 'Accuracy'; lower is better)",
        f"R^2 = {test['r2']:.4f}   MAE = {test['mae']:.4f}   RMSE = {test['rmse']:.4f}",
        "Hence ",
    ]
    ls = m["least_squares"]
    if config.features == 1:
        lines += [f"m =  {m['m']}", f"b =  {m['b']}"]
        lines.append(
            f"After {result.history.n_epochs} epochs gradient descent has m = {m['m']:.4f}, "
            f"{m['progress_to_least_squares_percent'][0]:.1f}% of the way from its start to the "
            f"least-squares m = {ls['m']:.4f} (b = {ls['b']:.4f}); the true coefficient is "
            f"{m['true_coef'][0]:.4f}.")
    else:
        lines += [f"W =  {np.round(m['W'], 4).tolist()}", f"b =  {m['b']}"]
        lines.append(f"Least squares: W = {np.round(ls['W'], 4).tolist()}, b = {ls['b']:.4f}; "
                     f"true W = {np.round(m['true_coef'], 4).tolist()}.")
    n = result.history.n_epochs
    lines.append(f"Loss of the trained line (epoch {n}) = {m['train']['loss']:.4f} on the "
                 f"training data; least squares reaches {ls['train_loss']:.4f}.")
    note = result.history.interrupted_note()
    if note:
        lines.append(f"This run was {note}.")
    return lines

