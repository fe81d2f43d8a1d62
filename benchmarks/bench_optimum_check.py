"""The optimum check's Newton step on a 1000-feature moments fit: lstsq per check against a kept factor.

``GDRegressor(solver="moments")`` on ``make_regression(20_000, 1000, noise=10, random_state=0)``
stops only when the Newton step :math:`H^{+}G` on the 1001 x 1001 Hessian says it is within
``gtol`` (:mod:`descentlab.estimators.convergence`). Before: NumPy's ``lstsq`` (an SVD) at every
check. After: :class:`descentlab.estimators.newton.NewtonSolver`, a Cholesky factor (or an
eigendecomposition where H is singular) taken once and solved again at each check. The same
fit, the same checks, the same epochs: only the solve differs. The reference is
``LinearRegression`` on the same data, in the same run. Warm: best of ``--repeat`` rounds, the
fits in turn within each round. Also one solve alone (factor, and a solve with the kept factor).

    python benchmarks/bench_optimum_check.py
    python benchmarks/bench_optimum_check.py --blas-threads 1
"""

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_floor import machine, side_by_side  # noqa: E402


class LstsqEveryCheck:
    """The solve as it was: ``lstsq`` on the whole matrix at every call (no factor kept)."""

    def __init__(self, H, rcond=1e-13):
        self.H, self.rcond, self.method = H, rcond, "lstsq"

    def __call__(self, G):
        step = np.linalg.lstsq(self.H, G, rcond=self.rcond)[0]
        return step, bool(np.linalg.norm(self.H @ step - G) <= 1e-6 * np.linalg.norm(G))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=None, help="limit the BLAS (threadpoolctl)")
    args = parser.parse_args(argv)
    if args.blas_threads:
        import scipy.linalg  # noqa: F401  # loaded first: the limit reaches SciPy's own BLAS too
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads, user_api="blas")
    from sklearn.datasets import make_regression
    from sklearn.linear_model import LinearRegression

    from descentlab.estimators import GDRegressor, convergence, newton

    print(machine())
    print(f"{args.rows:,} x {args.features}; load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    X, y = make_regression(args.rows, args.features, noise=10, random_state=0)
    counts, fitted = {}, {}

    def fit(name, solver_class):
        convergence.NewtonSolver = solver_class
        calls = []
        measure = convergence.OptimumCheck.measure

        def counted(self, *a, **k):
            calls.append(1)
            return measure(self, *a, **k)

        convergence.OptimumCheck.measure = counted
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted[name] = GDRegressor(solver="moments").fit(X, y)
        finally:
            convergence.OptimumCheck.measure = measure
            convergence.NewtonSolver = newton.NewtonSolver
        counts[name] = len(calls)

    fns = {"LinearRegression": lambda: fitted.__setitem__("LinearRegression", LinearRegression().fit(X, y)),
           "GDRegressor, lstsq each check (before)": lambda: fit("GDRegressor, lstsq each check (before)",
                                                                 LstsqEveryCheck),
           "GDRegressor, factor kept (after)": lambda: fit("GDRegressor, factor kept (after)",
                                                           newton.NewtonSolver)}
    warm = side_by_side(fns, args.repeat)
    ref = "LinearRegression"
    print(f"\n| fit | warm s (best of {args.repeat}) | / LinearRegression | epochs | checks | "
          "max |coef - LinearRegression's| |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in fns:
        est = fitted[name]
        n_iter = getattr(est, "n_iter_", "")
        gap = np.max(np.abs(est.coef_ - fitted[ref].coef_))
        print(f"| {name} | {warm[name]:.3f} | {warm[name] / warm[ref]:.2f} | {n_iter} | "
              f"{counts.get(name, '')} | {gap:.1e} |")

    # one solve alone, on the fit's own Hessian
    from descentlab.fast.moments import Moments

    H = Moments.from_arrays((X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()).hessian()
    G = np.random.default_rng(0).normal(size=H.shape[0])
    solver = newton.NewtonSolver(H)
    solve = {"lstsq(H, G)": lambda: np.linalg.lstsq(H, G, rcond=1e-13),
             f"NewtonSolver(H) ({solver.method})": lambda: newton.NewtonSolver(H)(G),
             "a solve with the kept factor": lambda: solver(G)}
    alone = side_by_side(solve, args.repeat)
    print(f"\n| one {H.shape[0]} x {H.shape[1]} solve | best of {args.repeat}, s | / lstsq |")
    print("| --- | --- | --- |")
    for name, t in alone.items():
        print(f"| {name} | {t:.4f} | {t / alone['lstsq(H, G)']:.3f} |")
    print(f"(load {' '.join(f'{v:.2f}' for v in os.getloadavg())})")


if __name__ == "__main__":
    main()
