"""How fast gradient descent converges on a quadratic loss: the factor each step multiplies
the error by along each of the Hessian's eigen-directions (where it reaches 1 is the
optimizer's ``stable_lr``, :mod:`descentlab.core.optimizers`)."""

import numpy as np
from numpy.typing import ArrayLike

from descentlab.core.xp import FloatArray


def contraction(lr: ArrayLike, lam: ArrayLike, momentum: ArrayLike = 0.0, nesterov: bool = False) -> FloatArray:
    r"""The factor by which one step shrinks the error along a Hessian eigenvector with
    eigenvalue ``lam``, on a quadratic loss (above 1: it grows). NumPy broadcasts the arguments.

    Notes
    -----
    :math:`|1 - \alpha\lambda|` for gradient descent; with momentum :math:`\beta` the larger
    root modulus of

    .. math::

        z^2 - (1 + \beta - \alpha\lambda) z + \beta \;\text{(momentum)}, \qquad
        z^2 - (1 + \beta)(1 - \alpha\lambda) z + \beta(1 - \alpha\lambda) \;\text{(Nesterov)}.

    Derivation: :doc:`/maths/stability`, "Momentum and Nesterov".

    Examples
    --------
    >>> contraction(0.5, [1.0, 4.0, 5.0])  # |1 - 0.5 lam|: shrinks, flips, grows
    array([0.5, 1. , 1.5])
    """
    a = np.asarray(lr, dtype=float) * np.asarray(lam, dtype=float)
    beta = np.asarray(momentum, dtype=float)
    if nesterov:
        trace, det = (1 + beta) * (1 - a), beta * (1 - a)
    else:
        trace, det = 1 + beta - a, beta + 0 * a
    root = np.sqrt((trace ** 2 - 4 * det).astype(complex))
    factor = np.maximum(np.abs((trace + root) / 2), np.abs((trace - root) / 2))
    out: FloatArray = np.where(beta == 0, np.abs(1 - a), factor)
    return out
