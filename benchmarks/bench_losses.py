"""The estimators' other losses against exact solvers on the same data, side by side (issue 26).

For each loss: the default fit's time and the exact solver's (measured in turn, best of
``--repeat``), their ratio, the objective's relative gap, the coefficients' relative distance
and the fit's status ("converged", else it warned how far it stopped). Exact solvers:
QuantileRegressor(solver="highs"); the epsilon-insensitive and hinge losses as linear programs
(scipy's HiGHS); Huber by scipy's L-BFGS to its tightest tolerance.

    python benchmarks/bench_losses.py                  # 2000 x 10
    python benchmarks/bench_losses.py --rows 10000 --repeat 1
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))


def hinge_lp(X, labels):
    """min mean(max(0, 1 - s (X coef + c))) as a linear program (HiGHS)."""
    from scipy import sparse
    from scipy.optimize import linprog

    n, d = X.shape
    A = np.c_[X, np.ones(n)] * (2 * labels - 1)[:, None]
    res = linprog(np.r_[np.zeros(d + 1), np.ones(n) / n], A_ub=sparse.hstack([-A, -sparse.eye(n)]),
                  b_ub=-np.ones(n), bounds=[(None, None)] * (d + 1) + [(0, None)] * n, method="highs")
    return res.x[:d], res.x[d]


def epsilon_lp(X, y, eps):
    """min mean(max(0, |X coef + c - y| - eps)) as a linear program (HiGHS)."""
    from scipy import sparse
    from scipy.optimize import linprog

    n, d = X.shape
    A = np.c_[X, np.ones(n)]
    A_ub = sparse.vstack([sparse.hstack([A, -sparse.eye(n)]), sparse.hstack([-A, -sparse.eye(n)])])
    res = linprog(np.r_[np.zeros(d + 1), np.ones(n) / n], A_ub=A_ub, b_ub=np.r_[y + eps, eps - y],
                  bounds=[(None, None)] * (d + 1) + [(0, None)] * n, method="highs")
    return res.x[:d], res.x[d]


def huber_lbfgs(X, y, eps):
    from scipy.optimize import minimize

    from descentlab.core.losses import HuberLoss

    loss, A = HuberLoss(eps), np.c_[X, np.ones(len(y))]
    res = minimize(lambda th: (loss.loss(y, A @ th), A.T @ loss.grad(y, A @ th)), np.zeros(A.shape[1]),
                   jac=True, method="L-BFGS-B", options={"gtol": 1e-13, "ftol": 1e-16, "maxiter": 100000})
    return res.x[:-1], res.x[-1]


def best_time(f, repeat):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out


def main():
    from sklearn.linear_model import QuantileRegressor

    from descentlab.core.losses import EpsilonInsensitive, Hinge, HuberLoss, QuantileLoss
    from descentlab.estimators import GDClassifier, GDRegressor

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=2000)
    p.add_argument("--features", type=int, default=10)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, args.features)) * np.geomspace(0.1, 10, args.features)
    w = rng.normal(size=args.features) / np.geomspace(0.1, 10, args.features)
    y = X @ w + rng.standard_t(3, size=args.rows)
    labels = (X @ w + 2 * rng.normal(size=args.rows) > 0).astype(float)
    cases = [  # name, our estimator, exact solver -> (coef, intercept), loss, target
        ("quantile 0.2", GDRegressor(loss="quantile", quantile=0.2),
         lambda: (lambda m: (m.coef_, m.intercept_))(QuantileRegressor(quantile=0.2, alpha=0, solver="highs").fit(X, y)),
         QuantileLoss(0.2), y),
        ("epsilon_insensitive 0.5", GDRegressor(loss="epsilon_insensitive", epsilon=0.5),
         lambda: epsilon_lp(X, y, 0.5), EpsilonInsensitive(0.5), y),
        ("huber 1.0", GDRegressor(loss="huber", epsilon=1.0), lambda: huber_lbfgs(X, y, 1.0), HuberLoss(1.0), y),
        ("hinge", GDClassifier(loss="hinge"), lambda: hinge_lp(X, labels), Hinge(), labels),
    ]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; python "
          f"{platform.python_version()}, numpy {np.__version__}; {args.rows} x {args.features}, "
          f"best of {args.repeat}; load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'loss':<24}{'ours s':>9}{'exact s':>9}{'ratio':>8}{'objective gap':>15}{'coef dist':>11}  status")
    for name, est, exact, loss, target in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, _ = best_time(lambda est=est, target=target: est.fit(X, target), args.repeat)
        theirs, (coef, intercept) = best_time(exact, args.repeat)
        ref = loss.loss(target, X @ coef + intercept)
        z = est.decision_function(X) if hasattr(est, "classes_") else est.predict(X)
        gap = (loss.loss(target, z) - ref) / ref
        dist = np.linalg.norm(np.ravel(est.coef_) - coef) / np.linalg.norm(coef)
        print(f"{name:<24}{ours:>9.3f}{theirs:>9.3f}{ours / theirs:>8.2f}{gap:>15.1e}{dist:>11.1e}  "
              f"{est.history_.status} ({est.n_iter_} epochs)")


if __name__ == "__main__":
    main()
