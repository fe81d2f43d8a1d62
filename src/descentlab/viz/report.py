"""One self-contained HTML page that tells the article's story from data to fitted line.

Every figure is a PNG embedded as base64; the training animation is its frames as PNGs
with a slider and a play button written in a few lines of inline JavaScript. Nothing is
fetched from the network. Everything is drawn from a run's History and data (and the
Histories of a learning-rate study); nothing here trains.
"""

import html
from collections.abc import Mapping, Sequence
from string import Template
from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.core.regimes import regime_sentence
from descentlab.errors import DescentlabError
from descentlab.viz.animation import TrainingAnimation
from descentlab.viz.article import line_of, plot_graph, test_fit_figure
from descentlab.viz.lr_study import lr_study_figure
from descentlab.viz.page import img, player_html, section, template
from descentlab.viz.report_networks import network_sections
from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS, note_on, sample_points
from descentlab.viz.surface import cost_vs_m_figure, loss_surface_figure

if TYPE_CHECKING:
    from descentlab.lessons.article import TutorialResult
    from descentlab.lessons.lr_study import LRStudy
    from descentlab.viz.report_networks import NetworkResult


def metrics_table(metrics: Mapping[str, Any]) -> str:
    """The train and test metrics, and the learned and least-squares parameters, as HTML.

    Examples
    --------
    >>> import re; from descentlab.lessons.article import run_tutorial
    >>> tables = metrics_table(run_tutorial(log=None).metrics)
    >>> re.findall(r'<table id="(\\w+)"', tables), re.findall(r"<tr><td>([^<]*)</td>", tables)[:3]
    (['metrics', 'parameters'], ['loss (half MSE)', 'R^2', 'MAE'])
    """
    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.6g}"

    names = [("loss", "loss (half MSE)"), ("r2", "R^2"), ("mae", "MAE"), ("rmse", "RMSE"),
             ("mape_percent", "MAPE % (the article's 'Accuracy'; lower is better)")]
    rows = "".join(f"<tr><td>{html.escape(label)}</td><td>{fmt(metrics['train'][key])}</td>"
                   f"<td>{fmt(metrics['test'][key])}</td></tr>" for key, label in names)
    ls = metrics["least_squares"]
    params = [("W (m)", np.round(metrics["W"], 6).tolist(), np.round(ls["W"], 6).tolist()),
              ("b", round(metrics["b"], 6), round(ls["b"], 6)),
              ("training loss", fmt(metrics["train"]["loss"]), fmt(ls["train_loss"]))]
    prow = "".join(f"<tr><td>{a}</td><td>{html.escape(str(g))}</td><td>{html.escape(str(l))}</td></tr>"
                   for a, g, l in params)
    return ('<table id="metrics"><tr><th>metric</th><th>train</th><th>test</th></tr>' + rows + "</table>"
            '<table id="parameters"><tr><th></th><th>gradient descent</th><th>least squares</th></tr>'
            + prow + "</table>"
            f'<p class="note">True coefficient {np.round(metrics["true_coef"], 4).tolist()}; '
            f'learning rate {metrics["lr"]:g} against the stable bound {metrics["stability_bound"]:.4g}.</p>')


def tutorial_report(result: "TutorialResult", study: "LRStudy | None" = None, networks: Sequence["NetworkResult"] = (),
                    *, max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS) -> str:
    """The HTML report of a tutorial run (a :class:`~descentlab.TutorialResult`).

    Parameters
    ----------
    result : TutorialResult
    study : LRStudy, optional
        Its section is left out when None.
    networks : sequence of CollapseResult, NonlinearResult or LogisticResult
        One more section each, after the tutorial's (:mod:`.report_networks`).
    max_frames, max_points : int
        Caps on the animation frames and on the points drawn (see :mod:`.sampling`).

    Returns
    -------
    str
        The page, ``<!DOCTYPE html>`` first.

    Examples
    --------
    >>> import re; from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> result = run_tutorial(TutorialConfig(samples=20, features=2, epochs=5), log=None)
    >>> page = tutorial_report(result, max_frames=2)  # two features: no (m, b) landscape; no study
    >>> page.splitlines()[0], re.findall(r"<h2>([^<]*)</h2>", page)
    ('<!DOCTYPE html>', ['1. The data', '2. Watch it learn, epoch by epoch', '3-4. The loss landscape', '6. Prediction on the test set'])
    """
    from descentlab._version import __version__

    h, c = result.history, result.config
    if h.status not in ("completed", "interrupted"):
        raise DescentlabError(f"cannot report a run that {h.status}: train with a smaller learning rate")
    stopped = f" ({h.interrupted_note()}: Ctrl-C)" if h.interrupted_note() else ""
    X, y, note = sample_points(result.data.X, result.data.y, max_points)
    sections = [section("1. The data", img(note_on(plot_graph({"X": X[:, 0], "y": y}), note), "data"),
                         f"make_regression with {c.samples} samples, {c.features} feature(s), noise "
                         f"{c.noise:g}; {len(result.y_train)} rows to train on, {len(result.y_test)} to test.")]
    anim = TrainingAnimation(h, result.X_train, result.y_train, max_frames=max_frames, max_points=max_points)
    last = h.last_epoch
    shown = (f"every epoch, 0 to {last}" if len(anim) == last + 1
             else f"{len(anim)} of the epochs 0 to {last}, closer together where the line moves most")
    sections.append(section(
        "2. Watch it learn, epoch by epoch", player_html(anim),
        f"Gradient descent with l_r = {c.lr:g} for {h.n_epochs} epochs{stopped}; frames show {shown}. Epoch N "
        "is the line after N updates and the loss computed at it (the 'Loss =' printed for epoch N); "
        f"epoch {h.n_epochs}, the last, is the trained line. Drag the slider or press Play."))
    if c.features == 1:
        sections.append(section("3. Cost against one parameter", img(cost_vs_m_figure(
            h, result.X_train, result.y_train), "cost against m"),
            "Hold b at its optimum and sweep m (the article's p): the cost is a parabola with its "
            "minimum at a. Every epoch's m sits on the curve; the tangents are the slopes gradient "
            "descent subtracts, scaled by the learning rate."))
        sections.append(section("4. The loss surface over (m, b)", img(loss_surface_figure(
            h, result.X_train, result.y_train), "loss surface"),
            "The bowl of the loss over both parameters, with the path gradient descent took down it "
            "(one point per epoch) and the least-squares minimum (star)."))
    else:
        sections.append(section("3-4. The loss landscape", "",
                                 f"Left out: with {c.features} features the loss lives in "
                                 f"{c.features + 1} parameters, not (m, b)."))
    if study is not None:
        table = html.escape("\n".join(study.summary_lines()))
        sections.append(section("5. The learning rate", img(lr_study_figure(study), "learning-rate study")
                                 + f'<pre id="lr-table">{table}</pre>',
                                 "The same problem from the same start with several learning rates. "
                                 + regime_sentence(study.bound)))
    Xt, yt, tnote = sample_points(result.X_test, result.y_test, max_points)
    m, b = line_of(result.model.params, result.X_test)
    fit = img(note_on(test_fit_figure(Xt[:, 0], yt, m, b), tnote), "fit on the test set")
    sections.append(section("6. Prediction on the test set", fit + metrics_table(result.metrics)))
    sections += network_sections(networks, start=7, max_frames=max_frames, max_points=max_points)
    page = Template(template("report.html")).substitute(
        title="descentlab: linear regression by gradient descent",
        subtitle=html.escape(f"Neural Networks with Numpy for Absolute Beginners, Part 2, run by "
                             f"descentlab (seed {c.seed}, data seed {c.data_seed})."),
        sections="\n".join(sections), version=__version__,
        player_script=f"<script>\n{template('player.js')}</script>")
    return page
