r"""``GDNetworkRegressor``: the layered network of :mod:`descentlab.core.network` as a
scikit-learn regressor, over the same base and the same training loop as ``GDRegressor``.

It is :class:`descentlab.estimators.linear.StandardizedTargetRegressor` plus a model builder:
features and target are standardised, the network trains on them, predictions are
mapped back, :math:`\hat y = s_y f(z) + \mu_y`. With ``activation="identity"`` it is the
article's linear network, which can do no better than linear regression (see
:mod:`descentlab.lessons.collapse`); a nonlinear activation lets it fit curves.
"""

import numpy as np

from descentlab.core.activations import ACTIVATIONS
from descentlab.core.layers import INITS
from descentlab.core.network import make_network
from descentlab.estimators.linear import StandardizedTargetRegressor
from descentlab.settings import Setting

__all__ = ["GDNetworkRegressor"]


class GDNetworkRegressor(StandardizedTargetRegressor):
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
    n_iter_no_change : int, default=50
        A network's loss can stall for tens of epochs (fitting the linear part first)
        before it bends to the curve; a patience of 10, fine for the convex linear
        models, would stop it on that plateau.
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
    """

    _saved_attributes = StandardizedTargetRegressor._saved_attributes + ("weights_",)

    _parameter_constraints = {
        **StandardizedTargetRegressor._parameter_constraints,
        "hidden_layer_sizes": Setting("hidden layer sizes, e.g. (32, 16)", kind="sizes"),
        "activation": Setting("the hidden layers' activation", kind="choice",
                              choices=tuple(ACTIVATIONS)),
        "init": Setting("initialisation of the weights", kind="choice", choices=tuple(INITS),
                        none="he for relu, xavier otherwise"),
    }

    def __init__(self, hidden_layer_sizes=(16,), activation="tanh", *, init=None,
                 optimizer="adam", lr=None, momentum=0.9, schedule="constant",
                 schedule_options=None, epochs=3000, batch_size=None, tol=1e-7,
                 n_iter_no_change=50, early_stopping=False, validation_fraction=0.1,
                 standardize=True, random_state=0, solver="auto", penalty=None, alpha=0.0001,
                 l1_ratio=0.15):
        super().__init__(optimizer=optimizer, lr=lr, momentum=momentum, schedule=schedule,
                         schedule_options=schedule_options, epochs=epochs, batch_size=batch_size, tol=tol,
                         n_iter_no_change=n_iter_no_change, early_stopping=early_stopping,
                         validation_fraction=validation_fraction, standardize=standardize,
                         random_state=random_state, solver=solver, penalty=penalty, alpha=alpha,
                         l1_ratio=l1_ratio)
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init

    def _network(self, n_features, seed):
        return make_network([n_features, *self.hidden_layer_sizes, 1], self.activation,
                            init=self.init, seed=seed)

    def _build_model(self, n_features, rng):
        return self._network(n_features, int(rng.integers(2**31 - 1)))

    def _store(self, model):
        self.model_ = model
        self.weights_ = np.concatenate([np.ravel(v) for v in model.params.values()])

    def _check_state(self):
        """Rebuild ``model_`` from a loaded ``weights_`` (sizes checked)."""
        super()._check_state()
        network = self._network(self.n_features_in_, 0)
        sizes = [np.size(v) for v in network.params.values()]
        weights = np.asarray(self.weights_, dtype=float)
        if weights.shape != (sum(sizes),):
            raise ValueError(f"weights_ must hold {sum(sizes)} numbers for this architecture")
        parts = np.split(weights, np.cumsum(sizes)[:-1])
        self.model_ = network.set_params({name: part.reshape(np.shape(value)) for (name, value), part
                                          in zip(network.params.items(), parts)})
