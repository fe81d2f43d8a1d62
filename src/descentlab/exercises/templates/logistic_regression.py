"""Logistic regression: write the sigmoid and the gradient of the cross-entropy yourself.

The model gives the probability of class 1 for each row of X,

    z = X @ W + b,      p = sigmoid(z) = 1 / (1 + exp(-z)),

and learns by gradient descent on the mean binary cross-entropy

    L = -1/N * sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ].

Replace each `raise NotImplementedError` with your code, then run

    descentlab exercise check logistic_regression.py
"""

import numpy as np


def sigmoid(z):
    """The logistic function, elementwise.

        sigmoid(z) = 1 / (1 + exp(-z))

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    p : ndarray of the shape of z, each value in (0, 1)
    """
    raise NotImplementedError


def gradient(X, y, W, b):
    """The gradient of the mean binary cross-entropy with respect to W and b.

        p  = sigmoid(X @ W + b)
        dW = 1/N * X.T @ (p - y)       shape (n_features,)
        db = 1/N * sum(p - y)          a number

    (The derivative of the cross-entropy through the sigmoid is simply p - y.)

    Parameters
    ----------
    X : ndarray of shape (N, n_features)
    y : ndarray of shape (N,), labels 0 or 1
    W : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    dW : ndarray of shape (n_features,)
    db : float
    """
    raise NotImplementedError
