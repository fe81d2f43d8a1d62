"""The Newton step of the optimum check: Cholesky where H is well conditioned, else lstsq's step."""

import numpy as np
import pytest

from descentlab.estimators.newton import NewtonSolver


def _spd(seed, n, rank=None):
    A = np.random.default_rng(seed).normal(size=(n, rank or n))
    return A @ A.T + (0.0 if rank else 1e-3 * np.eye(n))


@pytest.mark.parametrize("seed", [0, 1])
def test_positive_definite_takes_cholesky_and_equals_lstsq(seed):
    H, G = _spd(seed, 40), np.random.default_rng(seed + 10).normal(size=40)
    solver = NewtonSolver(H)
    step, solvable = solver(G)
    assert solver.method == "cholesky" and solvable
    np.testing.assert_allclose(step, np.linalg.lstsq(H, G, rcond=1e-13)[0], rtol=1e-8)


def test_singular_takes_the_minimum_norm_step_and_says_when_there_is_none():
    H = _spd(2, 30, rank=20)  # a null space of 10 directions (collinear columns, a softmax shift)
    G_in = H @ np.random.default_rng(3).normal(size=30)  # in H's range
    solver = NewtonSolver(H)
    step, solvable = solver(G_in)
    assert solver.method == "eigh" and solvable
    np.testing.assert_allclose(step, np.linalg.lstsq(H, G_in, rcond=1e-13)[0], rtol=1e-6, atol=1e-10)
    _, lam_V = np.linalg.eigh(H)
    outside = lam_V[:, 0]  # along the null space: no minimum there
    assert solver(G_in + outside)[1] is False


def test_a_nearly_singular_matrix_is_not_trusted_to_cholesky():
    H = _spd(4, 20)
    v = np.ones(20) / np.sqrt(20)
    H = H - (v @ H @ v - 1e-13) * np.outer(v, v)  # one eigenvalue near 1e-13: condition ~1e14
    assert NewtonSolver(H).method == "eigh"
