"""A Dense layer, forward and backward: write them yourself.

A layer is many of the article's neurons at once: each column of W holds one neuron's
weights and b one bias per neuron; each row of X is one sample. The layer is linear (no
activation). Backward gets dLdZ, the gradient of the loss with respect to the layer's
output Z (same shape as Z, already holding the loss's 1/N), and applies the chain rule.
Replace each `raise NotImplementedError` with your code, then run

    descentlab exercise check dense_layer.py
"""

import numpy as np  # noqa: F401  (yours to use)


def dense_forward(X, W, b):
    """The layer's output Z for every sample.

    Parameters
    ----------
    X : ndarray of shape (N, n_in)
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)

    Returns
    -------
    Z : ndarray of shape (N, n_out)
    """
    raise NotImplementedError


def dense_backward(X, W, dLdZ):
    """The gradients of the loss with respect to the input, the weights and the bias.
    Let the shapes guide you: each gradient has the shape of what it is the gradient of.
    Do not change X, W or dLdZ in place.

    Parameters
    ----------
    X : ndarray of shape (N, n_in)
    W : ndarray of shape (n_in, n_out)
    dLdZ : ndarray of shape (N, n_out)

    Returns
    -------
    dLdX : ndarray of shape (N, n_in)
    dW : ndarray of shape (n_in, n_out)
    db : ndarray of shape (n_out,)
    """
    raise NotImplementedError
