r"""Logistic regression, the series' next part: a sigmoid neuron and binary cross-entropy.

The model is the article's neuron with a sigmoid on its output,
:math:`p = \sigma(XW + b)`, the probability of class 1. It trains through the same
:func:`descentlab.core.trainer.train` with :class:`descentlab.core.losses.BinaryCrossEntropy`,
computed from the logit :math:`z = XW + b` so that it never takes ``log(0)`` and
``exp`` never overflows. The decision boundary is the line where :math:`p = 1/2`,
i.e. :math:`z = 0`:

.. math:: w_1 x_1 + w_2 x_2 + b = 0.

On overlapping classes the loss has a finite minimum, the one scikit-learn's
unpenalised ``LogisticRegression(C=np.inf)`` finds; gradient descent reaches it too.
"""

from dataclasses import dataclass

import numpy as np

from descentlab.data.synthetic import Dataset, check_split_sizes, make_blobs, split
from descentlab.core.history import History
from descentlab.core.losses import BinaryCrossEntropy
from descentlab.core.metrics import accuracy
from descentlab.core.models import LogisticModel, logistic_proba
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train
from descentlab.checks import check_positive, check_size, check_training


@dataclass
class LogisticConfig:
    """Settings of the logistic-regression study.

    Parameters
    ----------
    lr : float, default=0.5
    epochs : int, default=200
    samples : int, default=200
    cluster_std : float, default=1.5
        Spread of each blob; the centres are (-1, -1) and (1, 1), so they overlap.
    test_size : float, default=0.25
    seed : int, default=0
        Seeds the blobs, the split and the initial weights.
    init_scale : float, default=1.0
        Standard deviation of the initial weights (the article's 10 would start with
        saturated probabilities).
    snapshots : int, default=6
        How many epochs the boundary figure shows, spread from the first to the last.
    """

    lr: float = 0.5
    epochs: int = 200
    samples: int = 200
    cluster_std: float = 1.5
    test_size: float = 0.25
    seed: int = 0
    init_scale: float = 1.0
    snapshots: int = 6

    def __post_init__(self):
        check_training(self.lr, self.epochs, LogisticConfig.lr)
        check_size("samples", self.samples)
        check_positive("cluster spread", self.cluster_std)
        check_positive("initial weight scale", self.init_scale)
        check_size("snapshots", self.snapshots)
        check_split_sizes(self.samples, self.test_size)


@dataclass
class LogisticResult:
    """The trained model, its history and honest measures of it.

    Attributes
    ----------
    accuracy_trace : ndarray of shape (epochs + 1,)
        Training accuracy at the start of every epoch and after the last one.
    train_accuracy, test_accuracy : float
        Share of correct predictions (scikit-learn's ``accuracy_score``).
    reference_W, reference_b
        scikit-learn's unpenalised ``LogisticRegression`` on the same training data.
    max_proba_diff : float
        The largest difference between our probabilities and scikit-learn's.
    """

    config: LogisticConfig
    data: Dataset
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    model: LogisticModel
    history: History
    accuracy_trace: np.ndarray
    train_accuracy: float
    test_accuracy: float
    reference_W: np.ndarray
    reference_b: float
    max_proba_diff: float

    def snapshot_epochs(self):
        """The epochs the boundary figure shows: 0, then spread geometrically up to the
        end (the boundary moves most at the start). Epoch ``n_epochs`` is the end."""
        n, k = self.history.n_epochs, self.config.snapshots
        if k == 1:
            return [n]
        epochs = np.round(np.geomspace(1, n, k - 1)).astype(int)
        return sorted(set(epochs.tolist()) | {0, n})

    def __repr__(self):
        return (f"LogisticResult(train_accuracy={self.train_accuracy:.3f}, "
                f"test_accuracy={self.test_accuracy:.3f}, max_proba_diff={self.max_proba_diff:.2g})")


def reference_fit(X, y):
    """scikit-learn's unpenalised logistic regression: ``(W, b)`` of the exact optimum."""
    from sklearn.linear_model import LogisticRegression

    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    return ref.coef_[0], float(ref.intercept_[0])


def run_logistic(config=None):
    """Train logistic regression by gradient descent on two overlapping blobs.

    Returns
    -------
    LogisticResult
    """
    config = LogisticConfig() if config is None else config
    data = make_blobs(config.samples, config.cluster_std, config.seed)
    X_train, X_test, y_train, y_test = split(data.X, data.y, config.test_size, config.seed)
    model = LogisticModel(2, seed=config.seed, init_scale=config.init_scale)
    history = train(model, X_train, y_train, loss=BinaryCrossEntropy(),
                    optimizer=GradientDescent(config.lr), epochs=config.epochs, seed=config.seed)
    trace = np.array([accuracy(y_train, logistic_proba(history.params_at(e), X_train))
                      for e in range(history.n_epochs + 1)])
    W_ref, b_ref = reference_fit(X_train, y_train)
    p_ref = logistic_proba({"W": W_ref, "b": b_ref}, X_train)
    return LogisticResult(
        config=config, data=data, X_train=X_train, X_test=X_test, y_train=y_train,
        y_test=y_test, model=model, history=history, accuracy_trace=trace,
        train_accuracy=accuracy(y_train, model.predict_proba(X_train)),
        test_accuracy=accuracy(y_test, model.predict_proba(X_test)),
        reference_W=W_ref, reference_b=b_ref,
        max_proba_diff=float(np.max(np.abs(model.predict_proba(X_train) - p_ref))))


def _signed(value):
    return f"{'-' if value < 0 else '+'} {abs(value):.4f}"


def summary_lines(result, log_every=None):
    """What ``descentlab logistic`` prints: progress, the boundary, the check, the accuracy."""
    c, h = result.config, result.history
    log_every = log_every or max(1, h.n_epochs // 10)
    lines = [f"Logistic regression on two overlapping Gaussian blobs ({c.samples} points, "
             f"spread {c.cluster_std:g}); lr {c.lr:g}, {c.epochs} epochs, seed {c.seed}"]
    for epoch in range(0, h.n_epochs, log_every):
        lines.append(f"Epoch {epoch:>5}: loss {h.loss[epoch]:.6f}   "
                     f"accuracy {100 * result.accuracy_trace[epoch]:.1f}%")
    (w1, w2), b = result.model.params["W"], float(result.model.params["b"])
    rw, rb = result.reference_W, result.reference_b
    lines += [
        f"Learned W = [{w1:.6f}, {w2:.6f}], b = {b:.6f}; "
        f"decision boundary {w1:.4f} x1 {_signed(w2)} x2 {_signed(b)} = 0",
        f"scikit-learn LogisticRegression(C=inf): W = [{rw[0]:.6f}, {rw[1]:.6f}], b = {rb:.6f}; "
        f"largest difference in probability {result.max_proba_diff:.2e}",
        f"Accuracy (share of correct predictions): train {100 * result.train_accuracy:.1f}%, "
        f"test {100 * result.test_accuracy:.1f}%",
    ]
    return lines


def save_logistic(result, out):
    """Write ``logistic.png``, ``logistic.json`` and ``logistic_history.json`` into ``out``."""
    import json
    from dataclasses import asdict

    from descentlab.files import ensure_writable_dir, save_figure, write_text
    from descentlab.viz.logistic import boundary_figure

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
