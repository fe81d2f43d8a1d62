r"""Dense layers: the affine map and an activation, forward and backward side by side.

A layer is the article's neuron, many at once: every column of ``W`` is one neuron's
weights. In row-vector form (one sample per row of ``X``),

.. math:: Z = X W + b, \qquad A = g(Z).

``forward`` keeps ``X`` and ``Z``; ``backward`` takes :math:`\partial L/\partial A`, fills
``grads`` (same keys as ``params``) and returns :math:`\partial L/\partial X` for the layer
below. The affine map and its gradients are :func:`descentlab.core.models.linear_forward` and
:func:`descentlab.core.models.linear_backward`; the activations are
:mod:`descentlab.core.activations`. Nothing here holds a second copy of that math.
"""

from collections.abc import Callable

import numpy as np

from descentlab.core.activations import Activation, get_activation
from descentlab.core.models import Params, init_normal, linear_backward, linear_forward
from descentlab.core.xp import Array, FloatArray
from descentlab.memory import array_bytes, check_memory
from descentlab.settings import check_choice, check_size


def _article_normal(n_in: int, n_out: int, rng: np.random.Generator) -> dict[str, FloatArray]:
    return init_normal(n_in, rng, 10.0, n_outputs=n_out)


def _xavier(n_in: int, n_out: int, rng: np.random.Generator) -> dict[str, FloatArray]:
    W = rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))
    return {"W": W, "b": np.zeros(n_out)}


def _he(n_in: int, n_out: int, rng: np.random.Generator) -> dict[str, FloatArray]:
    W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    return {"W": W, "b": np.zeros(n_out)}


INITS: dict[str, Callable[[int, int, np.random.Generator], dict[str, FloatArray]]] = {"normal": _article_normal, "xavier": _xavier, "he": _he}


def init_weights(n_in: int, n_out: int, init: str, rng: np.random.Generator) -> dict[str, FloatArray]:
    r"""Initial ``W`` of shape (n_in, n_out) and ``b`` of shape (n_out,), drawn from ``rng``.

    Parameters
    ----------
    n_in, n_out : int
    init : {"normal", "xavier", "he"}
    rng : numpy.random.Generator
        Every draw comes from it, so a seed fixes the whole network.

    Returns
    -------
    params : dict with ``"W"`` and ``"b"``

    Notes
    -----
    ``"normal"``
        The article's :math:`W_{ij}, b_j \sim N(0, 10^2)` (``init_params``), drawn by
        :func:`descentlab.core.models.init_normal`: with one input and one output the draws are
        the article's ``m`` then ``b``. Fine for one neuron; too wide for stacks of them.
    ``"xavier"`` (Glorot and Bengio, 2010)
        :math:`W_{ij} \sim N\!\left(0, \frac{2}{n_{in} + n_{out}}\right)`, :math:`b = 0`:
        keeps the variance of activations and gradients about equal from layer to layer
        for identity, tanh and sigmoid units.
    ``"he"`` (He et al., 2015)
        :math:`W_{ij} \sim N\!\left(0, \frac{2}{n_{in}}\right)`, :math:`b = 0`: the same for
        ReLU units, which zero half their inputs.

    Examples
    --------
    >>> params = init_weights(2, 3, "he", np.random.default_rng(0))
    >>> params["W"].shape, params["b"]
    ((2, 3), array([0., 0., 0.]))
    """
    check_choice("initialisation", init, INITS)
    return INITS[init](n_in, n_out, rng)


class Dense:
    r"""A fully connected layer: :math:`A = g(XW + b)`.

    Parameters
    ----------
    n_in : int
        Inputs per sample.
    n_out : int
        Neurons (outputs per sample).
    activation : str or activation object, default="identity"
        ``"identity"``, ``"sigmoid"``, ``"tanh"`` or ``"relu"``.
    init : {"xavier", "he", "normal"}, default="xavier"
        See :func:`init_weights`.
    bias : bool, default=True
        False leaves out ``b``, for inputs that carry the bias as a column of ones
        (the article's :math:`x_0 = 1`).
    rng : numpy.random.Generator or int or None, default=None
        The generator (or seed) of the initial weights; None means seed 0.

    Attributes
    ----------
    params : dict
        ``"W"``, ndarray of shape (n_in, n_out), and (with ``bias``) ``"b"``, ndarray of
        shape (n_out,). Updated in place by the optimizer.
    grads : dict
        Same keys: ``dW`` and ``db`` of the last ``backward``.

    Examples
    --------
    >>> layer = Dense(2, 1, activation="relu", rng=0)
    >>> layer.params["W"][:], layer.params["b"][:] = [[1.0], [-1.0]], 0.5
    >>> layer.forward(np.array([[1.0, 0.0], [0.0, 2.0]]))  # the second row is cut by the ReLU
    array([[1.5],
           [0. ]])
    >>> layer.backward(np.ones((2, 1))), layer.grads["W"]
    (array([[ 1., -1.],
           [ 0.,  0.]]), array([[1.],
           [0.]]))
    >>> layer.affine(np.array([[0.0, 2.0]])), layer.predict(np.array([[0.0, 2.0]]))  # Z, then g(Z)
    (array([[-1.5]]), array([[0.]]))
    """

    def __init__(self, n_in: int, n_out: int, activation: str | Activation = "identity", init: str = "xavier",
                 bias: bool = True, rng: np.random.Generator | int | None = None) -> None:
        check_size("layer inputs", n_in)
        check_size("layer size", n_out)
        check_memory(f"a dense layer of {n_in} x {n_out} weights", array_bytes(n_in + 1, n_out, copies=5),
                     "use a smaller layer")
        self.n_in, self.n_out, self.init, self.bias = n_in, n_out, init, bias
        self.activation = get_activation(activation)
        rng = np.random.default_rng(0 if rng is None else rng)
        params = init_weights(n_in, n_out, init, rng)
        self.params: Params = dict(params) if bias else {"W": params["W"]}
        self.grads: Params = {}
        self._X: Array | None = None
        self._Z: Array | None = None

    def forward(self, X: Array) -> Array:
        r"""Return :math:`A = g(XW + b)`, shape (n_samples, n_out); keep ``X`` and ``Z``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_in)
        """
        self._X = X
        self._Z = self.affine(X)
        return self.activation.forward(self._Z)

    def affine(self, X: Array) -> Array:
        """:math:`Z = XW + b` (with no ``b``, :math:`XW`), keeping nothing."""
        return linear(X, self.params)

    def predict(self, X: Array) -> Array:
        """:math:`g(XW + b)`, keeping nothing for a backward pass."""
        return self.activation.forward(self.affine(X))

    def backward(self, dLdA: Array) -> Array:
        r"""Fill ``grads`` and return :math:`\partial L/\partial X`.

        Parameters
        ----------
        dLdA : ndarray of shape (n_samples, n_out)
            The gradient of the loss with respect to this layer's output.

        Returns
        -------
        dLdX : ndarray of shape (n_samples, n_in)

        Notes
        -----
        .. math::

            \frac{\partial L}{\partial Z} = \frac{\partial L}{\partial A} \odot g'(Z), \quad
            \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Z}, \quad
            \frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial Z_i}, \quad
            \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Z} W^\top.
        """
        dLdZ = dLdA * self.activation.derivative(self._Z)
        dW, db = linear_backward(self._X, dLdZ)
        self.grads["W"] = dW
        if self.bias:
            self.grads["b"] = db
        return dLdZ @ self.params["W"].T

    def __repr__(self) -> str:
        return (f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}, "
                f"init={self.init!r}, bias={self.bias})")


def linear(X: Array, params: Params) -> Array:
    """:func:`~descentlab.core.models.linear_forward` with a params dict whose ``"b"`` may be absent.

    >>> linear(np.array([[1.0, 2.0]]), {"W": np.array([1.0, 1.0])})
    array([3.])
    """
    return linear_forward(X, params["W"], params.get("b", 0.0))
