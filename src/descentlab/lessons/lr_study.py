"""The learning-rate lesson: one problem, several rates, each run kept as a History.

It trains the article's linear regression once per rate, from the
same start, and places each rate against the stability bound of full-batch gradient
descent (article: "by varying alpha the rate of decrease in error varies").
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.regimes import REGIMES, regime_sentence, step_regime
from descentlab.core.stepsize import classify_rate, stability_bound
from descentlab.core.trainer import train
from descentlab.core.xp import FloatArray
from descentlab.data.synthetic import ArticleData
from descentlab.errors import DescentlabError
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import check_rate, epochs_setting, setting

if TYPE_CHECKING:
    from descentlab.lessons.article import TutorialResult

ARTICLE_LR = 0.05  # the article's l_r
ARTICLE_SEED = ArticleData().seed  # the tutorial's seed: the same start as its run

#: Default rates as fractions of the bound 2/lambda_max, one in each regime: too small
#: (monotone, slow), monotone and fast, oscillating but converging (past 1/lambda_max,
#: half the bound), and beyond the bound (diverges).
DEFAULT_FRACTIONS = (0.01, 0.4, 0.8, 1.1)


def default_rates(bound: float) -> list[float]:
    """:data:`DEFAULT_FRACTIONS` of ``bound``, rounded to 3 significant digits.

    >>> default_rates(2.0)
    [0.02, 0.8, 1.6, 2.2]
    """
    return [float(f"{f * bound:.3g}") for f in DEFAULT_FRACTIONS]


def check_rates(rates: Iterable[float]) -> list[float]:
    """Raise :class:`DescentlabError` unless ``rates`` is a non-empty list of positive numbers.

    >>> check_rates([0.1, 1])
    [0.1, 1.0]
    """
    rates = list(rates)
    if not rates:
        raise DescentlabError("no learning rates given: pass a list such as 0.01,0.5,1.8,2.1")
    return [float(check_rate(lr, suggest="a list such as 0.01,0.5,1.8,2.1")) for lr in rates]


@dataclass
class RateRun:
    """One run of the study: its rate, where the rate falls, and its History.

    >>> run = RateRun(0.5, 0.25, "good", History(loss=[4.95, 1.0], status="completed"))
    >>> run, run.result_text()
    (RateRun(lr=0.5, ratio=0.25, regime='good', steps='monotone', status='completed'), 'loss 4.95 -> 1 at epoch 1')
    >>> run.diverged, run.steps  # under half the bound: the steps approach the minimum monotonically
    (False, 'monotone')
    """

    lr: float
    ratio: float
    regime: str
    history: History

    @property
    def diverged(self) -> bool:
        """Whether the run diverged (and stopped there)."""
        return self.history.status == "diverged"

    @property
    def steps(self) -> str:
        """What the steps do at this rate: a key of :data:`~descentlab.core.regimes.REGIMES`
        (``"monotone"``, ``"oscillates"``, ``"diverges"``)."""
        return step_regime(self.ratio, 1.0)

    def result_text(self) -> str:
        """``"loss 3480 -> 66.45 at epoch 61"`` (the trained parameters' loss), or where
        it diverged."""
        h = self.history
        if self.diverged:
            return f"diverged at epoch {h.meta.get('diverged_at_epoch')}"
        if not h.loss:
            return "not trained: Ctrl-C stopped the command first"
        return f"loss {h.loss[0]:.4g} -> {h.epoch_losses[-1]:.4g} at epoch {h.last_epoch}"

    def __repr__(self) -> str:
        return (f"RateRun(lr={self.lr:g}, ratio={self.ratio:.3g}, regime={self.regime!r}, "
                f"steps={self.steps!r}, status={self.history.status!r})")


@dataclass
class LRStudy(NotebookDisplay):
    """The study: the bound, and one :class:`RateRun` per rate, in the order given.

    >>> LRStudy(bound=2.0, epochs=61).lam_max
    1.0
    >>> LRStudy(bound=2.0, epochs=61).summary_lines()[0]
    'Stability bound of full-batch gradient descent: 2 / lambda_max = 2; steps start to overshoot at half of it, ...'
    """

    kind: ClassVar[str] = "lr_study"

    bound: float
    epochs: int
    runs: list[RateRun] = field(default_factory=list)

    @property
    def lam_max(self) -> float:
        r""":math:`\lambda_{\max}` of the features' second-moment matrix (bias included)."""
        return 2.0 / self.bound

    def __repr__(self) -> str:
        return f"LRStudy(bound={self.bound:.4g}, rates={[r.lr for r in self.runs]})"

    def summary_lines(self) -> list[str]:
        """What the command line prints for this result (:func:`study_lines`)."""
        return study_lines(self)


def lr_study(X: np.ndarray, y: np.ndarray, rates: Sequence[float] | None = None, *,
             epochs: int = 61, seed: int = ARTICLE_SEED,
             article_lr: float | None = ARTICLE_LR) -> LRStudy:
    r"""Train linear regression on ``(X, y)`` with each learning rate, from the same start.

    The defaults are ``descentlab lr-study``'s: on the tutorial's training data the run
    with the article's rate starts where the tutorial starts and ends where it ends.

    ``X`` is (n_samples, n_features), ``y`` (n_samples,); ``rates`` default to
    :func:`default_rates` of the bound plus ``article_lr`` (None adds none); ``seed`` seeds
    the start every rate shares. A diverging run stops at its first exploding loss
    (``status == "diverged"``) instead of raising; the bound is
    :func:`descentlab.core.stepsize.stability_bound` (:doc:`/maths/stability`).

    >>> study = lr_study(np.array([[1.0], [-1.0]]), np.array([1.0, -1.0]), [0.5, 2.5], epochs=20)
    >>> study, [run.result_text() for run in study.runs]
    (LRStudy(bound=2, rates=[0.5, 2.5]), ['loss 4.95 -> 4.502e-12 at epoch 20', 'diverged at epoch 12'])
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
        if history.status != "diverged":  # epoch n_epochs: the trained parameters' loss
            history.final_loss = MeanSquaredError().loss(y, model.predict(X))
        study.runs.append(RateRun(lr, lr / bound, classify_rate(lr, bound), history))
        if history.status == "interrupted":  # Ctrl-C stops the study, not one rate
            break
    return study


def _checked(X: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
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


def tutorial_study(result: "TutorialResult", rates: Sequence[float] | None = None) -> LRStudy:
    """The learning-rate study of a tutorial ``result`` (what its report draws): the same
    training data, start and epochs; by default the rates around the bound and the run's
    own rate (the article's 0.05).

    >>> from descentlab.lessons.article import run_tutorial
    >>> tutorial_study(run_tutorial(log=None), rates=[0.05]).runs[0].history.n_epochs
    61
    """
    return lr_study(result.X_train, result.y_train, rates, epochs=result.config.epochs,
                    seed=result.config.seed, article_lr=result.config.lr)


def study_lines(study: LRStudy) -> list[str]:
    """The bound, the three regimes and a table of where each rate falls, as printable lines.

    >>> print(study_lines(LRStudy(bound=2.0, epochs=61))[0])
    Stability bound of full-batch gradient descent: 2 / lambda_max = 2; steps start to overshoot at half of it, 1 / lambda_max = 1.
    """
    lines = [f"Stability bound of full-batch gradient descent: 2 / lambda_max = {study.bound:.4g}; "
             f"steps start to overshoot at half of it, 1 / lambda_max = {study.bound / 2:.4g}.",
             regime_sentence(study.bound),
             f"{'rate':>10}  {'rate/bound':>10}  {'where it falls':<17}  {'the steps':<31}  "
             f"result (epoch N: after N updates)"]
    for run in study.runs:
        ratio = f"{run.ratio:.3f}" if run.ratio < 1e4 else f"{run.ratio:.3g}"
        lines.append(f"{run.lr:>10.4g}  {ratio:>10}  {run.regime:<17}  "
                     f"{REGIMES[run.steps][0]:<31}  {run.result_text()}")
    return lines


@dataclass
class LRStudyConfig(ArticleData):
    """Settings of ``descentlab lr-study``: the article's data, the rates and the epochs.

    The data settings are :class:`descentlab.data.ArticleData`'s (``seed`` also seeds the
    start every rate shares); ``rates`` None takes :data:`DEFAULT_FRACTIONS` of the bound.

    >>> LRStudyConfig().epochs, LRStudyConfig().rates
    (61, None)
    """

    features: int = setting(1, "how many features the data has", low=1, flag="--n-features")
    rates: list[float] | None = setting(None, "learning rates, comma-separated", kind="rates",
                                 none="the article's 0.05, and 0.01, 0.4, 0.8 and 1.1 times "
                                      "the stability bound")
    epochs: int = epochs_setting(61)


def run_lr_study(config: LRStudyConfig | None = None) -> LRStudy:
    """The study on the article's training data, as ``config`` says.

    >>> run_lr_study(LRStudyConfig(epochs=5))
    LRStudy(bound=1.894, rates=[0.0189, 0.05, 0.758, 1.52, 2.08])
    """
    config = LRStudyConfig() if config is None else config
    _, X_train, _, y_train, _ = config.make(config.features)
    return lr_study(X_train, y_train, config.rates, epochs=config.epochs, seed=config.seed,
                    article_lr=ARTICLE_LR)
