"""The lessons' files: figures (PNG), histories and numbers (JSON), written atomically.

Each ``save_*`` takes a lesson's result (:mod:`descentlab.lessons`), draws its figures
(:mod:`descentlab.viz`) and writes them into a folder; it returns the paths written.
:func:`save_lesson` picks the one for any result.
"""

import json
from dataclasses import asdict

import numpy as np

from descentlab.files import ensure_writable_dir, save_figure, write_text
from descentlab.viz.article import epoch_figure, line_of, plot_graph, plot_pred_line
from descentlab.viz.logistic import boundary_figure
from descentlab.viz.networks import collapse_figure, nonlinear_figure
from descentlab.viz.sampling import note_on, sample_points


def save_tutorial(result, out):
    """Write the figures (PNG), ``history.json`` and ``metrics.json`` into ``out``.

    Large data sets are drawn as a random sample of points, and the figures say so.

    Returns the list of paths written.
    """
    out = ensure_writable_dir(out)
    X, y, note = sample_points(result.data.X, result.data.y)
    written = [save_figure(note_on(plot_graph({"X": X[:, 0], "y": y}), note), out / "data.png")]
    X_train, y_train, note = sample_points(result.X_train, result.y_train)
    for epoch in result.logged_epochs():
        fig = note_on(epoch_figure(result.history, X_train, y_train, epoch), note)
        written.append(save_figure(fig, out / f"epoch_{epoch:03d}.png"))
    X_test, y_test, note = sample_points(result.X_test, result.y_test)
    m, b = line_of(result.model.params, result.X_test)
    fig = note_on(plot_pred_line(X_test[:, 0], y_test, m, b), note)
    written.append(save_figure(fig, out / "test_fit.png"))
    written.append(write_text(out / "history.json", result.history.to_json()))
    written.append(write_text(out / "metrics.json", json.dumps(result.metrics, indent=1)))
    return written


def save_collapse(result, out):
    """Write ``collapse.png``, ``collapse.json`` and ``collapse_history.json`` into ``out``."""
    out = ensure_writable_dir(out)
    numbers = {name: np.asarray(v).tolist() for name, v in result.layer_matrices()}
    numbers.update(W=result.W.tolist(), b=result.b.tolist(), m=result.m, intercept=result.intercept,
                   least_squares={"m": result.ls_m, "intercept": result.ls_intercept},
                   loss=result.loss, line_loss=result.line_loss, ls_loss=result.ls_loss,
                   min_loss=result.min_loss, max_abs_diff=result.max_abs_diff,
                   stable_lr=result.stable_lr,
                   config=asdict(result.config))
    return [save_figure(collapse_figure(result), out / "collapse.png"),
            write_text(out / "collapse.json", json.dumps(numbers, indent=1)),
            write_text(out / "collapse_history.json", result.history.to_json())]


def save_nonlinear(result, out):
    """Write ``nonlinear_<data>.png`` and ``nonlinear_<data>.json`` into ``out``.

    The JSON holds the final losses and every model's History (under ``"histories"``).
    """
    out = ensure_writable_dir(out)
    name = f"nonlinear_{result.config.data}"
    numbers = {"config": asdict(result.config), "ls_loss": result.ls_loss,
               "loss": {fit.label: fit.loss for fit in result.fits},
               "histories": {fit.label: fit.history.to_dict() for fit in result.fits}}
    return [save_figure(nonlinear_figure(result), out / f"{name}.png"),
            write_text(out / f"{name}.json", json.dumps(numbers))]


def save_logistic(result, out):
    """Write ``logistic.png``, ``logistic.json`` and ``logistic_history.json`` into ``out``."""
    out = ensure_writable_dir(out)
    fig = boundary_figure(result.history, result.X_train, result.y_train,
                          result.snapshot_epochs(), result.accuracy_trace)
    numbers = {"config": asdict(result.config), "W": result.model.params["W"].tolist(),
               "b": float(result.model.params["b"]), "train_accuracy": result.train_accuracy,
               "test_accuracy": result.test_accuracy, "accuracy_trace": result.accuracy_trace.tolist(),
               "reference": {"W": result.reference_W.tolist(), "b": result.reference_b},
               "max_proba_diff": result.max_proba_diff, "snapshot_epochs": result.snapshot_epochs()}
    return [save_figure(fig, out / "logistic.png"),
            write_text(out / "logistic.json", json.dumps(numbers, indent=1)),
            write_text(out / "logistic_history.json", result.history.to_json())]


def save_lesson(result, out):
    """Write the files of any lesson's result into the folder ``out``; return their paths."""
    savers = {"tutorial": save_tutorial, "collapse": save_collapse, "nonlinear": save_nonlinear,
              "logistic": save_logistic}
    return savers[result.kind](result, out)
