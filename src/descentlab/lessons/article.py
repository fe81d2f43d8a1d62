"""The article's whole run: data -> split -> model -> train -> metrics (it writes nothing).

``descentlab tutorial`` is :func:`run_tutorial`, then
:func:`descentlab.outputs.lessons.save_tutorial` writes its files.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.metrics import regression_metrics
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import stability_bound
from descentlab.core.trainer import train
from descentlab.data.synthetic import ArticleData, Dataset
from descentlab.errors import DescentlabError, DivergenceError, divergence_message
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import epochs_setting, lr_setting, setting


@dataclass
class TutorialConfig(ArticleData):
    """Everything the article's run depends on; the defaults are the article's.

    Parameters
    ----------
    samples, noise, test_size, seed, data_seed
        The data and its split (:class:`descentlab.data.ArticleData`).
    features : int, default=1
    lr : float, default=0.05
        The learning rate ``l_r``.
    epochs : int, default=61
    log_every : int, default=10
        Print the loss (and draw a figure) every this many epochs.
    """

    features: int = setting(1, "how many features the data has", low=1, flag="--n-features")
    lr: float = lr_setting(0.05)
    epochs: int = epochs_setting(61)
    log_every: int = setting(10, "print and draw every N epochs", low=1, label="log interval",
                             suggest="10")

    def make(self):
        """The data and its split: ``data, X_train, X_test, y_train, y_test``."""
        return super().make(self.features)


@dataclass
class TutorialResult(NotebookDisplay):
    """What a tutorial run produced: data, split, trained model, history and metrics."""

    kind: ClassVar[str] = "tutorial"

    config: TutorialConfig
    data: Dataset
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    model: LinearModel
    history: History
    metrics: dict

    def logged_epochs(self):
        """The epochs printed (every ``log_every``) and drawn (those, and the last)."""
        epochs = list(range(0, self.history.n_epochs, self.config.log_every))
        if epochs[-1] != self.history.n_epochs - 1:
            epochs.append(self.history.n_epochs - 1)
        return epochs

    def summary_lines(self):
        """What the command line prints for this result (:func:`summary_lines`)."""
        return summary_lines(self)


def epoch_logger(log_every, log=print):
    """A training callback that prints the article's ``Epoch:  i`` / ``Loss =  ...`` lines."""
    def callback(epoch, history):
        if epoch % log_every == 0:
            log(f"Epoch:  {epoch}")
            log(f"Loss =  {history.loss[epoch]}")
    return callback


def prepare_data(config):
    """The article's data and its split, as ``config`` says (no training).

    Returns
    -------
    data : Dataset
    X_train, X_test, y_train, y_test : ndarray
    """
    return config.make()


def run_tutorial(config: TutorialConfig | None = None,
                 log: Callable[[str], object] | None = print) -> TutorialResult:
    """Train the article's linear regression and measure it.

    Parameters
    ----------
    config : TutorialConfig, optional
        The article's settings by default.
    log : callable or None
        Receives the article's progress lines; None prints nothing.

    Raises
    ------
    DivergenceError
        If the learning rate makes the loss blow up: names the epoch and the stable bound.
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
        raise DivergenceError(
            divergence_message(exc.epoch, exc.loss, config.lr, bound, bound_name="the stable bound for this data",
                               fix=f"use a smaller --lr (below {bound:.3g}, e.g. 0.05)"),
            epoch=exc.epoch, loss=exc.loss, history=exc.history) from None
    history.meta.update(asdict(config))
    metrics = tutorial_metrics(model, history, data, X_train, X_test, y_train, y_test, config)
    return TutorialResult(config, data, X_train, X_test, y_train, y_test, model, history, metrics)


def result_from_history(history: History) -> TutorialResult:
    """Rebuild a :class:`TutorialResult` from a saved tutorial History, without training.

    The data and split are made again from the settings in ``history.meta``; the model
    takes ``history.final_params``.

    Raises
    ------
    DescentlabError
        If the history was not written by ``descentlab tutorial`` or did not complete.
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
    if model.params["W"].shape != (config.features,) or model.params["b"].shape != ():
        raise DescentlabError(f"this history's W has shape {model.params['W'].shape} and b "
                              f"{model.params['b'].shape}, not ({config.features},) and (): pass "
                              "an unedited history.json")
    metrics = tutorial_metrics(model, history, data, X_train, X_test, y_train, y_test, config)
    return TutorialResult(config, data, X_train, X_test, y_train, y_test, model, history, metrics)


def tutorial_metrics(model, history, data, X_train, X_test, y_train, y_test, config):
    """Train and test metrics, and how far gradient descent got towards least squares."""
    W, b = model.params["W"], float(model.params["b"])
    W_ls, b_ls = least_squares(X_train, y_train)
    W0 = history.params["W"][0]
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(W_ls != W0, 100.0 * (W - W0) / (W_ls - W0), 100.0)
    metrics = {
        "train": regression_metrics(y_train, model.predict(X_train)),
        "test": regression_metrics(y_test, model.predict(X_test)),
        "W": W.tolist(),
        "b": b,
        "true_coef": data.coef.tolist(),
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


def _fmt_mape(metrics):
    if metrics["mape_percent"] is None:
        return "undefined (every target is 0)"
    text = f"{metrics['mape_percent']:.4f}%"
    if metrics["mape_excluded"]:
        text += f" (over the targets that are not 0; {metrics['mape_excluded']} left out)"
    return text


def summary_lines(result):
    """The article's closing lines, with the metrics under their real names."""
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
    last = len(result.history.loss) - 1
    lines.append(f"Training loss {m['train']['loss']:.4f} with the trained line (the 'Loss =' of "
                 f"epoch {last} above, {result.history.loss[-1]:.4f}, is measured before that "
                 f"epoch's update), against the least-squares {ls['train_loss']:.4f}.")
    note = result.history.interrupted_note()
    if note:
        lines.append(f"This run was {note}.")
    return lines

