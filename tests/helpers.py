"""Shared test helpers: a finite-difference gradient oracle."""

import numpy as np


def numerical_grad(f, x, eps=1e-6):
    """Central differences of the scalar function ``f`` at array ``x`` (modified in place)."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
