"""Default fits of the piecewise-linear losses against exact solvers, over seeds and sizes (issue 26).

For each loss and size: how many default fits end "converged" (the rest warned); for the
converged ones the largest relative distance of the coefficients (with the intercept) from the
exact solver's, of the predictions (decision values) from its, and the objective's relative gap;
the mean epochs; the time of our fits and of the exact solver's on the same data, measured in
turn in one run (best of ``--repeat`` per fit, summed over the seeds), and their ratio.
make_classification's redundant features are combinations of the informative ones, so a hinge
optimum's coefficients are not unique: its predictions and objective are. Exact solvers:
``QuantileRegressor(alpha=0, solver="highs")`` (scikit-learn) for quantile; the
epsilon-insensitive and hinge losses as linear programs by SciPy's HiGHS.

    python benchmarks/bench_kinked_defaults.py                 # 3 seeds x 3 sizes
    python benchmarks/bench_kinked_defaults.py --seeds 5 --repeat 3
"""

import argparse
import os
import platform
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
from bench_losses import best_time, epsilon_lp, hinge_lp  # noqa: E402  (the exact linear programs, the timer)

SIZES = [(500, 5), (2000, 10), (5000, 20)]


def cases(n, d, seed):
    """(name, estimator, exact solver -> (coef, intercept), loss, X, target) on one draw."""
    from sklearn.datasets import make_classification, make_regression
    from sklearn.linear_model import QuantileRegressor

    from descentlab.core.losses import EpsilonInsensitive, Hinge, QuantileLoss
    from descentlab.estimators import GDClassifier, GDRegressor

    X, y = make_regression(n, d, noise=10, random_state=seed)
    Xc, yc = make_classification(n, d, random_state=seed)
    yc = yc.astype(float)

    def quantile(q):
        return (f"quantile {q}", GDRegressor(loss="quantile", quantile=q),
                lambda: (lambda m: (m.coef_, m.intercept_))(
                    QuantileRegressor(quantile=q, alpha=0, solver="highs").fit(X, y)), QuantileLoss(q), X, y)

    return [quantile(0.5), quantile(0.9),
            ("epsilon_insensitive 1", GDRegressor(loss="epsilon_insensitive", epsilon=1.0),
             lambda: epsilon_lp(X, y, 1.0), EpsilonInsensitive(1.0), X, y),
            ("hinge", GDClassifier(loss="hinge"), lambda: hinge_lp(Xc, yc), Hinge(), Xc, yc)]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    from sklearn.exceptions import ConvergenceWarning

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; python "
          f"{platform.python_version()}, numpy {np.__version__}; seeds 0-{args.seeds - 1}, best of "
          f"{args.repeat}; load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'loss':<23}{'size':>10}{'converged':>11}{'coef dist':>10}{'pred dist':>10}{'max gap':>10}{'epochs':>8}"
          f"{'ours s':>8}{'exact s':>9}{'ratio':>7}")
    for n, d in SIZES:
        rows = {}
        for seed in range(args.seeds):
            for name, est, exact, loss, X, target in cases(n, d, seed):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    ours, _ = best_time(lambda est=est, X=X, target=target: est.fit(X, target), args.repeat)
                warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
                theirs, (coef, intercept) = best_time(exact, args.repeat)
                ref = loss.loss(target, X @ coef + intercept)
                z = est.decision_function(X) if hasattr(est, "classes_") else est.predict(X)
                ref_theta = np.r_[coef, intercept]
                dist = np.linalg.norm(np.r_[np.ravel(est.coef_), np.ravel(est.intercept_)] - ref_theta)
                z_ref = X @ coef + intercept
                pred = np.linalg.norm(np.ravel(z) - z_ref) / np.linalg.norm(z_ref)
                row = rows.setdefault(name, dict.fromkeys(("ok", "dist", "pred", "gap", "epochs", "ours",
                                                           "theirs"), 0.0))
                converged = est.history_.status == "converged"
                assert converged != warned, "converged and warned"
                row["ok"] += converged
                if converged:
                    row["dist"] = max(row["dist"], dist / np.linalg.norm(ref_theta))
                    row["pred"] = max(row["pred"], pred)
                    row["gap"] = max(row["gap"], (loss.loss(target, z) - ref) / ref)
                row["epochs"] += est.n_iter_
                row["ours"] += ours
                row["theirs"] += theirs
        for name, r in rows.items():
            size, rate = f"{n}x{d}", f"{int(r['ok'])}/{args.seeds}"
            print(f"{name:<23}{size:>10}{rate:>11}{r['dist']:>10.1e}{r['pred']:>10.1e}{r['gap']:>10.1e}"
                  f"{r['epochs'] / args.seeds:>8.0f}{r['ours']:>8.2f}{r['theirs']:>9.2f}"
                  f"{r['ours'] / r['theirs']:>7.2f}")


if __name__ == "__main__":
    main()
