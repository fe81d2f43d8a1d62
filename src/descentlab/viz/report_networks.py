"""The report's sections beyond one neuron: the linear collapse, nonlinear activations,
logistic regression.

Each section is drawn from a study's result (its Histories and trained parameters): the
study's figure as an embedded PNG, its key numbers in a table and, for logistic
regression, the decision boundary over training as a frame player with an epoch slider.
Nothing here trains.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from descentlab.core.regimes import regime_marks
from descentlab.viz.logistic import BoundaryAnimation, boundary_figure
from descentlab.viz.networks import collapse_figure, nonlinear_figure
from descentlab.viz.page import img, player_html, section, table
from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

if TYPE_CHECKING:
    from descentlab.lessons.collapse import CollapseResult
    from descentlab.lessons.logistic import LogisticResult
    from descentlab.lessons.nonlinear import NonlinearResult

#: What a study section draws: one of the three studies' results.
NetworkResult: TypeAlias = "CollapseResult | NonlinearResult | LogisticResult"


def _g(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}"


def _matrix(value: ArrayLike) -> str:
    return str(np.round(np.atleast_2d(value), 4).tolist())


def collapse_section(result: "CollapseResult", number: int) -> str:
    r"""The article's two-layer linear network, the line :math:`W_1 W_2` it is, least squares.

    Examples
    --------
    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> html = collapse_section(run_collapse(CollapseConfig(epochs=20)), number=7)
    >>> html[:51], html.count("<img"), html.count('<table id="collapse">')
    ('<section><h2>7. Two linear layers are one line</h2>', 1, 1)
    """
    c = result.config
    rows = [(name, _matrix(value)) for name, value in result.layer_matrices()]
    rows += [("W = W1 W2", _matrix(result.W))]
    if c.bias == "layers":
        rows.append(("b = b1 W2 + b2", _matrix(result.b)))
    rows += [
        ("the network's line", f"y = {result.m:.6f} x + {result.intercept:.6f}"),
        ("least squares (NumPy lstsq)", f"y = {result.ls_m:.6f} x + {result.ls_intercept:.6f}"),
        ("largest |network - line| on the training points", f"{result.max_abs_diff:.2e}"),
        ("loss: network / its line / least squares",
         f"{result.loss:.9f} / {result.line_loss:.9f} / {result.ls_loss:.9f}"),
        ("lowest loss over training - least squares", f"{result.gap:+.2e}"),
        ("stable learning rates (2 / sharpness of the flattest minimum)",
         f"below {result.stable_lr:.4g} ({regime_marks(result.stable_lr)}); this run: {c.lr:g}"),
    ]
    form = "inputs [x, x0 = 1], no separate biases" if c.bias == "x0" else "a bias in each layer"
    return section(
        f"{number}. Two linear layers are one line",
        img(collapse_figure(result), "linear collapse") + table(rows, ("", "value"), "collapse"),
        f"The article's network ({form}; {c.hidden} linear neurons, 1 linear output) trained "
        f"{c.epochs} epochs with l_r = {c.lr:g} on the tutorial's data. Its weight matrices "
        "multiply out to one line, which predicts what the network predicts to float precision, "
        "and its loss stops at least squares: linear hidden layers add no power.")


def nonlinear_section(result: "NonlinearResult", number: int) -> str:
    """Linear models stop at least squares on a curve; nonlinear hidden units bend to it.

    Examples
    --------
    >>> import re; from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear
    >>> html = nonlinear_section(run_nonlinear(NonlinearConfig(epochs=20, samples=30)), number=8)
    >>> re.findall(r"<tr><td>([^<]*)</td>", html)  # a row per model
    ['linear regression', 'linear network 1-2-1', 'tanh network 1-2-1', 'tanh network 1-16-1']
    """
    c = result.config
    rows = [(fit.label, _g(fit.history.loss[0]), _g(fit.loss), f"{fit.loss / result.ls_loss:.4f}")
            for fit in result.fits]
    return section(
        f"{number}. Why hidden layers need nonlinear activations",
        img(nonlinear_figure(result), "nonlinear fits")
        + table(rows, ("model", "first loss", "final loss", "/ least squares"), "nonlinear"),
        f"A {c.data} with noise {c.noise:g} ({c.samples} points), every model trained {c.epochs} "
        f"epochs with l_r = {c.lr:g}. Least squares, {result.ls_loss:.6g}, is the best any line "
        f"or linear network can do; networks with {c.activation} hidden units go below it.")


def logistic_section(result: "LogisticResult", number: int, *, max_frames: int = MAX_FRAMES,
                     max_points: int = MAX_POINTS) -> str:
    """The decision boundary as a frame player, the snapshots figure, the scikit-learn check.

    Examples
    --------
    >>> import re; from descentlab.lessons.logistic import LogisticConfig, run_logistic
    >>> html = logistic_section(run_logistic(LogisticConfig(epochs=10, snapshots=1)), number=9, max_frames=2)
    >>> html.count('class="player"'), re.findall(r"<tr><td>([^<]*)</td>", html)[:3]
    (1, ['W', 'b', 'largest difference in probability'])
    """
    c, h = result.config, result.history
    anim = BoundaryAnimation(h, result.X_train, result.y_train, result.accuracy_trace,
                             max_frames=max_frames, max_points=max_points)
    W, b = np.ravel(result.model.params["W"]), float(np.ravel(result.model.params["b"])[0])
    rows = [("W", _matrix(W)[1:-1], _matrix(result.reference_W)[1:-1]),
            ("b", f"{b:.6f}", f"{result.reference_b:.6f}"),
            ("largest difference in probability", f"{result.max_proba_diff:.2e}", ""),
            ("accuracy, train", f"{100 * result.train_accuracy:.1f}%", ""),
            ("accuracy, test", f"{100 * result.test_accuracy:.1f}%", "")]
    last = h.last_epoch
    shown = (f"every epoch, 0 to {last}" if len(anim) == last + 1
             else f"{len(anim)} of the epochs 0 to {last}, closer together where the boundary moves most")
    return section(
        f"{number}. Logistic regression: the decision boundary over training",
        player_html(anim, name="logistic", prefix="logistic-")
        + img(boundary_figure(h, result.X_train, result.y_train, result.snapshot_epochs(),
                              result.accuracy_trace), "logistic snapshots")
        + table(rows, ("", "gradient descent", "scikit-learn, C = inf"), "logistic"),
        f"A sigmoid neuron with binary cross-entropy on two overlapping Gaussian blobs "
        f"({c.samples} points, spread {c.cluster_std:g}), l_r = {c.lr:g} for {c.epochs} epochs; "
        f"frames show {shown}. The line is where p = 0.5, w1 x1 + w2 x2 + b = 0. Accuracy is the "
        "share of correct predictions; scikit-learn's unpenalised optimum is the check.")


def network_sections(results: Sequence[NetworkResult], start: int, *, max_frames: int = MAX_FRAMES,
                     max_points: int = MAX_POINTS) -> list[str]:
    """One section per study result, numbered from ``start``, in the order given.

    Parameters
    ----------
    results : sequence of CollapseResult, NonlinearResult or LogisticResult
    start : int

    Returns
    -------
    list of str

    Examples
    --------
    >>> network_sections([], start=7)
    []
    >>> network_sections([object()], start=7)
    Traceback (most recent call last):
    TypeError: no report section for a object: pass a CollapseResult, NonlinearResult or LogisticResult
    """
    draw: dict[str, Callable[[Any, int], str]] = {"collapse": collapse_section, "nonlinear": nonlinear_section,
            "logistic": lambda r, n: logistic_section(r, n, max_frames=max_frames, max_points=max_points)}
    sections: list[str] = []
    for number, result in enumerate(results, start):
        kind = getattr(result, "kind", None)
        if kind not in draw:
            raise TypeError(f"no report section for a {type(result).__name__}: pass a "
                            "CollapseResult, NonlinearResult or LogisticResult")
        sections.append(draw[kind](result, number))
    return sections
