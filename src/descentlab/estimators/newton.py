r"""The Newton step of :class:`~descentlab.estimators.convergence.OptimumCheck`: the solution
:math:`s` of :math:`H s = g` of least norm, as NumPy's ``lstsq`` gives it (singular values
below :math:`10^{-13}\sigma_{max}` cut), at a fraction of its cost where it can be.

Where :math:`H` is safely positive definite nothing is cut, and :math:`s = L^{-\top} L^{-1} g`
from the Cholesky factor :math:`H = L L^\top` is the same solution: a factorisation a tenth
the cost of ``lstsq``'s SVD, and for a Hessian that stays fixed (the moments) made once, each
check after the first then costing two products. Elsewhere (collinear columns, a flat
direction) ``lstsq`` cuts what the data cannot fix.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from descentlab.fast.blas import blas_for

#: The bound on :math:`H`'s condition number under which the Cholesky solve stands for
#: ``lstsq``'s (whose cut at :math:`10^{-13}\sigma_{max}` then cuts nothing).
CHOLESKY_CONDITION = 1e12


class NewtonStep:
    """``step(H, g, key=None)``: ``lstsq(H, g, rcond=1e-13)``'s solution; with ``key``, the
    factor of ``H`` is kept under it for the next call with the same ``key`` (and ``H``).

    >>> step = NewtonStep()
    >>> step(np.diag([4.0, 1.0]), np.array([2.0, 3.0]), key="fixed")
    array([0.5, 3. ])
    >>> step(np.ones((2, 2)), np.array([2.0, 2.0]))  # singular: lstsq's least-norm solution
    array([1., 1.])
    """

    def __init__(self) -> None:
        self.factors: dict[Any, NDArray[np.float64] | None] = {}  # key -> L^-1, None: lstsq

    def __call__(self, H: NDArray[np.float64], g: NDArray[np.float64], key: Any = None) -> NDArray[np.float64]:
        if key is not None and key in self.factors:
            L_inv = self.factors[key]
        else:
            with blas_for(len(H)):  # a small matrix: on one thread
                L_inv = inverse_cholesky(H)
            if key is not None:
                self.factors[key] = L_inv
        if L_inv is None:
            with blas_for(len(H)):
                return np.asarray(np.linalg.lstsq(H, g, rcond=1e-13)[0], dtype=np.float64)
        return L_inv.T @ (L_inv @ g)


def inverse_cholesky(H: NDArray[np.float64]) -> NDArray[np.float64] | None:
    r""":math:`L^{-1}` for :math:`H = L L^\top`, or None unless :math:`H` is safely positive definite:
    :math:`\operatorname{tr} H \cdot \lVert L^{-1}\rVert_F^2`, a bound on its condition number
    (:math:`\lambda_{max} \le \operatorname{tr} H`, :math:`1/\lambda_{min} = \lVert L^{-1}\rVert_2^2`),
    under :data:`CHOLESKY_CONDITION`.

    >>> inverse_cholesky(np.diag([4.0, 1.0]))
    array([[0.5, 0. ],
           [0. , 1. ]])
    >>> inverse_cholesky(np.array([[1.0, 1.0], [1.0, 1.0]])) is None  # singular
    True
    """
    from scipy.linalg import solve_triangular

    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return None
    with np.errstate(all="ignore"):
        L_inv: NDArray[np.float64] = solve_triangular(L, np.eye(len(H)), lower=True, check_finite=False)
        bound = float(np.trace(H)) * float(np.sum(L_inv * L_inv))
    return L_inv if bound <= CHOLESKY_CONDITION else None  # NaN: not safe either
