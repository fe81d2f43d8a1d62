"""The learning-rate lesson: one problem, several rates, each run kept as a History.

It trains the article's linear regression once per rate, from the
same start, and places each rate against the stability bound of full-batch gradient
descent (article: "by varying alpha the rate of decrease in error varies").
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.stepsize import classify_rate, stability_bound
from descentlab.core.trainer import train
from descentlab.data.synthetic import ArticleData
from descentlab.errors import DescentlabError
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import check_rate, epochs_setting, setting

ARTICLE_LR = 0.05  # the article's l_r

#: Default rates as fractions of the bound: too small, good, near the bound, beyond it.
DEFAULT_FRACTIONS = (0.01, 0.5, 0.98, 1.1)


def default_rates(bound):
    """:data:`DEFAULT_FRACTIONS` of ``bound``, rounded to 3 significant digits."""
    return [float(f"{f * bound:.3g}") for f in DEFAULT_FRACTIONS]


def check_rates(rates):
    """Raise :class:`DescentlabError` unless ``rates`` is a non-empty list of positive numbers."""
    rates = list(rates)
    if not rates:
        raise DescentlabError("no learning rates given: pass a list such as 0.01,0.5,1.8,2.1")
    return [float(check_rate(lr, suggest="a list such as 0.01,0.5,1.8,2.1")) for lr in rates]


@dataclass
class RateRun:
    """One run of the study: its rate, where the rate falls, and its History."""

    lr: float
    ratio: float
    regime: str
    history: object

    @property
    def diverged(self):
        return self.history.status == "diverged"

    def __repr__(self):
        return (f"RateRun(lr={self.lr:g}, ratio={self.ratio:.3g}, regime={self.regime!r}, "
                f"status={self.history.status!r})")


@dataclass
class LRStudy(NotebookDisplay):
    """The study: the bound, and one :class:`RateRun` per rate, in the order given."""

    kind: ClassVar[str] = "lr_study"

    bound: float
    epochs: int
    runs: list = field(default_factory=list)

    @property
    def lam_max(self):
        r""":math:`\lambda_{\max}` of the features' second-moment matrix (bias included)."""
        return 2.0 / self.bound

    def __repr__(self):
        return f"LRStudy(bound={self.bound:.4g}, rates={[r.lr for r in self.runs]})"

    def summary_lines(self):
        """What the command line prints for this result (:func:`study_lines`)."""
        return study_lines(self)


def lr_study(X: np.ndarray, y: np.ndarray, rates: Sequence[float] | None = None, *,
             epochs: int = 61, seed: int = 0, article_lr: float | None = None) -> LRStudy:
    r"""Train linear regression on ``(X, y)`` with each learning rate, from the same start.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    rates : sequence of float, optional
        Defaults to :func:`default_rates` of the bound, with ``article_lr``.
    article_lr : float or None, default=None
        A rate to add to the defaults: the run's own (the article's 0.05).
    epochs : int, default=61
    seed : int, default=0
        Seeds the initial parameters (the same for every rate).

    Returns
    -------
    LRStudy
        A diverging run stops at its first exploding loss (``status == "diverged"``)
        instead of raising.

    Notes
    -----
    Full-batch gradient descent on the half-MSE converges iff
    :math:`\alpha < 2/\lambda_{\max}(\tfrac1N \tilde X^\top \tilde X)` (see
    :func:`descentlab.core.stepsize.stability_bound`).
    """
    X, y = _checked(X, y)
    bound = stability_bound(X)
    if rates is None:
        rates = sorted(set(default_rates(bound)) | ({article_lr} if article_lr else set()))
    else:
        rates = check_rates(rates)
    study = LRStudy(bound=bound, epochs=epochs)
    for lr in rates:
        model = LinearModel(X.shape[1], seed=seed)
        with np.errstate(over="ignore", invalid="ignore"):  # diverging runs are the lesson's point
            history = train(model, X, y, optimizer=GradientDescent(lr), epochs=epochs,
                            on_divergence="stop")
        history.meta["lr"] = lr
        study.runs.append(RateRun(lr, lr / bound, classify_rate(lr, bound), history))
        if history.status == "interrupted":  # Ctrl-C stops the study, not one rate
            break
    return study


def _checked(X, y):
    """``X`` (n_samples, n_features) and ``y`` (n_samples,) as float arrays; one line when
    they are empty, NaN or of the wrong shape (a study of them would be NaN throughout)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise DescentlabError(f"lr_study needs X of shape (n_samples, n_features) and y of shape "
                              f"(n_samples,), got {X.shape} and {y.shape}: reshape them (X[:, None])")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise DescentlabError(f"lr_study got no data (X of shape {X.shape}): pass at least one row and one feature")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise DescentlabError("lr_study got NaN or infinite values in X or y: drop or fill those rows first")
    return X, y


def tutorial_study(result, rates=None) -> LRStudy:
    """The learning-rate study of a tutorial ``result`` (what its report draws): the same
    training data, start and epochs; by default the rates around the bound and the run's
    own rate (the article's 0.05)."""
    return lr_study(result.X_train, result.y_train, rates, epochs=result.config.epochs,
                    seed=result.config.seed, article_lr=result.config.lr)


def study_lines(study):
    """The bound and a table of where each rate falls, as printable lines."""
    lines = [f"Stability bound of full-batch gradient descent: 2 / lambda_max = {study.bound:.4g}, "
             "the largest rate before each step overshoots the minimum by more than it gained "
             f"(lambda_max = {study.lam_max:.4g} is the loss's steepest curvature, the largest "
             "eigenvalue of [X 1]^T [X 1] / N)",
             f"{'rate':>10}  {'rate/bound':>10}  {'where it falls':<17}  result"]
    for run in study.runs:
        h = run.history
        if run.diverged:
            result = f"diverged at epoch {h.meta.get('diverged_at_epoch')}"
        elif not h.loss:
            result = "not trained: Ctrl-C stopped the command first"
        else:
            result = f"loss {h.loss[0]:.4g} -> {h.loss[-1]:.4g} in {h.n_epochs} epochs"
        ratio = f"{run.ratio:.3f}" if run.ratio < 1e4 else f"{run.ratio:.3g}"
        lines.append(f"{run.lr:>10.4g}  {ratio:>10}  {run.regime:<17}  {result}")
    return lines


@dataclass
class LRStudyConfig(ArticleData):
    """Settings of ``descentlab lr-study``: the article's data, the rates and the epochs.

    Parameters
    ----------
    samples, noise, test_size, seed, data_seed
        The article's data (:class:`descentlab.data.ArticleData`); ``seed`` also seeds
        the start that every rate shares.
    features : int, default=1
    rates : list of float or None, default=None
        None takes :data:`DEFAULT_FRACTIONS` of the bound.
    epochs : int, default=61
    """

    features: int = setting(1, "how many features the data has", low=1, flag="--n-features")
    rates: list | None = setting(None, "learning rates, comma-separated", kind="rates",
                                 none="the article's 0.05, and 0.01, 0.5, 0.98 and 1.1 times "
                                      "the stability bound")
    epochs: int = epochs_setting(61)


def run_lr_study(config=None):
    """The study on the article's training data, as ``config`` says."""
    config = LRStudyConfig() if config is None else config
    _, X_train, _, y_train, _ = config.make(config.features)
    return lr_study(X_train, y_train, config.rates, epochs=config.epochs, seed=config.seed,
                    article_lr=ARTICLE_LR)
