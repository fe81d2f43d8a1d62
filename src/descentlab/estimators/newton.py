r"""The Newton step :math:`H^{+} G` of :mod:`descentlab.estimators.convergence`, with :math:`H` factored once.

:math:`H` is symmetric and positive semi-definite (a convex loss's Hessian). Where it is
positive definite and well conditioned, a Cholesky factor :math:`H = R^\top R` gives the step
by two triangular solves; a singular or ill-conditioned :math:`H` (collinear columns, the
softmax's shift of every class by the same weights) takes the eigendecomposition
:math:`H = V \Lambda V^\top` instead, the minimum-norm step on the eigenvalues above
``rcond`` times the largest, as NumPy's ``lstsq(H, G, rcond)`` gives it. Either way the
factor is kept, so a check that reuses :math:`H` (the squared loss's constant Hessian, or a
rows Hessian between two of its updates) costs :math:`O(p^2)`, not :math:`O(p^3)`.
"""

from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from descentlab.fast.blas import blas_for

#: The smallest reciprocal condition (LAPACK's estimate, 1-norm) a Cholesky factor is used at.
MIN_RCOND = 1e-10


class NewtonSolver:
    r"""``solver(G) -> (step, solvable)``: the minimum-norm :math:`s` with :math:`H s = G`,
    and whether :math:`G` lies in :math:`H`'s range (the residual below ``1e-6`` of
    :math:`\lVert G \rVert`; else the quadratic has no minimum along some direction).

    ``method`` says which factor was taken: ``"cholesky"`` or ``"eigh"``.

    >>> H = np.array([[2.0, 0.0], [0.0, 4.0]])
    >>> solver = NewtonSolver(H)
    >>> solver.method, solver(np.array([2.0, 2.0]))
    ('cholesky', (array([1. , 0.5]), True))
    >>> singular = NewtonSolver(np.array([[1.0, 1.0], [1.0, 1.0]]))  # s_1 + s_2 = g: the shortest s
    >>> singular.method, singular(np.array([2.0, 2.0]))[0].round(6), singular(np.array([1.0, 0.0]))[1]
    ('eigh', array([1., 1.]), False)
    """

    def __init__(self, H: NDArray[np.float64], rcond: float = 1e-13) -> None:
        self.H, self.rcond = H, rcond
        self._chol: Any = None
        self._eig: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        with blas_for(len(H)):  # a small H: on one BLAS thread, whose threads would wait for each other
            try:
                chol = scipy.linalg.cho_factor(H, check_finite=False)
                anorm = np.max(np.sum(np.abs(H), axis=0))
                rc, info = scipy.linalg.lapack.dpocon(chol[0], anorm, uplo="L" if chol[1] else "U")
                if info == 0 and rc >= MIN_RCOND:  # well within double precision: the step is lstsq's
                    self._chol = chol
            except (np.linalg.LinAlgError, ValueError):  # not positive definite
                pass
            if self._chol is None:
                lam, V = np.linalg.eigh(H)
                keep = lam > rcond * max(float(lam[-1]), 0.0)
                self._eig = V[:, keep], lam[keep]
        self.method = "cholesky" if self._chol is not None else "eigh"

    def __call__(self, G: NDArray[np.float64]) -> tuple[NDArray[np.float64], bool]:
        if self._chol is not None:
            step: NDArray[np.float64] = scipy.linalg.cho_solve(self._chol, G, check_finite=False)
        else:
            assert self._eig is not None
            V, lam = self._eig
            step = V @ ((V.T @ G) / lam)
        solvable = np.linalg.norm(self.H @ step - G) <= 1e-6 * np.linalg.norm(G)
        return step, bool(solvable)
