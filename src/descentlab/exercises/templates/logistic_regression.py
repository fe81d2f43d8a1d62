"""Logistic regression: write the sigmoid and the gradient of the cross-entropy yourself.

The model gives the probability of class 1 for each row of X: a linear score z from W and
b, squashed into (0, 1) by the sigmoid (the logistic function). It learns by gradient
descent on the mean binary cross-entropy

    L = -1/N * sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ].

Replace each `raise NotImplementedError` with your code, then run

    descentlab exercise check logistic_regression.py
"""

import numpy as np  # noqa: F401  (yours to use)


def sigmoid(z):
    """The logistic function, elementwise; it must stay finite for large |z| (say 800).

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    p : ndarray of the shape of z, each value in [0, 1]
    """
    raise NotImplementedError


def gradient(X, y, W, b):
    """The gradient of the mean binary cross-entropy with respect to W and b. (Work out the
    derivative of L through the sigmoid: it simplifies a lot.)

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
