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
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from descentlab.core.history import History
from descentlab.core.losses import BinaryCrossEntropy
from descentlab.core.metrics import accuracy
from descentlab.core.models import LogisticModel, logistic_proba
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train
from descentlab.core.xp import FloatArray
from descentlab.data.synthetic import NOISE_MAX, Dataset, check_data_size, check_split_sizes, make_blobs, split
from descentlab.errors import DescentlabError
from descentlab.lessons.display import NotebookDisplay
from descentlab.settings import check_config, epochs_setting, lr_setting, setting


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

    >>> LogisticConfig(lr=0.1).lr, LogisticConfig().epochs
    (0.1, 200)
    """

    lr: float = lr_setting(0.5)
    epochs: int = epochs_setting(200)
    samples: int = setting(200, "data points", low=1)
    cluster_std: float = setting(1.5, "spread of each blob", low=0, low_open=True, high=NOISE_MAX,
                                  label="cluster spread", suggest="1.5")
    test_size: float = setting(0.25, "test fraction", kind="fraction", label="test fraction",
                               suggest="0.25")
    seed: int = setting(0, "seed of the blobs, the split and the initial weights", kind="seed")
    init_scale: float = setting(1.0, "standard deviation of the initial weights", low=0,
                                low_open=True, label="initial weight scale")
    snapshots: int = setting(6, "epochs drawn in the boundary figure", low=1, high=30, suggest="6")

    def __post_init__(self) -> None:
        check_config(self)
        check_split_sizes(self.samples, self.test_size)
        check_data_size(self.samples, 2)


@dataclass
class LogisticResult(NotebookDisplay):
    """The trained model, its history and honest measures of it.

    Attributes
    ----------
    accuracy_trace : ndarray of shape (epochs + 1,)
        Training accuracy at every epoch ``N`` (after ``N`` updates), ``0 .. epochs``: the
        last is the trained model's.
    train_accuracy, test_accuracy : float
        Share of correct predictions (scikit-learn's ``accuracy_score``).
    reference_W, reference_b
        scikit-learn's unpenalised ``LogisticRegression`` on the same training data.
    max_proba_diff : float
        The largest difference between our probabilities and scikit-learn's.

    >>> result = run_logistic(LogisticConfig(epochs=20))
    >>> result.accuracy_trace.shape, result.snapshot_epochs()  # epochs 0 .. 20; the boundary figure's
    ((21,), [0, 1, 2, 4, 9, 20])
    >>> result.summary_lines()[1]
    'Epoch     0: loss 0.750434   training accuracy 48.7%'
    """

    kind: ClassVar[str] = "logistic"

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

    def snapshot_epochs(self) -> list[int]:
        """The epochs the boundary figure shows: 0, then spread geometrically up to the
        end (the boundary moves most at the start). Epoch ``n_epochs`` is the end."""
        n, k = self.history.n_epochs, self.config.snapshots
        if k == 1:
            return [n]
        epochs = np.round(np.geomspace(1, n, k - 1)).astype(int)
        return sorted(set(epochs.tolist()) | {0, n})

    def __repr__(self) -> str:
        return (f"LogisticResult(train_accuracy={self.train_accuracy:.3f}, "
                f"test_accuracy={self.test_accuracy:.3f}, max_proba_diff={self.max_proba_diff:.2g})")

    def summary_lines(self) -> list[str]:
        """What the command line prints for this result (:func:`summary_lines`)."""
        return summary_lines(self)


def reference_fit(X: FloatArray, y: NDArray[np.generic]) -> tuple[FloatArray, float]:
    """scikit-learn's unpenalised logistic regression: ``(W, b)`` of the exact optimum.

    >>> W, b = reference_fit(np.array([[0.0], [1.0], [0.2], [0.9]]), np.array([0, 1, 1, 0]))
    >>> round(float(W[0]), 2), round(b, 2)
    (0.81, -0.43)
    """
    from sklearn.linear_model import LogisticRegression

    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    return ref.coef_[0], float(ref.intercept_[0])


def run_logistic(config: LogisticConfig | None = None) -> LogisticResult:
    """Train logistic regression by gradient descent on two overlapping blobs.

    >>> result = run_logistic(LogisticConfig(epochs=50))
    >>> result.max_proba_diff < 0.01, result.snapshot_epochs()  # close to scikit-learn's optimum
    (True, [0, 1, 3, 7, 19, 50])
    """
    config = LogisticConfig() if config is None else config
    data = make_blobs(config.samples, config.cluster_std, config.seed)
    X_train, X_test, y_train, y_test = split(data.X, data.y, config.test_size, config.seed)
    if np.unique(y_train).size < 2:  # a handful of points can land in one blob
        raise DescentlabError(f"the {y_train.size} training points of --samples {config.samples} are all "
                              "of one class, so there is no boundary to learn: use more --samples")
    model = LogisticModel(2, seed=config.seed, init_scale=config.init_scale)
    history = train(model, X_train, y_train, loss=BinaryCrossEntropy(),
                    optimizer=GradientDescent(config.lr), epochs=config.epochs, seed=config.seed)
    history.final_loss = BinaryCrossEntropy().loss(y_train, model.forward(X_train))  # epoch n
    trace = _accuracy_trace(history, X_train, y_train)
    W_ref, b_ref = reference_fit(X_train, y_train)
    p_ref = logistic_proba({"W": W_ref, "b": b_ref}, X_train)
    return LogisticResult(
        config=config, data=data, X_train=X_train, X_test=X_test, y_train=y_train,
        y_test=y_test, model=model, history=history, accuracy_trace=trace,
        train_accuracy=accuracy(y_train, model.predict_proba(X_train)),
        test_accuracy=accuracy(y_test, model.predict_proba(X_test)),
        reference_W=W_ref, reference_b=b_ref,
        max_proba_diff=float(np.max(np.abs(model.predict_proba(X_train) - p_ref))))


def _accuracy_trace(history: History, X: FloatArray, y: NDArray[np.generic], chunk: int = 4096) -> FloatArray:
    r""":func:`accuracy` at every epoch and at the end, ``chunk`` epochs per product: the same
    rule (class 1 where :math:`\sigma(XW + b) \ge 0.5`), without a scikit-learn call per
    epoch, so that a long run stopped by Ctrl-C is written in seconds, not minutes."""
    from descentlab.core.activations import sigmoid

    params = [history.params_at(e) for e in range(history.n_epochs + 1)]
    trace: list[FloatArray] = []
    for start in range(0, len(params), chunk):
        part = params[start:start + chunk]
        W = np.stack([np.ravel(p["W"]) for p in part], axis=1)       # (n_features, chunk)
        b = np.array([np.ravel(p["b"])[0] for p in part])            # (chunk,)
        predicted = sigmoid(X @ W + b) >= 0.5                        # (n_samples, chunk)
        trace.append((predicted == (np.ravel(y) == 1)[:, None]).mean(axis=0))
    return np.concatenate(trace)


def _signed(value: float) -> str:
    return f"{'-' if value < 0 else '+'} {abs(value):.4f}"


def summary_lines(result: LogisticResult, log_every: int | None = None) -> list[str]:
    """What ``descentlab logistic`` prints: progress, the boundary, the check, the accuracy
    (:meth:`LogisticResult.summary_lines`).

    >>> summary_lines(run_logistic(LogisticConfig(epochs=20)))[1]
    'Epoch     0: loss 0.750434   training accuracy 48.7%'
    """
    c, h = result.config, result.history
    log_every = log_every or max(1, h.n_epochs // 10)
    lines = [f"Logistic regression on two overlapping Gaussian blobs ({c.samples} points, "
             f"spread {c.cluster_std:g}); lr {c.lr:g}, {c.epochs} epochs, seed {c.seed}"]
    for epoch in sorted(set(range(0, h.last_epoch + 1, log_every)) | {h.last_epoch}):
        lines.append(f"Epoch {epoch:>5}: loss {h.epoch_losses[epoch]:.6f}   "
                     f"training accuracy {100 * result.accuracy_trace[epoch]:.1f}%")
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
