"""The optimum check's Newton step (estimators/newton.py, factored once): the step NumPy's
``lstsq(H, G, rcond=1e-13)`` gives, by Cholesky where H is well conditioned, by the
eigendecomposition where it is singular or nearly; the factor taken with the BLAS on one
thread for a small H (fast/blas.py)."""

import numpy as np
import pytest

from descentlab.estimators.newton import NewtonSolver

threadpoolctl = pytest.importorskip("threadpoolctl")


def spd(n, condition, seed=0):
    """A symmetric positive (semi)definite n x n matrix with eigenvalues 1 down to 1/condition."""
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[0]
    return (Q * np.geomspace(1.0, 1.0 / condition, n)) @ Q.T


def lstsq(H, g):
    return np.linalg.lstsq(H, g, rcond=1e-13)[0]


@pytest.mark.parametrize("condition", [1.0, 1e3, 1e6])
def test_a_well_conditioned_hessian_is_solved_by_cholesky_as_lstsq_solves_it(condition):
    H, g = spd(12, condition), np.random.default_rng(1).normal(size=12)
    solver = NewtonSolver(H)
    step, solvable = solver(g)
    assert solver.method == "cholesky" and solvable
    assert np.linalg.norm(step - lstsq(H, g)) <= 1e-9 * np.linalg.norm(lstsq(H, g))


def nearly_singular(n=12, seed=0):
    """Eigenvalues 1 to 1e-3, and one at 1e-17: far below lstsq's cut (1e-13), as collinear columns give."""
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[0]
    return (Q * np.append(np.geomspace(1.0, 1e-3, n - 1), 1e-17)) @ Q.T


@pytest.mark.parametrize("H", [nearly_singular(), np.ones((12, 12)), np.diag([1.0] * 11 + [0.0])],
                         ids=["nearly singular", "rank one", "a zero direction"])
def test_a_singular_hessian_takes_lstsq_least_norm_step(H):
    """lstsq cuts the directions the data cannot fix; a Cholesky solve would blow up along them."""
    g = H @ np.random.default_rng(2).normal(size=12)  # in H's range: a step exists
    solver = NewtonSolver(H)
    assert solver.method == "eigh"
    np.testing.assert_allclose(solver(g)[0], lstsq(H, g), rtol=1e-6, atol=1e-9 * np.abs(lstsq(H, g)).max())


def test_the_factor_of_a_small_hessian_is_taken_on_one_blas_thread(monkeypatch):
    import scipy.linalg

    seen = []
    cho_factor = scipy.linalg.cho_factor

    def spy(*args, **kwargs):
        from descentlab.fast.blas import blas_threads

        seen.append(blas_threads())
        return cho_factor(*args, **kwargs)

    monkeypatch.setattr(scipy.linalg, "cho_factor", spy)
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        NewtonSolver(spd(12, 10.0))
        assert seen == [1]
        from descentlab.fast.blas import blas_threads

        assert blas_threads() == 2  # restored
