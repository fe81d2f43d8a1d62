"""Sparse (CSR) fits against the dense fit of the same numbers, and a CSR too large to densify.

    python benchmarks/bench_sparse.py [--repeat 3] [--big]

Side by side in one run: ``GDRegressor`` (moments from sparse products, and ``solver="gd"``)
and ``GDClassifier`` on a 20,000 x 1,000 matrix at density 1e-3, fitted from CSR and from
the dense array. Times are cold (the first fit) and warm (the best of ``--repeat``); the
ratio is CSR / dense. The peak is tracemalloc's during one CSR fit. ``--big`` adds a
200,000 x 50,000 CSR at density 1e-4 (80 GB dense), fitted for 30 epochs. Not part of
the test run.
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp

from descentlab.estimators import GDClassifier, GDRegressor


def random_csr(n, d, nnz, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.csr_matrix((rng.standard_normal(nnz), (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d))
    return X, X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)


def timed(make, X, y, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        make().fit(X, y)
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def peak_mb(make, X, y):
    tracemalloc.start()
    try:
        make().fit(X, y)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # fixed epoch budgets: convergence is not the question
    X, y = random_csr(20_000, 1_000, 20_000)
    Xd = X.toarray()
    cases = [("GDRegressor (moments)", lambda: GDRegressor(epochs=200), y),
             ("GDRegressor (gd)", lambda: GDRegressor(solver="gd", epochs=200, tol=None), y),
             ("GDClassifier", lambda: GDClassifier(epochs=200, tol=None), y > 0)]
    print(f"20,000 x 1,000, density 1e-3 (dense {Xd.nbytes / 1e6:.0f} MB, CSR "
          f"{(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 1e6:.1f} MB)")
    print(f"{'estimator':24} {'CSR cold':>9} {'CSR warm':>9} {'dense cold':>10} {'dense warm':>10} "
          f"{'ratio warm':>10} {'CSR peak MB':>11}")
    for name, make, target in cases:
        sc, sw = timed(make, X, target, args.repeat)
        dc, dw = timed(make, Xd, target, args.repeat)
        print(f"{name:24} {sc:9.3f} {sw:9.3f} {dc:10.3f} {dw:10.3f} {sw / dw:10.2f} "
              f"{peak_mb(make, X, target):11.1f}")
    if args.big:
        X, y = random_csr(200_000, 50_000, 1_000_000)
        print(f"\n200,000 x 50,000, density 1e-4 (dense {200_000 * 50_000 * 8 / 1e9:.0f} GB)")
        for name, make, target in [("GDRegressor", lambda: GDRegressor(epochs=30), y),
                                   ("GDClassifier", lambda: GDClassifier(epochs=30), y > 0)]:
            start = time.perf_counter()
            peak = peak_mb(make, X, target)
            print(f"{name:24} fit {time.perf_counter() - start:7.2f} s   peak {peak:7.1f} MB")


if __name__ == "__main__":
    main()
