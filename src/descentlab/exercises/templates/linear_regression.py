"""Linear regression by gradient descent: write the article's functions yourself.

"Neural Networks with Numpy for Absolute Beginners", Part 2. We fit a line

    y_pred = m * X + b

to data X, y, both of shape (N, 1), by gradient descent on half the mean squared error.
Replace each `raise NotImplementedError` with your code, then run

    descentlab exercise check linear_regression.py

The checker calls your functions on random data and names the likely mistake when one
is wrong. Keep the names and arguments as they are.
"""

import numpy as np


def init_params():
    """Draw the starting m and b, each from a normal distribution N(0, 10^2).

    Returns
    -------
    m, b : float
        Two random numbers: np.random.normal(0, 10) each (set no seed here).
    """
    raise NotImplementedError


def forward_prop(X, m, b):
    """The prediction of the line for every point.

        y_pred = m * X + b

    Parameters
    ----------
    X : ndarray of shape (N, 1)
    m, b : float

    Returns
    -------
    y_pred : ndarray of shape (N, 1)
    """
    raise NotImplementedError


def compute_loss(y, y_pred):
    """Half the mean squared error (the 1/2 makes the derivative simpler).

        loss = 1/(2N) * sum_i (y_pred_i - y_i)^2 = 1/2 * mean((y_pred - y)^2)

    Parameters
    ----------
    y, y_pred : ndarray of shape (N, 1)

    Returns
    -------
    loss : float
    """
    raise NotImplementedError


def gradient(m, b, X_train, y_train, y_pred):
    """The partial derivatives of the loss with respect to m and b.

        dm = dL/dm = 1/N * sum_i (y_pred_i - y_i) * x_i = mean((y_pred - y) * X)
        db = dL/db = 1/N * sum_i (y_pred_i - y_i)       = mean(y_pred - y)

    (m and b are not needed: y_pred = m * X_train + b already holds them.)

    Parameters
    ----------
    m, b : float
    X_train, y_train, y_pred : ndarray of shape (N, 1)

    Returns
    -------
    dm, db : float
    """
    raise NotImplementedError


def update_params(m, b, dm, db, l_r):
    """One step of gradient descent: move against the slope, scaled by the learning rate.

        m = m - l_r * dm
        b = b - l_r * db

    Returns
    -------
    m, b : float
        The new values (do not forget to return them).
    """
    raise NotImplementedError


def grad_desc(X_train, y_train, y_pred, m, b, l_r):
    """One epoch's update: compute the gradients with `gradient`, then apply `update_params`.

    Returns
    -------
    m, b : float
        The updated parameters.
    """
    raise NotImplementedError


if __name__ == "__main__":
    # The article's training loop, once your functions work.
    rng = np.random.default_rng(42)
    X = rng.normal(size=(160, 1))
    y = 87.7 * X + rng.normal(0, 10, size=(160, 1))
    m, b = init_params()
    for epoch in range(61):
        y_pred = forward_prop(X, m, b)
        loss = compute_loss(y, y_pred)
        m, b = grad_desc(X, y, y_pred, m, b, l_r=0.05)
        if epoch % 10 == 0:
            print(f"Epoch {epoch}: loss = {loss:.2f}, m = {m:.3f}, b = {b:.3f}")
