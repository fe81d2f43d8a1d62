r"""What every descentlab classifier shares: labels in, logits out, probabilities back.

Two classes train one logit with :class:`descentlab.core.losses.BinaryCrossEntropy`
(logistic regression, :math:`p = \sigma(z)`); three or more train one logit per class
with :class:`descentlab.core.losses.SoftmaxCrossEntropy` (multinomial,
:math:`P = \operatorname{softmax}(Z)`), as scikit-learn's ``LogisticRegression`` does.
A classifier is :class:`LabelClassifier` plus a ``decision_function`` that returns those
logits: shape (n_samples,) for two classes, (n_samples, n_classes) for more. On a Dask
array every prediction method returns a lazy Dask array, computed chunk by chunk
(:mod:`descentlab.estimators.dask_predict`).
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from descentlab.core.activations import log_softmax, sigmoid, softmax
from descentlab.core.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from descentlab.core.xp import device, is_numpy, namespace, to_numpy
from descentlab.errors import DescentlabError
from descentlab.estimators.dask_predict import lazy_on_dask
from descentlab.estimators.device import Array, host_score, immutable

if TYPE_CHECKING:
    from descentlab.core.losses import Loss


def encode_labels(y: ArrayLike, classes: NDArray[Any]) -> NDArray[np.float64]:
    r"""The training target for labels ``y`` among the sorted ``classes``.

    Returns
    -------
    t : ndarray of shape (n_samples,) with values in {0, 1} for two classes, else the
        one-hot ndarray of shape (n_samples, n_classes), :math:`T_{ik} = [y_i = c_k]`.

    Examples
    --------
    >>> encode_labels(np.array(["b", "a"]), np.array(["a", "b"]))
    array([1., 0.])
    >>> encode_labels(np.array([2, 0]), np.array([0, 1, 2]))
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    index = np.searchsorted(classes, y)
    index[index == len(classes)] = 0
    unknown = classes[index] != y
    if np.any(unknown):
        raise DescentlabError(f"label {np.asarray(y)[np.argmax(unknown)].item()!r} is not among the "
                              f"classes {classes.tolist()}: pass every label in classes= on the "
                              "first partial_fit")
    if len(classes) == 2:
        return index.astype(float)
    one_hot: NDArray[np.float64] = np.eye(len(classes))[index]
    return one_hot


class LabelClassifier(ClassifierMixin):  # type: ignore[misc]  # scikit-learn has no type stubs
    """Labels (numbers or strings, two or more) for a gradient-descent classifier.

    ``_encode_target`` finds ``classes_`` (sorted; given by ``partial_fit(classes=...)``
    on a first call) and keeps them as ``_fit_classes`` for ``_build_model`` and ``_loss``.

    >>> from descentlab.estimators import GDClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 2))
    >>> labels = np.array(["a", "b", "c"])[np.argmax(X @ [[1, 0, -1], [0, 1, -1]] + rng.normal(size=(60, 3)), axis=1)]
    >>> clf = GDClassifier().fit(X, labels)  # three classes: multinomial
    >>> clf.predict(X[:3]), clf.predict_proba(X[:1]).round(2), np.exp(clf.predict_log_proba(X[:1])).round(2)
    (array(['a', 'a', 'b'], dtype='<U1'), array([[0.45, 0.41, 0.14]]), array([[0.45, 0.41, 0.14]]))
    >>> round(clf.score(X, labels), 2)  # the accuracy on the training rows (noisy labels)
    0.68
    """

    _y_numeric = False
    classes_: NDArray[Any]
    _fit_classes: tuple[Any, ...]

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        check_classification_targets(y)
        classes = getattr(self, "_given_classes", None)
        if classes is None:
            classes = np.unique(y)
        if len(classes) < 2:
            raise DescentlabError(f"y has only 1 class ({classes[0]!r}): "
                                  f"{type(self).__name__} needs at least 2")
        self._fit_classes = tuple(classes.tolist())  # their number decides the model and the loss
        return encode_labels(y, classes), {"classes_": classes}

    def _n_outputs(self) -> int:
        """Logits per row: 1 for two classes, one per class for more."""
        n = len(self._fit_classes)
        return 1 if n == 2 else n

    def _loss(self) -> "Loss":
        return BinaryCrossEntropy() if len(self._fit_classes) == 2 else SoftmaxCrossEntropy()

    def _check_classes(self) -> None:
        classes = np.asarray(self.classes_)
        if classes.ndim != 1 or len(classes) < 2 or len(np.unique(classes)) != len(classes):
            raise ValueError("classes_ must hold at least 2 different labels")
        self._fit_classes = tuple(classes.tolist())

    @lazy_on_dask("classes")
    def predict_proba(self, X: Array) -> Array:
        """The probability of each of ``classes_``, shape (n_samples, n_classes)."""
        return _proba(self.decision_function(X))

    @lazy_on_dask("classes")
    def predict_log_proba(self, X: Array) -> Array:
        """The log of :meth:`predict_proba`, computed without ``log(0)``."""
        z = self.decision_function(X)
        if z.ndim == 1:
            if not isinstance(z, np.ndarray):  # another namespace (array API): in it
                xp = namespace(z)
                return xp.stack([-xp.logaddexp(xp.zeros_like(z), z),
                                 -xp.logaddexp(xp.zeros_like(z), -z)], axis=1)
            log_p = np.column_stack([-np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)])
        elif not isinstance(z, np.ndarray):
            return log_softmax(z)
        else:
            log_p = log_softmax(z)
        if z.dtype == np.float32:  # the log of the float32 probabilities (rounded to 1 near 1)
            p = _proba(z)
            log_p = np.where(p > 0, np.log(np.maximum(p, np.finfo(np.float32).tiny)), log_p)
        return log_p.astype(z.dtype, copy=False)

    @lazy_on_dask("labels")
    def predict(self, X: Array) -> Array:
        """The most probable label for each row, shape (n_samples,)."""
        z = self.decision_function(X)
        if is_numpy(z):
            return self.classes_[(z > 0).astype(int) if z.ndim == 1 else np.argmax(z, axis=1)]
        xp = namespace(z)  # the labels taken on z's device
        index = xp.astype(z > 0, xp.int64) if z.ndim == 1 else xp.argmax(z, axis=1)
        if self.classes_.dtype.kind not in "iuf":  # strings have no device: picked on the host
            return self.classes_[to_numpy(index)]
        return xp.take(xp.asarray(self.classes_, device=device(z)), index)

    @lazy_on_dask("score")
    def score(self, X: Array, y: Array, sample_weight: Array = None) -> float:
        """The accuracy of :meth:`predict` on ``X`` against ``y``; on a Dask array from sums
        over its chunks."""
        if immutable(X):
            from sklearn.metrics import accuracy_score

            return host_score(accuracy_score, y, self.predict(X), sample_weight)
        return float(super().score(X, y, sample_weight=sample_weight))


def _proba(z: Array) -> Array:
    """Each class's probability from the logits ``z`` (one column for two classes), in their dtype."""
    if not isinstance(z, np.ndarray):  # another namespace (array API): in it, in its dtype
        if z.ndim == 1:
            p = sigmoid(z)
            return namespace(p).stack([1.0 - p, p], axis=1)
        return softmax(z)
    if z.ndim == 1:
        p = sigmoid(z)
        return np.column_stack([1.0 - p, p]).astype(z.dtype, copy=False)
    return softmax(z).astype(z.dtype, copy=False)


def class_weights(class_weight: str | dict[Any, float] | None, classes: NDArray[Any],
                  totals: ArrayLike) -> NDArray[np.float64]:
    r"""Each class's weight from ``class_weight``, as scikit-learn's ``compute_class_weight``:
    "balanced" is :math:`N / (K N_c)` for class :math:`c` (:math:`N`, :math:`N_c` the summed
    sample weights in ``totals``, one per class); a dict names labels of ``classes``.

    >>> class_weights("balanced", np.array(["no", "yes"]), [30.0, 10.0])  # 40 / (2 * 30), 40 / (2 * 10)
    array([0.66666667, 2.        ])
    """
    from sklearn.utils.class_weight import compute_class_weight

    labels = classes.tolist()
    totals = np.asarray(totals, dtype=float)
    if isinstance(class_weight, dict) and not set(class_weight) <= set(labels):
        unknown = sorted(map(repr, set(class_weight) - set(labels)))
        raise DescentlabError(f"class_weight names {unknown[0]} which is not a label of y "
                              f"({', '.join(map(repr, labels))}): use the labels of y")
    if class_weight == "balanced" and min(totals) <= 0:
        raise DescentlabError(f"class_weight='balanced' needs every class to weigh something: "
                              f"the rows of class {labels[int(np.argmin(totals))]!r} have sample_weight 0")
    # one row per class weighing its total: the summed weights compute_class_weight counts
    weights: NDArray[np.float64] = compute_class_weight(class_weight, classes=classes, y=classes, sample_weight=totals)
    return weights
