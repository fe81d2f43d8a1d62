"""A learner's answers to the linear_regression lesson: three are wrong."""

import numpy as np


def init_params():
    m = np.random.normal(0, 10)
    b = np.random.normal(0, 10)
    return m, b


def forward_prop(X, m, b):
    return m * X + b


def compute_loss(y, y_pred):
    return 1 / 2 * np.mean((y_pred - y) ** 2)


def gradient(m, b, X_train, y_train, y_pred):
    dm = np.mean((y_pred - y_train) * X_train)
    db = np.mean((y_pred - y_train) * X_train)   # wrong: db has no X
    return dm, db


def update_params(m, b, dm, db, l_r):
    m = m - l_r * l_r * dm                       # wrong: the rate twice
    b = b - l_r * l_r * db
    return m, b


def grad_desc(X_train, y_train, y_pred, m, b, l_r):
    dm, db = gradient(m, b, X_train, y_train, y_pred)
    return update_params(m, b, dm, db, l_r)


def accuracy(y, y_pred):
    return np.mean(np.fabs((y_pred - y) / y)) * 100


def predict(X_test, y_test, m, b):
    y_pred = forward_prop(X_test, m, b)
    loss = compute_loss(y_test, y_pred)
    acc = accuracy(y_test, y_pred)               # wrong: no return
