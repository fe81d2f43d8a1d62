"""What ``descentlab fit`` says about a fit: how training ended, the metrics, the
coefficients, and one warning that tells overfitting from underfitting."""

from typing import Any

import numpy as np

#: How much better the training rows may score than the test rows (R^2, or accuracy)
#: before the fit is called overfitting; below which training score it is underfitting.
OVERFIT_GAP = 0.3
UNDERFIT_SCORE = 0.5


def advice_lines(metrics: dict[str, dict[str, float]], network: bool = False) -> list[str]:
    """One warning that tells overfitting from underfitting, or none.

    Overfitting: the training rows score far better than the test rows (``OVERFIT_GAP``);
    more epochs make it worse, so the advice is early stopping, a penalty, fewer units.
    Underfitting: the training rows themselves score poorly; the advice is more epochs,
    another learning rate, or (for a network) more units.

    >>> advice_lines({"train": {"r2": 0.95}, "test": {"r2": 0.2}})[0][:60]
    'Warning: overfitting: R^2 0.95 on the training rows but 0.20'
    >>> advice_lines({"train": {"r2": 0.95}, "test": {"r2": 0.9}})
    []
    """
    key = "accuracy" if "accuracy" in metrics.get("train", {}) else "r2"
    name = "accuracy" if key == "accuracy" else "R^2"
    train = metrics.get("train", {}).get(key)
    test = next((m.get(key) for part, m in metrics.items() if part != "train"), None)
    if train is None:
        return []
    units = "fewer hidden units (--hidden)" if network else "fewer features"
    if test is not None and train - test > OVERFIT_GAP and train > UNDERFIT_SCORE:
        return [f"Warning: overfitting: {name} {train:.2f} on the training rows but {test:.2f} on "
                "the test rows; the model learns the training rows' noise, and more epochs make "
                f"it worse: try --early-stopping, a penalty (--penalty l2 --alpha 0.01), or {units}"]
    if train < UNDERFIT_SCORE or (key == "r2" and test is not None and test < 0):
        more = ", or more hidden units" if network else ""
        return [f"Warning: underfitting: {name} {train:.2f} on the training rows"
                + (f" and {test:.2f} on the test rows" if test is not None else "")
                + f"; the model has not learned the pattern: try more --epochs, another --lr{more}"]
    return []


def summary_lines(result: Any) -> list[str]:
    """What ``descentlab fit`` prints: how training ended, the metrics, the coefficients.

    >>> from types import SimpleNamespace
    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    >>> metrics = {"train": {"r2": 1.0, "mae": 0.0, "rmse": 0.0}}
    >>> print(*summary_lines(SimpleNamespace(estimator=reg, features=["x"], metrics=metrics)), sep="\\n")
    Converged after 89 epochs (learning rate 1; training loss at epoch 88: ... on the standardised target)
    train: R^2 = 1.0000   MAE = 0   RMSE = 0
    Coefficients (in the data's units): x 2.00017; intercept 0.999831
    """
    est = result.estimator
    h = est.history_
    if h.loss:
        scale = "" if hasattr(est, "classes_") else " on the standardised target"
        lines = [f"{h.status_text.capitalize()} after {est.n_iter_} epochs (learning rate "
                 f"{h.meta['lr']:.4g}; training loss at epoch {h.n_epochs - 1}: {h.loss[-1]:.6g}{scale})"]
    else:
        lines = [f"{h.status_text.capitalize()} before the first epoch ended"]
    for part, m in result.metrics.items():
        if "accuracy" in m:
            lines.append(f"{part}: accuracy = {100 * m['accuracy']:.1f}% (share of correct predictions)"
                         + (f"   log loss = {m['log_loss']:.4f}" if "log_loss" in m else ""))
        else:
            lines.append(f"{part}: R^2 = {m['r2']:.4f}   MAE = {m['mae']:.4g}   RMSE = {m['rmse']:.4g}")
    lines += advice_lines(result.metrics, network=hasattr(est, "hidden_layer_sizes"))
    if hasattr(est, "coef_") and np.ndim(est.coef_) == 2 and len(est.coef_) > 1:  # one logit per class
        lines.append("Coefficients of each class's logit (in the data's units):")
        for label, coef, intercept in zip(est.classes_, est.coef_, est.intercept_, strict=False):
            coefs = ", ".join(f"{name} {c:.6g}" for name, c in zip(result.features, coef, strict=False))
            lines.append(f"  {label}: {coefs}; intercept {intercept:.6g}")
    elif hasattr(est, "coef_"):  # a regressor's (n,), or a binary classifier's one row (1, n)
        coefs = ", ".join(f"{name} {c:.6g}" for name, c in zip(result.features, np.ravel(est.coef_), strict=True))
        lines.append(f"Coefficients (in the data's units): {coefs}; "
                     f"intercept {float(np.ravel(est.intercept_)[0]):.6g}")
    else:
        n_out = est._n_outputs() if hasattr(est, "classes_") else 1
        sizes = " -> ".join(str(n) for n in (len(result.features), *est.hidden_layer_sizes, n_out))
        lines.append(f"Network {sizes} ({est.activation} hidden units): {est.weights_.size} weights")
    return lines
