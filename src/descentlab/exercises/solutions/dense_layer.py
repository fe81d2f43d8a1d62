"""A reference solution of the dense_layer lesson."""

import numpy as np


def dense_forward(X, W, b):
    return X @ W + b


def dense_backward(X, W, dLdZ):
    dLdX = dLdZ @ W.T
    dW = X.T @ dLdZ
    db = np.sum(dLdZ, axis=0)
    return dLdX, dW, db
