r"""``GDNetworkRegressor`` and ``GDNetworkClassifier``: :mod:`descentlab.core.network` as
scikit-learn estimators, on the base and training loop of ``GDRegressor`` and ``GDClassifier``.

The regressor standardises features and target and maps predictions back,
:math:`\hat y = s_y f(z) + \mu_y`; the classifier ends in one logit (two classes), one per
class (softmax) or one per label (multilabel). ``activation="identity"`` is the article's
linear network, no better than linear regression (:mod:`descentlab.lessons.collapse`).
"""

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from descentlab.core.activations import ACTIVATIONS, sigmoid
from descentlab.core.layers import INITS
from descentlab.core.losses import BinaryCrossEntropy, Loss
from descentlab.core.models import Model
from descentlab.core.network import Network, check_network_size, make_network
from descentlab.core.scaling import no_scaling, standardize
from descentlab.core.xp import in_dtype_of, namespace
from descentlab.errors import DescentlabError
from descentlab.estimators.base import EstimatorMixin, GDEstimator
from descentlab.estimators.classes import LabelClassifier
from descentlab.estimators.dask_predict import lazy_on_dask
from descentlab.estimators.device import Array
from descentlab.estimators.problem import Problem
from descentlab.estimators.regressor import StandardizedTargetRegressor
from descentlab.settings import Setting

if TYPE_CHECKING:
    from sklearn.utils import Tags

__all__ = ["GDNetworkClassifier", "GDNetworkRegressor"]


class _Network(EstimatorMixin):
    """The hyperparameters, the builder and the saved weights of a network estimator."""

    hidden_layer_sizes: tuple[int, ...]
    activation: str
    init: str | None
    model_: Network
    weights_: Array

    _parameter_constraints: dict[str, Setting] = {
        "hidden_layer_sizes": Setting("hidden layer sizes, e.g. (32, 16)", kind="sizes", default=(16,)),
        "activation": Setting("the hidden layers' activation", kind="choice",
                              choices=tuple(ACTIVATIONS), default="tanh"),
        "init": Setting("initialisation of the weights", kind="choice", choices=tuple(INITS),
                        none="he for relu, xavier otherwise"),
        **{k: v for k, v in GDEstimator._parameter_constraints.items() if k not in ("gtol", "fit_intercept")},  # linear only
        **{name: replace(GDEstimator._parameter_constraints[name], default=default)
           for name, default in {"optimizer": "adam", "epochs": 3000, "batch_size": 200,
                                 "tol": 1e-5}.items()},
        "n_iter_no_change": Setting("epochs without improvement before stopping", kind="int", low=1,
                                    none="50 full-batch, 10 with mini-batches (20 on held-out rows)"),
        "early_stopping": replace(GDEstimator._parameter_constraints["early_stopping"], kind="choice",
                                  choices=(False, True, "auto"), default="auto"),
    }
    _positional: tuple[str, ...] = ("hidden_layer_sizes", "activation")
    _multi_output = True  # y of shape (n_samples, n_outputs): one output unit per column

    def __sklearn_tags__(self) -> "Tags":
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_label = True
        return tags

    #: Adam's rate for ``lr=None`` with mini-batches: their noise needs a smaller step than
    #: the full batch's 0.01 (MLPRegressor uses 0.001; 0.003 reaches its score in fewer epochs)
    MINIBATCH_ADAM_LR = 0.003

    def _default_lr(self, lam: float, n_samples: int) -> float:
        if self.optimizer == "adam" and self.batch_size is not None and self.batch_size < n_samples:
            return self.MINIBATCH_ADAM_LR
        return super()._default_lr(lam, n_samples)

    def _patience(self, n_samples: int, early: bool = False) -> int:
        if self.n_iter_no_change is not None:
            return self.n_iter_no_change
        if self.batch_size is None or self.batch_size >= n_samples:
            return 50
        return 20 if early else 10  # the held-out loss is noisier than the training loss

    def _n_outputs(self) -> int:
        return 1

    def _network(self, n_features: int, seed: int) -> Network:
        return make_network([n_features, *self.hidden_layer_sizes, self._n_outputs()],
                            self.activation, init=self.init, seed=seed)

    def _prepare(self, X: Array, y: Array, sample_weight: Array = None) -> Problem:
        self._fit_outputs = 1  # a multi-output regressor's _encode_target says how many
        problem = super()._prepare(X, y, sample_weight)
        rows = problem.n_samples if self.batch_size is None else min(self.batch_size, problem.n_samples)
        check_network_size([problem.n_features, *self.hidden_layer_sizes, 1], rows,
                           "use smaller hidden_layer_sizes (--hidden), or mini-batches (batch_size)")
        return problem

    def _build_model(self, n_features: int, rng: np.random.Generator) -> Network:
        return self._network(n_features, int(rng.integers(2**31 - 1)))

    def _store(self, model: "Model") -> None:
        assert isinstance(model, Network)  # the model _build_model made
        self.model_ = model
        xp = namespace(model.params["0.W"])
        self.weights_ = xp.concat([xp.reshape(v, (-1,)) for v in model.params.values()]) \
            if xp is not np else np.concatenate([np.ravel(v) for v in model.params.values()])

    def _check_state(self) -> None:
        """Rebuild ``model_`` from a loaded ``weights_`` (sizes checked)."""
        super()._check_state()
        layers = [self.n_features_in_, *self.hidden_layer_sizes, self._n_outputs()]
        n_weights = sum((n_in + 1) * n_out for n_in, n_out in zip(layers, layers[1:], strict=False))
        weights = np.asarray(self.weights_, dtype=float)
        if weights.shape != (n_weights,):  # checked before the network is built
            raise ValueError(f"weights_ must hold {n_weights} numbers for this architecture, "
                             f"not {weights.size}")
        network = self._network(self.n_features_in_, 0)
        sizes = [np.size(v) for v in network.params.values()]
        parts = np.split(weights, np.cumsum(sizes)[:-1])
        self.model_ = network.set_params({name: part.reshape(np.shape(value)) for (name, value), part
                                          in zip(network.params.items(), parts, strict=False)})


class GDNetworkRegressor(_Network, StandardizedTargetRegressor):
    r"""A fully connected network regressor trained by gradient descent.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(16,)
        Neurons in each hidden layer.
    activation : {"tanh", "relu", "sigmoid", "identity"}, default="tanh"
        The hidden layers' activation; the output layer is linear.
    init : {"xavier", "he", "normal"} or None, default=None
        None picks He for ReLU and Xavier otherwise (:mod:`descentlab.core.layers`).
    optimizer : default="adam"
        Adam by default: a network's loss is not quadratic, so no single step size
        from the data's curvature fits it; ``lr=None`` then means 0.01.
    epochs : int, default=3000
    batch_size : int or None, default=200
        Mini-batches of 200 rows, as scikit-learn's ``MLPRegressor`` (``min(200, n)``: with
        200 rows or fewer every epoch is one full batch). Adam's ``lr=None`` is then 0.003.
    tol : float or None, default=1e-5
    n_iter_no_change : int or None, default=None
        None is 50 epochs full-batch: a network's loss can stall for tens of epochs (fitting the
        linear part first) before it bends to the curve, and a patience of 10 would stop it on that
        plateau. With mini-batches an epoch is many steps, so None is 10 there (MLPRegressor's).
    penalty, alpha, l1_ratio
        On every weight matrix (not the biases), in the network's own (standardised) coordinates:
        ``penalty="l2"`` adds :math:`\tfrac{a}{2}\sum \lVert W_k \rVert^2` to the mean loss, as
        ``MLPRegressor``'s ``alpha`` (which scikit-learn divides by the number of rows).
    **other parameters
        As :class:`descentlab.estimators.base.GDEstimator`; ``solver`` is "auto" or "gd"
        (a network trains on its rows).

    Attributes
    ----------
    model_ : Network
        The trained network, on standardised features and target.
    weights_ : ndarray of shape (n_weights,)
        All its parameters, flattened (what a saved model keeps).
    history_, n_iter_, n_features_in_, x_mean_, x_scale_, y_mean_, y_scale_
        As :class:`descentlab.estimators.linear.GDRegressor`.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> net = GDNetworkRegressor((8,), epochs=200, tol=None).fit(X, X[:, 0] ** 2)  # a curve
    >>> round(net.score(X, X[:, 0] ** 2), 2), net.weights_.shape
    (0.9, (33,))
    """

    _saved_attributes = StandardizedTargetRegressor._saved_attributes + ("weights_",)

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        """One output for ``y`` of shape (n,) (or (n, 1), with a warning, as MLPRegressor); one
        per column for (n, k), each standardised on its own (``y_mean_``, ``y_scale_``: (k,))."""
        y = column_or_1d(y, warn=True) if np.ndim(y) == 2 and y.shape[1] == 1 else y
        if np.ndim(y) == 1:
            self._fit_outputs = 1
            return super()._encode_target(y, sample_weight)
        t, y_mean, y_scale = standardize(y, sample_weight) if self.standardize \
            else (y, *no_scaling(y.shape[1]))
        self._fit_outputs = y.shape[1]
        return t, {"y_mean_": y_mean, "y_scale_": y_scale}

    def _encode_validation(self, y: Array, attrs: dict[str, Any]) -> NDArray[np.float64]:
        t = super()._encode_validation(y, attrs)
        return t.reshape(len(t), -1)[:, 0] if t.ndim == 2 and t.shape[1] == 1 else t

    def _n_outputs(self) -> int:
        return self._fit_outputs

    def _check_state(self) -> None:
        self._fit_outputs = int(np.size(self.y_mean_))
        if np.shape(self.y_mean_) != np.shape(self.y_scale_) or np.shape(self.y_mean_) == (1,):
            raise ValueError("y_mean_ and y_scale_ must be one number each, or one per output (2 or more)")
        super()._check_state()


class GDNetworkClassifier(_Network, LabelClassifier, GDEstimator):
    r"""A fully connected network classifier: two classes or more, trained by gradient descent.

    The hidden layers are :class:`GDNetworkRegressor`'s; the output is one logit for two classes (binary
    cross-entropy) or one per class (softmax), so ``predict_proba`` is :math:`\sigma` or the softmax of the output.

    Parameters
    ----------
    As :class:`GDNetworkRegressor`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    model_ : Network
        The trained network, on standardised features.
    weights_ : ndarray of shape (n_weights,)
    history_, n_iter_, n_features_in_, x_mean_, x_scale_
        As :class:`descentlab.estimators.linear.GDClassifier`.

    Examples
    --------
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(50, 2))
    >>> labels = np.where(X[:, 0] + X[:, 1] + rng.normal(size=50) > 0, "yes", "no")
    >>> net = GDNetworkClassifier((8,), epochs=100, tol=None).fit(X, labels)
    >>> net.predict(X[:3]), net.predict_proba(X[:1]).round(2), net.score(X, labels)
    (array(['yes', 'yes', 'no'], dtype='<U3'), array([[0.37, 0.63]]), 0.92)
    >>> net.decision_function(X[:1]).round(2), np.exp(net.predict_log_proba(X[:1])).round(2)  # the logit; the same p
    (array([0.52]), array([[0.37, 0.63]]))
    """

    _saved_attributes = GDEstimator._saved_attributes + ("weights_", "classes_", "multilabel_")

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        """Labels as :class:`LabelClassifier`; a 0/1 matrix of shape (n_samples, k) is k labels
        at once (multilabel): k logits, each label's binary cross-entropy, ``classes_`` 0..k-1."""
        if np.ndim(y) == 2 and type_of_target(y) == "multilabel-indicator":
            given = getattr(self, "_given_classes", None)  # partial_fit's classes=
            if given is not None and list(given) != list(range(y.shape[1])):
                raise DescentlabError(f"y holds {y.shape[1]} labels (columns of 0/1): pass "
                                      f"classes=range({y.shape[1]}), not {np.asarray(given).tolist()}")
            self._fit_classes, self._multilabel = tuple(range(y.shape[1])), True
            return np.asarray(y, dtype=float), {"classes_": np.arange(y.shape[1]), "multilabel_": True}
        self._multilabel = False
        y = column_or_1d(y, warn=True) if np.ndim(y) == 2 else y  # one column of labels
        t, attrs = LabelClassifier._encode_target(self, y, sample_weight)
        return t, dict(attrs, multilabel_=False)

    def _network(self, n_features: int, seed: int) -> Network:
        r"""The network, its logit layer at a third of Xavier's variance, as MLPClassifier draws
        it: every probability starts nearer :math:`1/k` (test log loss about 0.01 better)."""
        network = super()._network(n_features, seed)
        last = f"{len(network.layers) - 1}.W"
        network.params[last] = network.params[last] * np.sqrt(1 / 3)
        return network

    def _n_outputs(self) -> int:
        return len(self._fit_classes) if self._multilabel else LabelClassifier._n_outputs(self)

    def _loss(self) -> Loss:
        return BinaryCrossEntropy() if self._multilabel else LabelClassifier._loss(self)

    def _check_state(self) -> None:
        self._check_classes()
        self._multilabel = bool(getattr(self, "multilabel_", False))  # older files: one label
        super()._check_state()

    @lazy_on_dask("logits")
    def decision_function(self, X: Array) -> Array:
        """The network's logits: shape (n_samples,) for two classes (of ``classes_[1]``),
        else (n_samples, n_classes), or (n_samples, k) for k labels."""
        X = self._check_X(X)  # checks that it is fitted first
        return in_dtype_of(self.model_.predict(self._standardized(X)), X)

    def predict_proba(self, X: Array) -> Array:
        r"""Each class's probability, (n, n_classes); multilabel: each label's, :math:`\sigma(z)`."""
        if not self._is_multilabel():
            return super().predict_proba(X)
        return sigmoid(self.decision_function(X))

    def predict_log_proba(self, X: Array) -> Array:
        """The log of :meth:`predict_proba`, without ``log(0)``."""
        if not self._is_multilabel():
            return super().predict_log_proba(X)
        z = self.decision_function(X)
        return -np.logaddexp(0.0, -z).astype(z.dtype, copy=False)

    def predict(self, X: Array) -> Array:
        """The most probable label per row, (n_samples,); multilabel: 0/1, (n_samples, k)."""
        if not self._is_multilabel():
            return super().predict(X)
        return (self.decision_function(X) > 0).astype(self.classes_.dtype)

    def _is_multilabel(self) -> bool:
        return bool(getattr(self, "multilabel_", False))
