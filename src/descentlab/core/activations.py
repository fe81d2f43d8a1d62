r"""Activations: each a function and its derivative, side by side.

``forward(z)`` gives :math:`a = g(z)`; ``derivative(z)`` gives :math:`g'(z)`, so a
layer's backward pass is ``dLdZ = dLdA * derivative(z)``.
"""

import numpy as np


def sigmoid(z):
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow.

    For :math:`z < 0` it uses the equal form :math:`e^{z} / (1 + e^{z})`, so ``exp`` only
    ever sees non-positive numbers.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Identity:
    r""":math:`g(z) = z`, :math:`g'(z) = 1`: the article's linear activation."""

    name = "identity"

    def forward(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)

    def __repr__(self):
        return "Identity()"


class Sigmoid:
    r""":math:`g(z) = \sigma(z)`, :math:`g'(z) = \sigma(z)\,(1 - \sigma(z))`."""

    name = "sigmoid"

    def forward(self, z):
        return sigmoid(z)

    def derivative(self, z):
        s = sigmoid(z)
        return s * (1.0 - s)

    def __repr__(self):
        return "Sigmoid()"


class Tanh:
    r""":math:`g(z) = \tanh z`, :math:`g'(z) = 1 - \tanh^2 z`."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z):
        return 1.0 - np.tanh(z) ** 2

    def __repr__(self):
        return "Tanh()"


class ReLU:
    r""":math:`g(z) = \max(0, z)`, :math:`g'(z) = [z > 0]` (0 at :math:`z = 0`)."""

    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z):
        return (z > 0).astype(float)

    def __repr__(self):
        return "ReLU()"


ACTIVATIONS = {cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU)}


def get_activation(name):
    """An activation by name (``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``)."""
    from descentlab.errors import DescentlabError

    if not isinstance(name, str):
        return name
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise DescentlabError(f"unknown activation {name!r}: choose one of "
                              f"{', '.join(ACTIVATIONS)}") from None
