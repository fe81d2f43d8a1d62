r"""The article's two-layer linear network, and the proof that it is one linear equation.

The article's network (inputs :math:`x` and :math:`x_0 = 1`, two linear neurons, one linear
output) computes

.. math:: \hat y = [x\;\,1]\, W_1 W_2 = [x\;\,1]\,[m; b],

the article's line: a product of matrices is one matrix, so a network of linear layers fits
nothing a single neuron cannot, and trained, its loss reaches the least-squares loss and
never goes below it. Derivation: :doc:`/maths/networks`, "The collapse of a linear network".
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descentlab.core.history import History
from descentlab.core.layers import INITS, linear
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import linear_forward
from descentlab.core.network import Network, check_network_size, make_network
from descentlab.core.optimizers import GradientDescent
from descentlab.core.quadratic import least_squares, with_bias_column
from descentlab.core.regimes import regime_marks
from descentlab.core.stepsize import linear_network_bound
from descentlab.core.trainer import train
from descentlab.core.xp import FloatArray
from descentlab.data.synthetic import ArticleData, Dataset
from descentlab.errors import DescentlabError, DivergenceError, divergence_message
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import check_choice, epochs_setting, lr_setting, setting

BIAS_FORMS = ("x0", "layers")


def collapse(network: Network) -> tuple[FloatArray, FloatArray]:
    r"""The single affine map ``W`` (n_in, n_out), ``b`` (n_out,) that a network of linear
    (identity) layers computes. Folding layer by layer, the bias travels through the next layer like an input row:

    .. math:: W \leftarrow W W_k, \qquad b \leftarrow b W_k + b_k,

    so two layers give :math:`W = W_1 W_2` and :math:`b = b_1 W_2 + b_2`. A layer
    without a bias contributes :math:`b_k = 0`.

    >>> W, b = collapse(article_network())  # inputs [x, 1]: W = [m; b], no separate bias
    >>> W.shape, b
    ((2, 1), array([0.]))
    """
    for k, layer in enumerate(network.layers):
        if layer.activation.name != "identity":
            raise DescentlabError(f"layer {k} has a {layer.activation.name} activation: only a "
                                  "network of linear (identity) layers collapses to one linear map")
    first = network.layers[0].params
    W = np.array(first["W"], dtype=float)
    b = np.array(first.get("b", np.zeros(W.shape[1])), dtype=float)
    for layer in network.layers[1:]:
        W = W @ layer.params["W"]
        b = linear(b, layer.params)
    return W, b


def equivalent_line(W: FloatArray, b: FloatArray, bias_column: bool) -> tuple[float, float]:
    """The line ``m x + b`` of a collapsed one-feature network: ``W`` (1, 1), or (2, 1) when
    the input carries the bias as a last column of ones (``bias_column``); ``b`` (1,).

    >>> equivalent_line(np.array([[2.0], [1.0]]), np.array([0.5]), bias_column=True)
    (2.0, 1.5)
    """
    m = float(W[0, 0])
    intercept = float(b[0]) + (float(W[1, 0]) if bias_column else 0.0)
    return m, intercept


def article_network(bias: str = "x0", hidden: int = 2, init: str = "xavier", seed: int | None = 0) -> Network:
    """The article's two-layer linear network of ``hidden`` neurons (the article's 2).

    ``bias="x0"``: the article's form, inputs ``[x, 1]`` and no separate biases (``W1``
    (2, hidden), ``W2`` (hidden, 1)); ``"layers"``: input ``x`` and a bias in each layer.

    >>> article_network()
    Network([Dense(2, 2, activation='identity', init='xavier', bias=False), Dense(2, 1, activation='identity', init='xavier', bias=False)])
    """
    check_choice("bias form", bias, BIAS_FORMS)
    n_in = 2 if bias == "x0" else 1
    return make_network([n_in, hidden, 1], "identity", init=init, bias=bias == "layers", seed=seed)


def network_inputs(X: NDArray[np.float64], bias: str) -> NDArray[np.float64]:
    """``X`` as the network sees it: ``[x, 1]`` for the ``"x0"`` form, ``X`` otherwise.

    >>> network_inputs(np.array([[3.0]]), "x0"), network_inputs(np.array([[3.0]]), "layers")
    (array([[3., 1.]]), array([[3.]]))
    """
    return with_bias_column(X) if bias == "x0" else X


@dataclass
class CollapseConfig(ArticleData):
    """Settings of the collapse study; the data and split are the tutorial's.

    The data settings are :class:`descentlab.data.ArticleData`'s (``seed`` also seeds the
    initial weights); ``lr``, ``epochs``, ``hidden``, ``bias`` and ``init`` the network's.

    >>> CollapseConfig(hidden=3).hidden, CollapseConfig().bias
    (3, 'x0')
    """

    lr: float = lr_setting(0.01)
    epochs: int = epochs_setting(300)
    hidden: int = setting(2, "neurons in the first layer", low=1, label="hidden size")
    bias: str = setting("x0", "x0: inputs [x, 1] and no biases, as the article; layers: a bias "
                        "per layer", kind="choice", choices=BIAS_FORMS, label="bias form")
    init: str = setting("xavier", "initialisation", kind="choice", choices=tuple(INITS),
                        label="initialisation")

    def __post_init__(self) -> None:
        super().__post_init__()
        check_network_size([2, self.hidden, 1], self.samples, "use a smaller --hidden")


@dataclass
class CollapseResult(NotebookDisplay):
    """The trained network, its collapsed line and how it compares with least squares.

    Attributes
    ----------
    W : ndarray of shape (n_in, 1)
        :math:`W_1 W_2` (the product of the layers' weight matrices).
    b : ndarray of shape (1,)
        :math:`b_1 W_2 + b_2` (zeros in the ``"x0"`` form).
    m, intercept : float
        The equivalent line :math:`\\hat y = m x + b`.
    max_abs_diff : float
        The largest :math:`|\\text{network}(x) - (m x + b)|` over the training set.
    loss, line_loss, ls_loss : float
        Training loss of the network, of the equivalent line and of least squares.
    min_loss : float
        The lowest loss the network had over training (every epoch and the end).
    stable_lr : float
        The largest rate at which gradient descent can settle at a minimum of this
        network (:func:`descentlab.core.stepsize.linear_network_bound`).

    >>> result = run_collapse(CollapseConfig(epochs=20))
    >>> [name for name, _ in result.layer_matrices()], result.network_curve([0.0, 1.0]).shape
    (['W1', 'W2'], (2,))
    >>> result.gap >= 0, result.summary_lines()[-6]  # the lowest loss is never below least squares'
    (True, 'So the network is one line: y = 88.03... x + 1.76...')
    """

    kind: ClassVar[str] = "collapse"

    config: CollapseConfig
    data: Dataset
    X_train: np.ndarray
    y_train: np.ndarray
    network: Network
    history: History
    W: np.ndarray
    b: np.ndarray
    m: float
    intercept: float
    ls_m: float
    ls_intercept: float
    max_abs_diff: float
    loss: float
    line_loss: float
    ls_loss: float
    min_loss: float
    stable_lr: float

    @property
    def gap(self) -> float:
        """``min_loss - ls_loss``: never below 0 beyond rounding."""
        return self.min_loss - self.ls_loss

    def network_curve(self, x: ArrayLike) -> FloatArray:
        """The trained network's prediction at the points ``x``, shape (n,)."""
        curve: FloatArray = self.network.predict(network_inputs(np.reshape(x, (-1, 1)), self.config.bias))
        return curve

    def layer_matrices(self) -> list[tuple[str, FloatArray]]:
        """``[("W1", W1), ("b1", b1), ("W2", W2), ...]`` of the trained layers."""
        return [(f"{name}{k + 1}", layer.params[name]) for k, layer in enumerate(self.network.layers)
                for name in ("W", "b") if name in layer.params]

    def __repr__(self) -> str:
        return (f"CollapseResult(m={self.m:.6g}, intercept={self.intercept:.6g}, "
                f"loss={self.loss:.6g}, ls_loss={self.ls_loss:.6g}, max_abs_diff={self.max_abs_diff:.2g})")

    def summary_lines(self) -> list[str]:
        """What the command line prints for this result (:func:`summary_lines`)."""
        return summary_lines(self)


def run_collapse(config: CollapseConfig | None = None) -> CollapseResult:
    """Train the article's two-layer linear network and collapse it to one line.

    >>> result = run_collapse(CollapseConfig(epochs=50))
    >>> result.max_abs_diff < 1e-9, result.gap >= -1e-9  # one line; never below least squares
    (True, True)
    """
    config = CollapseConfig() if config is None else config
    data, X_train, _, y_train, _ = config.make()
    network = article_network(config.bias, config.hidden, config.init, config.seed)
    X_in = network_inputs(X_train, config.bias)
    stable_lr = linear_network_bound(X_train, y_train, output_bias=config.bias == "layers")
    try:
        history = train(network, X_in, y_train, optimizer=GradientDescent(config.lr), epochs=config.epochs)
    except DivergenceError as exc:
        raise DivergenceError(
            divergence_message(exc.epoch, exc.loss, config.lr, stable_lr, bound_name="the largest at "
                               "which gradient descent can settle at a minimum of this network",
                               fix=f"use a smaller --lr (e.g. {0.8 * stable_lr:.2g})"),
            epoch=exc.epoch, loss=exc.loss, history=exc.history) from None
    W, b = collapse(network)
    m, intercept = equivalent_line(W, b, config.bias == "x0")
    y_net = network.predict(X_in)
    y_line = linear_forward(X_train, np.array([m]), intercept)
    ls_W, ls_b = least_squares(X_train, y_train)
    mse = MeanSquaredError()
    loss = mse.loss(y_train, y_net)
    if history.status != "diverged":
        history.final_loss = loss  # epoch n_epochs: the trained network
    return CollapseResult(
        config=config, data=data, X_train=X_train, y_train=y_train, network=network,
        history=history, W=W, b=b, m=m, intercept=intercept,
        ls_m=float(ls_W[0]), ls_intercept=ls_b,
        max_abs_diff=float(np.max(np.abs(y_net - y_line))),
        loss=loss, line_loss=mse.loss(y_train, y_line),
        ls_loss=mse.loss(y_train, linear_forward(X_train, ls_W, ls_b)),
        min_loss=min(min(history.loss), loss), stable_lr=stable_lr)


def _matrix(name: str, value: FloatArray) -> list[str]:
    text = np.array2string(np.atleast_2d(value), precision=4, suppress_small=True)
    shape = "x".join(str(n) for n in np.atleast_2d(value).shape)
    return [f"{name} ({shape}) ="] + ["  " + line for line in text.splitlines()]


def summary_lines(result: CollapseResult) -> list[str]:
    """What ``descentlab collapse`` prints: the matrices, the line and the comparison
    (:meth:`CollapseResult.summary_lines`).

    >>> summary_lines(run_collapse(CollapseConfig(epochs=20)))[-1]  # doctest: +ELLIPSIS
    'Gradient descent settles only for learning rates below 0.012...'
    """
    c, h = result.config, result.history
    form = ("inputs [x, x0 = 1], no separate biases (the article's form)" if c.bias == "x0"
            else "input x, a bias in each layer")
    lines = [f"The article's two-layer linear network: {form}; {c.hidden} linear neurons, "
             "1 linear output.",
             f"Trained {c.epochs} epochs (lr {c.lr:g}, {c.init} init, seed {c.seed}) on "
             f"{len(result.y_train)} points: loss {h.loss[0]:.6f} -> {result.loss:.6f}", ""]
    for name, value in result.layer_matrices():
        lines += _matrix(name, value)
    lines += _matrix("W = W1 W2", result.W)
    if c.bias == "x0":
        lines.append("  (row 1 multiplies x: it is m; row 2 multiplies x0 = 1: it is b)")
    if c.bias == "layers":
        lines += _matrix("b = b1 W2 + b2", result.b)
    lines += [
        "",
        f"So the network is one line: y = {result.m:.6f} x + {result.intercept:.6f}",
        f"Network against that line: largest |difference| over the training points = "
        f"{result.max_abs_diff:.2e} (float precision)",
        f"Least squares (NumPy lstsq): y = {result.ls_m:.6f} x + {result.ls_intercept:.6f}",
        f"Loss: network {result.loss:.9f}, its line {result.line_loss:.9f}, "
        f"least squares {result.ls_loss:.9f}",
        f"Lowest loss over training {result.min_loss:.9f}: {result.gap:+.2e} from least squares "
        "(never below it beyond rounding: linear layers add no power, so linear "
        "activations must not be used in hidden layers)",
        f"Gradient descent settles only for learning rates below {result.stable_lr:.4g}, "
        "2 / the sharpness of the flattest minimum (near that minimum "
        f"{regime_marks(result.stable_lr)})" + (
            "" if c.lr < result.stable_lr else
            f"; lr {c.lr:g} is above it, so the loss keeps bouncing ({result.loss:.4g} at the end): "
            f"use a smaller --lr (e.g. {0.8 * result.stable_lr:.2g})"),
    ]
    return lines
