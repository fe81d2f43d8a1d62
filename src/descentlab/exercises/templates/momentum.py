"""Momentum: write the heavy-ball update yourself.

Plain gradient descent steps by -lr * g. Momentum keeps a velocity v, a running sum of
the gradients, and steps along it:

    v = beta * v + g
    p = p - lr * v

With beta = 0 this is the article's update. Replace `raise NotImplementedError` with
your code, then run

    descentlab exercise check momentum.py
"""

import numpy as np


def momentum_update(p, v, g, lr, beta):
    """One momentum step for the parameters p with gradient g.

        v_new = beta * v + g
        p_new = p - lr * v_new

    Do not change p, v or g in place: build new arrays and return them.

    Parameters
    ----------
    p, v, g : ndarray of the same shape
        The parameters, the velocity and the gradient.
    lr : float
        The learning rate.
    beta : float
        The momentum, between 0 and 1.

    Returns
    -------
    p_new, v_new : ndarray
    """
    raise NotImplementedError
