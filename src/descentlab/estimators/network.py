r"""``GDNetworkRegressor`` and ``GDNetworkClassifier``: the layered network of
:mod:`descentlab.core.network` as scikit-learn estimators, over the same base and the same
training loop as ``GDRegressor`` and ``GDClassifier``.

The classifier's network ends in one logit (two classes, binary cross-entropy) or one
logit per class (softmax cross-entropy), as :mod:`descentlab.estimators.classes` says.

It is :class:`descentlab.estimators.regressor.StandardizedTargetRegressor` plus a model builder:
features and target are standardised, the network trains on them, predictions are
mapped back, :math:`\hat y = s_y f(z) + \mu_y`. With ``activation="identity"`` it is the
article's linear network, which can do no better than linear regression (see
:mod:`descentlab.lessons.collapse`); a nonlinear activation lets it fit curves.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from descentlab.core.activations import ACTIVATIONS
from descentlab.core.layers import INITS
from descentlab.core.network import Network, check_network_size, make_network
from descentlab.core.xp import in_dtype_of, namespace
from descentlab.estimators.base import EstimatorMixin, GDEstimator
from descentlab.estimators.classes import LabelClassifier
from descentlab.estimators.dask_predict import lazy_on_dask
from descentlab.estimators.device import Array
from descentlab.estimators.problem import Problem
from descentlab.estimators.regressor import StandardizedTargetRegressor
from descentlab.settings import Setting

if TYPE_CHECKING:
    from descentlab.core.models import Model

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
                                    none="50 full-batch, 10 with mini-batches"),
    }
    _positional: tuple[str, ...] = ("hidden_layer_sizes", "activation")

    #: Adam's rate for ``lr=None`` with mini-batches: their noise needs a smaller step than
    #: the full batch's 0.01 (MLPRegressor uses 0.001; 0.003 reaches its score in fewer epochs)
    MINIBATCH_ADAM_LR = 0.003

    def _default_lr(self, lam: float, n_samples: int) -> float:
        if self.optimizer == "adam" and self.batch_size is not None and self.batch_size < n_samples:
            return self.MINIBATCH_ADAM_LR
        return super()._default_lr(lam, n_samples)

    def _patience(self, n_samples: int) -> int:
        if self.n_iter_no_change is not None:
            return self.n_iter_no_change
        return 10 if self.batch_size is not None and self.batch_size < n_samples else 50

    def _n_outputs(self) -> int:
        return 1

    def _network(self, n_features: int, seed: int) -> Network:
        return make_network([n_features, *self.hidden_layer_sizes, self._n_outputs()],
                            self.activation, init=self.init, seed=seed)

    def _prepare(self, X: Array, y: Array, sample_weight: Array = None) -> Problem:
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
        None is 50 epochs full-batch: a network's loss can stall for tens of epochs
        (fitting the linear part first) before it bends to the curve, and a patience of
        10 would stop it on that plateau. With mini-batches an epoch is many steps, so
        None is 10 there (MLPRegressor's).
    penalty, alpha, l1_ratio
        On every weight matrix (not the biases), in the network's own (standardised)
        coordinates: ``penalty="l2"`` adds :math:`\tfrac{a}{2}\sum \lVert W_k \rVert^2` to
        the mean loss, as ``MLPRegressor``'s ``alpha`` (which scikit-learn divides by the
        number of rows).
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


class GDNetworkClassifier(_Network, LabelClassifier, GDEstimator):
    r"""A fully connected network classifier: two classes or more, trained by gradient descent.

    The hidden layers are :class:`GDNetworkRegressor`'s; the output is one logit for two
    classes (binary cross-entropy) or one per class (softmax cross-entropy), so
    ``predict_proba`` is :math:`\sigma` or the softmax of the network's output.

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
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2))
    >>> labels = np.where(X[:, 0] + X[:, 1] + rng.normal(size=50) > 0, "yes", "no")
    >>> net = GDNetworkClassifier((8,), epochs=100, tol=None).fit(X, labels)
    >>> net.predict(X[:3]), net.predict_proba(X[:1]).round(2), net.score(X, labels)
    (array(['yes', 'yes', 'no'], dtype='<U3'), array([[0.38, 0.62]]), 0.92)
    """

    _saved_attributes = GDEstimator._saved_attributes + ("weights_", "classes_")

    def _n_outputs(self) -> int:
        return LabelClassifier._n_outputs(self)

    def _check_state(self) -> None:
        self._check_classes()
        super()._check_state()

    @lazy_on_dask("logits")
    def decision_function(self, X: Array) -> Array:
        """The network's logits: shape (n_samples,) for two classes (of ``classes_[1]``),
        else (n_samples, n_classes)."""
        X = self._check_X(X)  # checks that it is fitted first
        return in_dtype_of(self.model_.predict(self._standardized(X)), X)
