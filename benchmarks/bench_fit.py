"""Time to a least-squares fit: descentlab against scikit-learn and PyTorch, on the same data.

Each method runs in its own process on data it regenerates from the same seed, so its
peak memory is its own. For each: the wall time of ``fit``, the R^2 it reaches against
``LinearRegression``'s (the reference), the time at which it first came within 1e-6 of
it or beat it (for the iterative methods, checked after each epoch, evaluation time
excluded), and the peak resident memory beyond the data itself (the process's
high-water mark, reset once the data is made).

On the "wide" data ``LinearRegression`` (SciPy's ``lstsq``, which cuts off tiny singular
values) lands about 2e-3 below the least-squares optimum; the methods that solve the
problem fully beat it, which counts as reaching it.

    python benchmarks/bench_fit.py                 # 1,000,000 x 100, both data sets
    python benchmarks/bench_fit.py --rows 200000   # quicker

Prints one table per data set: "well" (standard normal features) and "wide" (feature
scales spanning 10^-3 to 10^3), after the ratios of issue 15 against one ``X.T @ X``
(:mod:`bench_floor`; ``--floor-only`` prints just those).
"""

import argparse
import multiprocessing as mp
import os
import platform
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench_epoch, beside this file

TARGET = 1e-6


def make_data(rows, features, kind, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, features))
    if kind == "wide":
        X *= np.logspace(-3, 3, features)
    coef = rng.standard_normal(features) / (np.logspace(-3, 3, features) if kind == "wide" else 1)
    y = X @ coef + 3.0 + rng.standard_normal(rows)
    return X, y


def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def reset_peak():
    """Reset the kernel's high-water mark of this process's memory (Linux: VmHWM)."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def peak_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def r2(y, y_pred):
    return 1.0 - np.sum((y - y_pred) ** 2) / np.sum((y - y.mean()) ** 2)


# --- the methods: each returns (fit seconds, final r2, seconds to target or None, note)

def m_linear_regression(X, y, ref):
    from sklearn.linear_model import LinearRegression

    t = time.perf_counter()
    model = LinearRegression().fit(X, y)
    dt = time.perf_counter() - t
    score = r2(y, model.predict(X))
    return dt, score, dt if score >= ref - TARGET else None, ""


def m_ridge(X, y, ref):
    from sklearn.linear_model import Ridge

    t = time.perf_counter()
    model = Ridge(alpha=1e-10, solver="cholesky").fit(X, y)
    dt = time.perf_counter() - t
    score = r2(y, model.predict(X))
    return dt, score, dt if score >= ref - TARGET else None, "cholesky, alpha 1e-10"


def m_normal_equations(X, y, ref):
    t = time.perf_counter()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    W = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    dt = time.perf_counter() - t
    score = r2(y, X @ W + (y.mean() - X.mean(axis=0) @ W))
    return dt, score, dt if score >= ref - TARGET else None, "centred, np.linalg.solve"


def _iterate(step, predict, y, ref, max_epochs, budget):
    """Run ``step`` epoch by epoch; time only the steps; stop at the target or the budget."""
    spent, reached, score = 0.0, None, float("nan")
    for epoch in range(max_epochs):
        t = time.perf_counter()
        step()
        spent += time.perf_counter() - t
        score = r2(y, predict())
        if score >= ref - TARGET:
            reached = spent
            break
        if spent > budget:
            break
    return spent, score, reached, f"{epoch + 1} epochs"


def m_sgd(X, y, ref, budget=30.0):
    from sklearn.linear_model import SGDRegressor
    from sklearn.preprocessing import StandardScaler

    t = time.perf_counter()
    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    setup = time.perf_counter() - t
    model = SGDRegressor(alpha=0.0, penalty=None, tol=None, random_state=0)
    spent, score, reached, note = _iterate(lambda: model.partial_fit(Xs, y), lambda: model.predict(Xs),
                                           y, ref, 1000, budget)
    return spent + setup, score, None if reached is None else reached + setup, "standardised, " + note


def m_torch(X, y, ref, budget=30.0):
    import torch

    t = time.perf_counter()
    Xt = torch.from_numpy(X)
    mu, sd = Xt.mean(0), Xt.std(0)
    Xs = (Xt - mu) / sd
    yt = torch.from_numpy(y)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.5, momentum=0.9, nesterov=True)
    setup = time.perf_counter() - t

    def step():
        opt.zero_grad()
        loss = 0.5 * torch.mean((Xs @ w + b - yt) ** 2)
        loss.backward()
        opt.step()

    def predict():
        with torch.no_grad():
            return (Xs @ w + b).numpy()

    spent, score, reached, note = _iterate(step, predict, y, ref, 5000, budget)
    return spent + setup, score, None if reached is None else reached + setup, \
        f"full batch, Nesterov, standardised, {note}"


def m_descentlab(X, y, ref, solver="auto"):
    from descentlab.estimators.linear import GDRegressor

    t = time.perf_counter()
    model = GDRegressor(solver=solver, tol=1e-12).fit(X, y)
    dt = time.perf_counter() - t
    score = r2(y, model.predict(X))
    return dt, score, dt if score >= ref - TARGET else None, f"solver={solver}, {model.n_iter_} epochs"


def m_descentlab_gd(X, y, ref):
    return m_descentlab(X, y, ref, solver="gd")


def m_descentlab_fused(X, y, ref):
    return m_descentlab(X, y, ref, solver="fused")


METHODS = {
    "descentlab GDRegressor (auto)": m_descentlab,
    "descentlab GDRegressor (fused)": m_descentlab_fused,
    "descentlab GDRegressor (gd, readable)": m_descentlab_gd,
    "LinearRegression": m_linear_regression,
    "Ridge": m_ridge,
    "normal equations": m_normal_equations,
    "SGDRegressor": m_sgd,
    "PyTorch loop": m_torch,
}


def _child(name, rows, features, kind, ref, queue):
    X, y = make_data(rows, features, kind)
    base = rss_mb()
    reset_peak()
    try:
        out = METHODS[name](X, y, ref)
        queue.put((name, *out, max(0.0, peak_mb() - base)))
    except ImportError as exc:
        queue.put((name, None, None, None, f"skipped ({exc.name} not installed)", None))


def run_method(name, rows, features, kind, ref):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, rows, features, kind, ref, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _epoch_child(rows, features, kind, queue):
    from bench_epoch import best_of

    from descentlab.fast.moments import Moments
    from descentlab.fast.kernels import FusedLinear

    X, y = make_data(rows, features, kind)
    W = np.random.default_rng(1).standard_normal(features)
    floor = best_of(lambda: X @ W)
    fused = FusedLinear(X, y, n_threads=os.cpu_count() or 1)
    fused_s = best_of(lambda: fused.loss_grad(W, 0.0))
    moments = Moments.from_arrays(X, y)
    moments_s = best_of(lambda: moments.loss_grad(W, 0.0))
    queue.put((floor, fused_s, fused.backend, moments_s))
    fused.close()


def epoch_ratio(rows, features, kind):
    """Our full-batch epoch against one ``X @ w`` pass, on the same data, in a fresh process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_epoch_child, args=(rows, features, kind, queue))
    proc.start()
    floor, fused_s, backend, moments_s = queue.get()
    proc.join()
    print(f"one epoch: X @ w {floor * 1e3:.1f} ms; fused ({backend}) {fused_s * 1e3:.1f} ms = "
          f"{fused_s / floor:.2f} x X @ w; moments {moments_s * 1e6:.0f} us = "
          f"{moments_s / floor:.5f} x X @ w (after its one pass)")


def reference_r2(rows, features, kind):
    from sklearn.linear_model import LinearRegression

    X, y = make_data(rows, features, kind)
    return r2(y, LinearRegression().fit(X, y).predict(X))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--kinds", nargs="+", default=["well", "wide"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--floor-only", action="store_true", help="only the ratios to one X.T @ X")
    args = parser.parse_args(argv)
    import bench_floor

    bench_floor.main(["--rows", str(args.rows), "--features", str(args.features)])
    if args.floor_only:
        return
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, {platform.processor() or ''} "
          f"python {platform.python_version()}, numpy {np.__version__}")
    for kind in args.kinds:
        ref = reference_r2(args.rows, args.features, kind)
        print(f"\n{args.rows:,} x {args.features} float64, features '{kind}', "
              f"LinearRegression R^2 = {ref:.10f}")
        print(f"{'method':40s} {'fit s':>8s} {'to target s':>12s} {'R^2 - ref':>11s} {'peak MB':>8s}  note")
        for name in args.methods:
            name, dt, score, reached, note, peak = run_method(name, args.rows, args.features, kind, ref)
            if dt is None:
                print(f"{name:40s} {'':>8s} {'':>12s} {'':>11s} {'':>8s}  {note}")
                continue
            to_target = f"{reached:.3f}" if reached is not None else "not reached"
            print(f"{name:40s} {dt:8.3f} {to_target:>12s} {score - ref:11.2e} {peak:8.0f}  {note}")
        epoch_ratio(args.rows, args.features, kind)


if __name__ == "__main__":
    main()
