"""The optimum check's Newton step (estimators/newton.py): a cached Cholesky solve where
the Hessian is safely positive definite, NumPy's ``lstsq`` (the SVD) where it is not; the same
step either way, so the same stopping epoch."""

import numpy as np
import pytest

from descentlab.estimators import GDRegressor
from descentlab.estimators.convergence import OptimumCheck
from descentlab.estimators.newton import CHOLESKY_CONDITION, NewtonStep, inverse_cholesky


def spd(n, condition, seed=0):
    """A symmetric positive (semi)definite n x n matrix with eigenvalues 1 down to 1/condition."""
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))[0]
    return (Q * np.geomspace(1.0, 1.0 / condition, n)) @ Q.T


def lstsq(H, g):
    return np.linalg.lstsq(H, g, rcond=1e-13)[0]


@pytest.mark.parametrize("condition", [1.0, 1e3, 1e6])
def test_a_well_conditioned_hessian_is_solved_by_cholesky_as_lstsq_solves_it(condition):
    H, g = spd(12, condition), np.random.default_rng(1).normal(size=12)
    assert inverse_cholesky(H) is not None
    step = NewtonStep()(H, g, key="fixed")
    assert np.linalg.norm(step - lstsq(H, g)) <= 1e-9 * np.linalg.norm(lstsq(H, g))


@pytest.mark.parametrize("H", [spd(12, 1e15), np.ones((12, 12)), np.diag([1.0] * 11 + [0.0]),
                               -np.eye(12)], ids=["nearly singular", "rank one", "a zero direction", "negative"])
def test_a_singular_or_unsafe_hessian_takes_lstsq_least_norm_step(H):
    """lstsq cuts the directions the data cannot fix; a Cholesky solve would blow up along them."""
    g = np.random.default_rng(2).normal(size=12)
    assert inverse_cholesky(H) is None
    np.testing.assert_array_equal(NewtonStep()(H, g, key="fixed"), lstsq(H, g))


def test_a_hessian_with_nan_has_no_cholesky_step():
    assert inverse_cholesky(np.full((3, 3), np.nan)) is None


def test_the_condition_bound_holds_the_true_condition_number():
    """tr H * ||L^-1||_F^2 is never below the condition number, so the bound is safe."""
    for condition in (1.0, 1e2, 1e5, 1e8):
        H = spd(20, condition, seed=3)
        L_inv = inverse_cholesky(H)
        assert L_inv is not None and np.trace(H) * np.sum(L_inv**2) >= 0.999 * np.linalg.cond(H)
    assert inverse_cholesky(spd(20, 10 * CHOLESKY_CONDITION)) is None


def test_a_moments_check_factors_its_hessian_once_and_measures_lstsq_distance():
    from descentlab.core.losses import MeanSquaredError
    from descentlab.estimators.convergence import optimum_check
    from descentlab.estimators.streamed import fast_problem

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6)) * np.geomspace(0.1, 10, 6)
    reg = GDRegressor()
    problem = fast_problem(reg, X, X @ rng.normal(size=6), "moments")
    model = reg._build_model(6, rng)
    check = optimum_check(reg, problem, MeanSquaredError(), None, model)
    assert isinstance(check, OptimumCheck) and check._fixed_H is not None
    params = {"W": np.linspace(-1, 1, 6), "b": np.array(0.5)}
    first = check.measure(params)
    assert len(check._newton.factors) == 1 and check._newton.factors[np.ones(7, bool).tobytes()] is not None
    assert check.measure(params) == first and len(check._newton.factors) == 1
    grads = check._gradient(params)
    dW = lstsq(check._fixed_H, np.concatenate([grads["W"], np.ravel(grads["b"])]))[:6]
    unit = check.unit
    assert first == pytest.approx(np.linalg.norm(unit * dW) / np.linalg.norm(unit * (params["W"] - dW)), rel=1e-10)
