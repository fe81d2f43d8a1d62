"""Linear regression by gradient descent: write the article's functions yourself.

"Neural Networks with Numpy for Absolute Beginners", Part 2. We fit a line to data X, y
(both of shape (N, 1)) by gradient descent on the loss the article calls "half the mean
squared error". Each function below says what it gets, what it returns and which part of
the article it is; the formulas are in the article, and working them out is the exercise.
Replace each `raise NotImplementedError` with your code, then run

    descentlab exercise check linear_regression.py

The checker calls your functions on random data and names the kind of mistake when one is
wrong (`--hint 2` also shows the formula). Keep the names and arguments as they are.
"""

import numpy as np


def init_params():
    """The starting slope and intercept, drawn at random (article: "Initializing the
    parameters"): each from a normal distribution with mean 0 and standard deviation 10.
    Set no seed here.

    Returns
    -------
    m, b : float
    """
    raise NotImplementedError


def forward_prop(X, m, b):
    """The line's prediction for every point (article: "Forward propagation").

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
    """The loss: half the mean of the squared errors (article: "Cost function").

    Parameters
    ----------
    y, y_pred : ndarray of shape (N, 1)

    Returns
    -------
    loss : float
    """
    raise NotImplementedError


def gradient(m, b, X_train, y_train, y_pred):
    """The partial derivatives of the loss with respect to m and b (article: "Gradient
    descent"). Differentiate compute_loss's formula yourself; each is a mean over the N
    points. (m and b are given but not needed: y_pred already holds them.)

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
    """One step of gradient descent with the learning rate l_r (article: "Updating the
    parameters"): which way do m and b move, and how far?

    Returns
    -------
    m, b : float
        The new values (the article's excerpt forgets to return them: do not).
    """
    raise NotImplementedError


def grad_desc(X_train, y_train, y_pred, m, b, l_r):
    """One epoch's update, built from your `gradient` and `update_params`.

    Returns
    -------
    m, b : float
    """
    raise NotImplementedError


def accuracy(y, y_pred):
    """What the article calls "Accuracy" on the test set: the mean absolute percentage
    error, in percent (so lower is better; 0 is a perfect fit).

    Parameters
    ----------
    y, y_pred : ndarray of shape (N, 1), no target y equal to 0

    Returns
    -------
    accuracy : float
    """
    raise NotImplementedError


def predict(X_test, y_test, m, b):
    """The article's "Prediction" step on the test set, with your functions: the predictions,
    their loss and their accuracy.

    Returns
    -------
    y_pred : ndarray of shape (N, 1)
    loss : float
    accuracy : float
    """
    raise NotImplementedError


if __name__ == "__main__":
    # The article's training loop and test prediction, once your functions work.
    rng = np.random.default_rng(42)
    X = rng.normal(size=(200, 1))
    y = 87.7 * X + rng.normal(0, 10, size=(200, 1))
    X_train, y_train, X_test, y_test = X[:160], y[:160], X[160:], y[160:]
    m, b = init_params()
    for epoch in range(61):
        y_pred = forward_prop(X_train, m, b)
        loss = compute_loss(y_train, y_pred)
        m, b = grad_desc(X_train, y_train, y_pred, m, b, l_r=0.05)
        if epoch % 10 == 0:
            print(f"Epoch {epoch}: loss = {loss:.2f}, m = {m:.3f}, b = {b:.3f}")
    _, test_loss, test_accuracy = predict(X_test, y_test, m, b)
    print(f"Test loss = {test_loss:.2f}, accuracy (MAPE) = {test_accuracy:.2f}%")
