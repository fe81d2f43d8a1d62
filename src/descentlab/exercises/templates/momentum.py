"""Momentum: write the heavy-ball update yourself.

Plain gradient descent steps against the gradient g, scaled by lr. Momentum keeps a
velocity v that accumulates the gradients, decayed by beta at each step, and moves the
parameters along the velocity instead. This lesson's convention: the velocity is updated
first, from beta, the old velocity and g (no learning rate in it), then the parameters move
against the new velocity, scaled by lr. With beta = 0 it is the article's update.
Replace `raise NotImplementedError` with your code, then run

    descentlab exercise check momentum.py
"""

import numpy as np  # noqa: F401  (yours to use)


def momentum_update(p, v, g, lr, beta):
    """One momentum step for the parameters p with gradient g. Do not change p, v or g in
    place: build new arrays and return them.

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
