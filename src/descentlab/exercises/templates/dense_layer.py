"""A Dense layer, forward and backward: write them yourself.

A layer is many of the article's neurons at once: each column of W holds one neuron's
weights. With one sample per row of X,

    Z = X @ W + b        X: (N, n_in), W: (n_in, n_out), b: (n_out,), Z: (N, n_out)

Backward gets dLdZ, the gradient of the loss with respect to Z (same shape as Z, already
holding the loss's 1/N), and applies the chain rule. Replace each `raise
NotImplementedError` with your code, then run

    descentlab exercise check dense_layer.py
"""

import numpy as np


def dense_forward(X, W, b):
    """The layer's output (a linear layer: no activation).

        Z = X @ W + b

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

        dLdX = dLdZ @ W.T             shape (N, n_in)
        dW   = X.T @ dLdZ             shape (n_in, n_out)
        db   = dLdZ.sum(axis=0)       shape (n_out,)   (a sum: dLdZ already holds 1/N)

    Do not change X, W or dLdZ in place.

    Returns
    -------
    dLdX, dW, db : ndarray
    """
    raise NotImplementedError
