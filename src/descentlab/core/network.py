r"""A network of dense layers, with backpropagation written out by hand.

Forward, each layer feeds the next: :math:`A_0 = X`, :math:`A_k = g_k(A_{k-1} W_k + b_k)`.
Backward is the chain rule run the other way: the loss gives
:math:`\partial L/\partial A_K`, and each layer, last to first, turns the gradient with
respect to its output into its own ``dW``, ``db`` and the gradient with respect to its
input, which is the output gradient of the layer below.

The network shows the trainer one flat ``params`` dict whose values are the very arrays
inside its layers (keys ``"0.W"``, ``"0.b"``, ``"1.W"``, ...), so
:func:`descentlab.core.trainer.train` and any optimizer train it like a linear model.
"""

from collections.abc import Iterable, Sequence

import numpy as np

from descentlab.core.layers import Dense
from descentlab.core.models import Model, Params
from descentlab.core.xp import Array, namespace
from descentlab.errors import DescentlabError
from descentlab.memory import array_bytes, check_memory
from descentlab.settings import check_size

#: Arrays the size of the weights alive while training: weights, gradients, an
#: optimizer's two moments and the trainer's copy of the epoch's start.
WEIGHT_COPIES = 5


class Network(Model):
    r"""Layers applied one after the other; a model for :func:`descentlab.core.trainer.train`.

    Parameters
    ----------
    layers : list of Dense
        Each layer's ``n_in`` must equal the previous layer's ``n_out``.

    Attributes
    ----------
    params : dict of str to ndarray
        ``"{k}.W"``, ``"{k}.b"`` for layer ``k``: the layers' own arrays, not copies, so
        :meth:`~descentlab.core.models.Model.set_params` writes into the layers.

    Notes
    -----
    With one output the prediction has shape (n_samples,), like
    :class:`descentlab.core.models.LinearModel`, so targets ``y`` of shape (n_samples,) work
    with the losses as they are; with several it has shape (n_samples, n_outputs).

    Examples
    --------
    >>> net = Network([Dense(2, 3, activation="tanh"), Dense(3, 1)])
    >>> net.forward(np.zeros((4, 2))).shape, sorted(net.params)
    ((4,), ['0.W', '0.b', '1.W', '1.b'])
    >>> net.params["0.W"] is net.layers[0].params["W"]  # the layers' own arrays
    True
    >>> {key: g.shape for key, g in net.backward(np.ones(4)).items()}  # after the forward above
    {'0.W': (2, 3), '0.b': (3,), '1.W': (3, 1), '1.b': (1,)}
    >>> net.n_in, net.n_out, net.predict(np.zeros((4, 2))).shape  # predict keeps nothing
    (2, 1, (4,))
    """

    def __init__(self, layers: Iterable[Dense]) -> None:
        layers = list(layers)
        if not layers:
            raise DescentlabError("a network needs at least one layer")
        for k, (below, above) in enumerate(zip(layers, layers[1:], strict=False)):
            if below.n_out != above.n_in:
                raise DescentlabError(f"layer {k + 1} takes {above.n_in} inputs but layer {k} "
                                      f"gives {below.n_out}: make them equal")
        self.layers = layers
        self.params = _LayerParams(layers)

    @property
    def n_in(self) -> int:
        """Inputs per sample (the first layer's)."""
        return self.layers[0].n_in

    @property
    def n_out(self) -> int:
        """Outputs per sample (the last layer's)."""
        return self.layers[-1].n_out

    def _output(self, A: Array) -> Array:
        return A[:, 0] if self.n_out == 1 else A

    def forward(self, X: Array) -> Array:
        """Predict for ``X`` of shape (n_samples, n_in), keeping what ``backward`` needs."""
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return self._output(A)

    def predict(self, X: Array) -> Array:
        """Predict, keeping nothing for a backward pass."""
        A = X
        for layer in self.layers:
            A = layer.predict(A)
        return self._output(A)

    def backward(self, dLdY: Array) -> Params:
        r"""Backpropagate :math:`\partial L/\partial \hat y` and return the flat grads dict.

        Parameters
        ----------
        dLdY : ndarray of shape (n_samples,) or (n_samples, n_out)

        Returns
        -------
        grads : dict with the keys of ``params``
        """
        dLdA = namespace(dLdY).reshape(dLdY, (-1, self.n_out))
        for layer in reversed(self.layers):
            dLdA = layer.backward(dLdA)
        return {f"{k}.{name}": value for k, layer in enumerate(self.layers)
                for name, value in layer.grads.items()}

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Network([{inner}])"


class _LayerParams(dict[str, Array]):
    """The flat ``params`` of a network: ``"{k}.{name}"`` -> layer ``k``'s own array; binding a
    new array (immutable arrays, :func:`descentlab.core.xp.write`) binds it in the layer too."""

    def __init__(self, layers: list[Dense]) -> None:
        self.layers = layers
        super().__init__({f"{k}.{name}": value for k, layer in enumerate(layers)
                          for name, value in layer.params.items()})

    def __setitem__(self, key: str, value: Array) -> None:
        if hasattr(self, "layers"):  # unpickling sets the items before the layers
            k, name = key.split(".")
            self.layers[int(k)].params[name] = value
        super().__setitem__(key, value)


def make_network(sizes: Sequence[int], activation: str = "tanh", *,
                 output_activation: str = "identity", init: str | None = None, bias: bool = True,
                 seed: int | None = 0) -> Network:
    """A network of dense layers of the given sizes, all drawn from one seeded generator.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, hidden_1, ..., n_out]``, at least two numbers.
    activation : str, default="tanh"
        The hidden layers' activation.
    output_activation : str, default="identity"
        The last layer's activation (identity for regression, as the article says).
    init : {"xavier", "he", "normal"} or None, default=None
        None picks "he" for ReLU hidden layers and "xavier" otherwise.
    bias : bool, default=True
    seed : int or None, default=0

    Returns
    -------
    Network

    Examples
    --------
    >>> make_network([2, 3, 1], activation="relu")  # ReLU layers start from He's draw
    Network([Dense(2, 3, activation='relu', init='he', bias=True), Dense(3, 1, activation='identity', init='he', bias=True)])
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise DescentlabError(f"sizes {sizes} need at least an input and an output size")
    for size in sizes:
        check_size("layer size", size)
    check_network_size(sizes)
    if init is None:
        init = "he" if activation == "relu" else "xavier"
    rng = np.random.default_rng(seed)
    acts = [activation] * (len(sizes) - 2) + [output_activation]
    return Network(Dense(n_in, n_out, act, init=init, bias=bias, rng=rng)
                   for n_in, n_out, act in zip(sizes, sizes[1:], acts, strict=False))


def check_network_size(sizes: Sequence[int], n_rows: int = 0, fix: str = "use smaller hidden layers") -> None:
    r"""Raise a one-line error, before anything is allocated, when a network of ``sizes``
    (trained on ``n_rows`` rows at once) cannot fit in memory.

    The weights count :math:`\sum_k (n_{k-1} + 1)\, n_k`; training keeps a few arrays of
    that size, and each layer's outputs, their pre-activations and gradients for every row.

    >>> check_network_size([10**6, 10**6, 1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: a network 1000000 -> 1000000 -> 1 (1000002000001 weights) would need about ...
    """
    sizes = [int(n) for n in sizes]
    n_weights = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))
    n_bytes = array_bytes(n_weights, copies=WEIGHT_COPIES) + array_bytes(n_rows, sum(sizes[1:]), copies=3)
    what = f"a network {' -> '.join(map(str, sizes))} ({n_weights} weights" + \
        (f", on {n_rows} rows)" if n_rows else ")")
    check_memory(what, n_bytes, fix)
