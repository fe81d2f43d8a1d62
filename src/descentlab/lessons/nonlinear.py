r"""Why nonlinearity matters: hidden tanh, ReLU or sigmoid units against linear models.

On a curve (a sine, a V) no line fits well, and by :mod:`descentlab.lessons.collapse` neither
does any network of linear layers: linear regression and the article's linear network
both stop at the least-squares loss. Give the same network shape nonlinear hidden units,

.. math:: \hat y = g(x W_1 + b_1)\, W_2 + b_2,

and gradient descent bends the fit to the curve; a wider hidden layer bends it further.
Every model here is trained by the same :func:`descentlab.core.trainer.train`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import LinearModel, Model, linear_forward
from descentlab.core.network import check_network_size, make_network
from descentlab.core.optimizers import GradientDescent
from descentlab.core.quadratic import least_squares
from descentlab.core.trainer import train
from descentlab.core.xp import FloatArray
from descentlab.data.synthetic import NOISE_MAX, NONLINEAR_SETS, Dataset, check_data_size
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import check_config, epochs_setting, lr_setting, setting

HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid")


@dataclass
class NonlinearConfig:
    """Settings of the nonlinearity study.

    Parameters
    ----------
    data : {"sine", "abs"}, default="sine"
    activation : {"tanh", "relu", "sigmoid"}, default="tanh"
        The hidden units of the nonlinear networks.
    widths : tuple of int, default=(2, 16)
        The hidden-layer widths to compare: one nonlinear network ``1 -> h -> 1`` per
        width, 2 being the article's shape (``fit --hidden 16 8``, by contrast, is one
        network with two hidden layers).
    lr : float, default=0.1
    epochs : int, default=3000
    samples : int, default=200
    noise : float, default=0.1
    seed : int, default=0
        Seeds the data and every model's initial weights.

    >>> NonlinearConfig(widths=(4,)).widths, NonlinearConfig().activation
    ((4,), 'tanh')
    """

    data: str = setting("sine", "the curve", kind="choice", choices=tuple(NONLINEAR_SETS),
                        label="data set")
    activation: str = setting("tanh", "hidden units", kind="choice", choices=HIDDEN_ACTIVATIONS,
                              label="hidden activation")
    widths: tuple[int, ...] = setting((2, 16), "hidden-layer widths to compare, one network 1 -> h -> 1 each",
                            label="hidden size")
    lr: float = lr_setting(0.1)
    epochs: int = epochs_setting(3000)
    samples: int = setting(200, "data points", low=1)
    noise: float = setting(0.1, "noise std", low=0, high=NOISE_MAX, suggest="0.1")
    seed: int = setting(0, "seed of the data and every model's initial weights", kind="seed")

    def __post_init__(self) -> None:
        check_config(self)
        check_data_size(self.samples)
        for h in self.widths:
            check_network_size([1, h, 1], self.samples, "use smaller --widths")


@dataclass
class Fit:
    """One trained model of the study: a label, the model, its History and final loss.

    >>> Fit("linear regression", LinearModel(1), History(), 0.117146)
    Fit('linear regression', loss=0.117146)
    """

    label: str
    model: Model
    history: History
    loss: float

    def __repr__(self) -> str:
        return f"Fit({self.label!r}, loss={self.loss:.6g})"


@dataclass
class NonlinearResult(NotebookDisplay):
    """The data, the least-squares floor and every trained model.

    Attributes
    ----------
    ls_loss : float
        The least-squares loss: the best any linear model, or linear network, can do.
    fits : list of Fit
        Linear regression, the linear network, then one nonlinear network per hidden size.

    >>> result = run_nonlinear(NonlinearConfig(epochs=50, samples=50))
    >>> x, curves = result.curves(5)
    >>> x.shape, sorted(curves)
    ((5,), ['linear network 1-2-1', 'linear regression', 'tanh network 1-16-1', 'tanh network 1-2-1'])
    >>> result.summary_lines()[1]
    'Least-squares loss (the best any line, or linear network, can do): 0.117146'
    """

    kind: ClassVar[str] = "nonlinear"

    config: NonlinearConfig
    data: Dataset
    ls_loss: float
    fits: list[Fit] = field(default_factory=list)

    def curves(self, n_points: int = 300) -> tuple[FloatArray, dict[str, FloatArray]]:
        """``(x_grid, {label: prediction})``: each model's fit over the range of ``X``."""
        x = np.linspace(self.data.X.min(), self.data.X.max(), n_points)
        return x, {fit.label: fit.model.predict(x[:, None]) for fit in self.fits}

    def __repr__(self) -> str:
        return (f"NonlinearResult(data={self.config.data!r}, ls_loss={self.ls_loss:.4g}, "
                f"fits={self.fits})")

    def summary_lines(self) -> list[str]:
        """What the command line prints for this result (:func:`summary_lines`)."""
        return summary_lines(self)


def _models(config: NonlinearConfig) -> Iterator[tuple[str, Model]]:
    """``(label, model)`` pairs, simple to complex, all seeded by ``config.seed``."""
    act, seed = config.activation, config.seed
    yield "linear regression", LinearModel(1, seed=seed, init_scale=1.0)
    yield "linear network 1-2-1", make_network([1, 2, 1], "identity", seed=seed)
    for h in config.widths:
        yield f"{act} network 1-{h}-1", make_network([1, h, 1], act, seed=seed)


def run_nonlinear(config: NonlinearConfig | None = None) -> NonlinearResult:
    """Train linear regression, the linear network and the nonlinear networks on one curve.

    The models start from small weights (linear regression from :math:`N(0, 1)`, the
    networks from Xavier, or He for ReLU) and train full-batch with the same learning
    rate and number of epochs.

    >>> run_nonlinear(NonlinearConfig(epochs=50, samples=50))  # the nonlinear networks go below the line's floor
    NonlinearResult(data='sine', ls_loss=0.1171, fits=[Fit('linear regression', loss=0.117146), Fit('linear network 1-2-1', loss=0.117146), Fit('tanh network 1-2-1', loss=0.0623823), Fit('tanh network 1-16-1', loss=0.0558116)])
    """
    config = NonlinearConfig() if config is None else config
    data = NONLINEAR_SETS[config.data](config.samples, config.noise, config.seed)
    mse = MeanSquaredError()
    W, b = least_squares(data.X, data.y)
    result = NonlinearResult(config, data, mse.loss(data.y, linear_forward(data.X, W, b)))
    for label, model in _models(config):
        history = train(model, data.X, data.y, optimizer=GradientDescent(config.lr),
                        epochs=config.epochs, seed=config.seed)
        fit = Fit(label, model, history, mse.loss(data.y, model.predict(data.X)))
        if history.status not in ("diverged", "early_stopped"):
            history.final_loss = fit.loss  # epoch n_epochs: the trained model
        result.fits.append(fit)
        if history.status == "interrupted":  # Ctrl-C stops the lesson, not one model
            break
    return result


def summary_lines(result: NonlinearResult) -> list[str]:
    """What ``descentlab nonlinear`` prints: each model's loss against least squares
    (:meth:`NonlinearResult.summary_lines`).

    >>> summary_lines(run_nonlinear(NonlinearConfig(epochs=50, samples=50)))[1]
    'Least-squares loss (the best any line, or linear network, can do): 0.117146'
    """
    c = result.config
    lines = [f"{c.data}: {c.samples} points, noise {c.noise:g}; {c.activation} hidden units; "
             f"lr {c.lr:g}, {c.epochs} epochs, seed {c.seed}",
             f"Least-squares loss (the best any line, or linear network, can do): {result.ls_loss:.6f}",
             f"{'model':<24}{'first loss':>12}{'final loss':>12}{'/ least squares':>17}"]
    for fit in result.fits:
        ratio = f"{fit.loss / result.ls_loss:.4f}" if result.ls_loss > 0 else "-"  # a line fits 1-2 points
        lines.append(f"{fit.label:<24}{fit.history.loss[0]:>12.6f}{fit.loss:>12.6f}{ratio:>17}")
    best = min(result.fits, key=lambda fit: fit.loss)
    if best.loss > 0 and result.ls_loss > 0:
        lines.append(f"Best: {best.label}, {result.ls_loss / best.loss:.1f} times lower loss than "
                     "least squares; the linear models stop at it.")
    else:
        lines.append(f"Best: {best.label}; with {c.samples} points a line already fits them exactly.")
    return lines
