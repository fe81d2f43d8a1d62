"""10-class fits against LogisticRegression (lbfgs) on 200k x 20, side by side (issue 26 item 7).

``make_classification(200_000, 20, n_classes=10, n_informative=10, random_state=0)``; the
reference is scikit-learn's ``LogisticRegression()`` (lbfgs, multinomial, C=1) against
``GDClassifier()``, both with their defaults: C=1 is a penalty of 1/(2n) on 200k rows, too
small to move the log loss in its 6th digit (the table shows both). ``GDClassifier()`` trains
through the softmax fast path (:mod:`descentlab.fast.softmax`) from the start Hessian's step
(:mod:`descentlab.estimators.start_step`); ``solver="gd"``, the readable rows path at the
default step 1/L, is the row to compare it with. ``GDClassifier(penalty=
"l2", alpha=1/n)``, the same objective exactly, needs far more epochs: make_classification's
two redundant columns leave a direction whose only curvature is alpha. Warm: best of
``--repeat`` rounds, the fits run in turn within each round (each round starting one
further along), so a burst of load slows both. Cold: each fit's first call in a fresh process,
as a ratio against LogisticRegression's first call in another fresh process. Both fits must
reach the same optimum: their training log loss and accuracy are printed with the gap.

    python benchmarks/bench_multiclass.py
    python benchmarks/bench_multiclass.py --rows 50000 --blas-threads 1
"""

import argparse
import json
import os
import subprocess
import sys
import warnings

import numpy as np

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_floor import machine, side_by_side  # noqa: E402


def data(rows, features=20):
    from sklearn.datasets import make_classification

    return make_classification(rows, features, n_classes=10, n_informative=10, random_state=0)


def estimators(rows):
    """name -> a new estimator, each with its defaults."""
    from sklearn.linear_model import LogisticRegression

    from descentlab.estimators import GDClassifier

    return {"LogisticRegression": lambda: LogisticRegression(),
            "GDClassifier": lambda: GDClassifier(),
            "GDClassifier(solver='gd')": lambda: GDClassifier(solver="gd")}


def quality(est, X, y):
    from sklearn.metrics import log_loss

    return log_loss(y, est.predict_proba(X)), float(np.mean(est.predict(X) == y)), int(np.max(est.n_iter_))


COLD = """
import json, sys, time, warnings
sys.path.insert(0, {bench!r})
from bench_multiclass import data, estimators
X, y = data({rows})
t = time.perf_counter()
est = estimators({rows})[{name!r}]()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    est.fit(X, y)
print(json.dumps(time.perf_counter() - t))
"""


def cold(name, rows):
    """Seconds of the first fit (with its imports) in a fresh process."""
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = COLD.format(bench=os.path.dirname(os.path.abspath(__file__)), rows=rows, name=name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=None, help="limit the BLAS (threadpoolctl)")
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args(argv)
    if args.blas_threads:
        import scipy.linalg  # noqa: F401  # loaded first: the limit reaches SciPy's own BLAS too
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads, user_api="blas")
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)  # for the fresh processes
    print(machine())
    print(f"{args.rows:,} x 20, 10 classes; load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    X, y = data(args.rows)
    makers = estimators(args.rows)
    fitted = {}

    def fit(name):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted[name] = makers[name]().fit(X, y)

    warm = side_by_side({name: (lambda name=name: fit(name)) for name in makers}, args.repeat)
    first = {} if args.skip_cold else {name: cold(name, args.rows) for name in makers}
    ref = "LogisticRegression"
    ref_loss, ref_acc, _ = quality(fitted[ref], X, y)
    print(f"\n| estimator | warm s (best of {args.repeat}) | warm / LR | cold s | cold / LR | log loss | "
          "- LR's | accuracy | - LR's | iterations |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in makers:
        loss, acc, n_iter = quality(fitted[name], X, y)
        c = first.get(name, float("nan"))
        print(f"| {name} | {warm[name]:.3f} | {warm[name] / warm[ref]:.2f} | {c:.2f} | "
              f"{c / first.get(ref, float('nan')):.2f} | {loss:.6f} | {loss - ref_loss:.1e} | {acc:.4f} | "
              f"{acc - ref_acc:.1e} | {n_iter} |")
    print(f"(load {' '.join(f'{v:.2f}' for v in os.getloadavg())})")


if __name__ == "__main__":
    main()
