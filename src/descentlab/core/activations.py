r"""Activations: each a function and its derivative, side by side.

``forward(z)`` gives :math:`a = g(z)`; ``derivative(z)`` gives :math:`g'(z)`, so a
layer's backward pass is ``dLdZ = dLdA * derivative(z)``.
"""

from typing import Protocol

import numpy as np

from descentlab.core.xp import Array, namespace


class Activation(Protocol):
    """What a layer needs of an activation: its ``name``, :math:`g` and :math:`g'`.

    >>> relu = get_activation("relu")
    >>> relu.name, relu.forward(np.array([-1.0, 3.0])), relu.derivative(np.array([-1.0, 3.0]))
    ('relu', array([0., 3.]), array([0., 1.]))
    """

    name: str

    def forward(self, z: Array) -> Array: ...

    def derivative(self, z: Array) -> Array: ...


def sigmoid(z: Array) -> Array:
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow.

    For :math:`z < 0` it uses the equal form :math:`e^{z} / (1 + e^{z})`, so ``exp`` only
    ever sees non-positive numbers.

    >>> sigmoid(np.array([-1000.0, 0.0, 2.0])).round(3)
    array([0.   , 0.5  , 0.881])
    """
    xp = namespace(z)
    z = np.asarray(z, dtype=float) if xp is np else z
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(Z: Array) -> Array:
    r"""Row-wise softmax :math:`P_{ik} = e^{Z_{ik}} / \sum_j e^{Z_{ij}}`, without overflow.

    Each row's maximum is subtracted first: it cancels, and keeps every ``exp`` at or below 1.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Logits.

    Returns
    -------
    P : ndarray of shape (n_samples, n_classes)
        Each row sums to 1.

    Notes
    -----
    Its Jacobian is not element-wise, so it is no layer activation: a network outputs logits
    and :class:`descentlab.core.losses.SoftmaxCrossEntropy` takes them, where the gradient
    is :math:`P - Y`. Derivation: :doc:`/maths/gradients`, "Softmax cross-entropy".

    Examples
    --------
    >>> softmax(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    """
    return softmax_lse(Z)[0]


def softmax_lse(Z: Array) -> tuple[Array, Array]:
    r""":func:`softmax` and each row's :math:`\operatorname{logsumexp}_j Z_{ij} = m_i + \log \sum_j
    e^{Z_{ij} - m_i}` (:math:`m_i = \max_j Z_{ij}`), from one ``exp``.

    Returns
    -------
    P : ndarray of shape (n_samples, n_classes)
    lse : ndarray of shape (n_samples,)

    Notes
    -----
    NumPy works class by class (on :math:`Z^\top`): a row's max and sum over a few
    classes are then one vector operation across all rows, where a reduction along each
    short row costs some ten times more.

    >>> P, lse = softmax_lse(np.array([[0.0, np.log(3.0)]]))  # logits 0 and log 3
    >>> P.round(2), lse.round(6)  # probabilities 1/4 and 3/4; log(1 + 3)
    (array([[0.25, 0.75]]), array([1.386294]))
    """
    xp = namespace(Z)
    if xp is not np:
        m = xp.max(Z, axis=1, keepdims=True)
        E = xp.exp(Z - m)
        s = xp.sum(E, axis=1, keepdims=True)
        return E / s, (m + xp.log(s))[:, 0]
    E = np.asarray(Z, dtype=float).T.copy()  # (n_classes, n_samples)
    m = E.max(axis=0)
    E -= m
    np.exp(E, out=E)
    s = E.sum(axis=0)
    E /= s
    return E.T, m + np.log(s)


def log_softmax(Z: Array) -> Array:
    r""":math:`\log P_{ik} = Z_{ik} - \operatorname{logsumexp}_j Z_{ij}`, stable (row max subtracted).

    >>> log_softmax(np.array([[1000.0, 1000.0]])).round(4)  # log(1/2) twice, no overflow
    array([[-0.6931, -0.6931]])
    """
    xp = namespace(Z)
    if xp is np:
        Z = np.asarray(Z, dtype=float)
        return Z - softmax_lse(Z)[1][:, None]
    shifted = Z - xp.max(Z, axis=1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))


class Identity:
    r""":math:`g(z) = z`, :math:`g'(z) = 1`: the article's linear activation.

    >>> Identity().forward(np.array([-1.0, 2.0])), Identity().derivative(np.array([-1.0, 2.0]))
    (array([-1.,  2.]), array([1., 1.]))
    """

    name = "identity"

    def forward(self, z: Array) -> Array:
        return z

    def derivative(self, z: Array) -> Array:
        return namespace(z).ones_like(z)

    def __repr__(self) -> str:
        return "Identity()"


class Sigmoid:
    r""":math:`g(z) = \sigma(z)`, :math:`g'(z) = \sigma(z)\,(1 - \sigma(z))`.

    >>> Sigmoid().forward(np.array([0.0, 2.0])).round(3), Sigmoid().derivative(np.array([0.0, 2.0])).round(3)
    (array([0.5  , 0.881]), array([0.25 , 0.105]))
    """

    name = "sigmoid"

    def forward(self, z: Array) -> Array:
        return sigmoid(z)

    def derivative(self, z: Array) -> Array:
        s = sigmoid(z)
        return s * (1.0 - s)

    def __repr__(self) -> str:
        return "Sigmoid()"


class Tanh:
    r""":math:`g(z) = \tanh z`, :math:`g'(z) = 1 - \tanh^2 z`.

    >>> Tanh().forward(np.array([0.0, 2.0])).round(3), Tanh().derivative(np.array([0.0, 2.0])).round(3)
    (array([0.   , 0.964]), array([1.   , 0.071]))
    """

    name = "tanh"

    def forward(self, z: Array) -> Array:
        return namespace(z).tanh(z)

    def derivative(self, z: Array) -> Array:
        return 1.0 - namespace(z).tanh(z) ** 2

    def __repr__(self) -> str:
        return "Tanh()"


class ReLU:
    r""":math:`g(z) = \max(0, z)`, :math:`g'(z) = [z > 0]` (0 at :math:`z = 0`).

    >>> ReLU().forward(np.array([-1.0, 0.0, 2.0])), ReLU().derivative(np.array([-1.0, 0.0, 2.0]))
    (array([0., 0., 2.]), array([0., 0., 1.]))
    """

    name = "relu"

    def forward(self, z: Array) -> Array:
        return namespace(z).maximum(z, 0.0)

    def derivative(self, z: Array) -> Array:
        positive = z > 0
        return positive.astype(float) if isinstance(positive, np.ndarray) else namespace(z).astype(positive, z.dtype)

    def __repr__(self) -> str:
        return "ReLU()"


ACTIVATIONS: dict[str, type[Activation]] = {cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU)}


def get_activation(name: str | Activation) -> Activation:
    """An activation by name (``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``); an
    activation object is returned as it is.

    >>> get_activation("tanh")
    Tanh()
    """
    from descentlab.errors import DescentlabError

    if not isinstance(name, str):
        return name
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise DescentlabError(f"unknown activation {name!r}: choose one of "
                              f"{', '.join(ACTIVATIONS)}") from None
