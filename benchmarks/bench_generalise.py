"""Network defaults on noisy labels: test log loss and accuracy against MLPClassifier, one run.

Issue 26 item 3: ``make_classification(30000, 20, n_informative=8, flip_y=0.05)`` (seed 0,
a quarter held out for the test), and a 5-class tanh problem. Rows: scikit-learn's
``MLPClassifier`` with its defaults; ``GDNetworkClassifier`` with its defaults; and with
``early_stopping=True`` (a tenth of the training rows held out, the best epoch kept).

    python benchmarks/bench_generalise.py               # 30,000 rows
    python benchmarks/bench_generalise.py --rows 10000  # quicker
"""

import argparse
import os
import time
import warnings

from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from descentlab.estimators import GDNetworkClassifier


def measure(name, est, data):
    Xtr, Xte, ytr, yte = data
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(Xtr, ytr)
    seconds = time.perf_counter() - t0
    epochs = getattr(est, "n_iter_", "")
    print(f"| {name} | {log_loss(yte, est.predict_proba(Xte)):.4f} | {est.score(Xte, yte):.4f} | "
          f"{epochs} | {seconds:.1f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}; {args.rows} rows, seed 0, a quarter held out")
    cases = {"noisy binary (flip_y=0.05)": dict(n_features=20, n_informative=8, flip_y=0.05),
             "5 classes, tanh": dict(n_features=20, n_informative=8, n_classes=5, flip_y=0.05)}
    for title, kwargs in cases.items():
        X, y = make_classification(args.rows, random_state=0, **kwargs)
        data = train_test_split(X, y, test_size=0.25, random_state=0)
        print(f"\n{title}\n| estimator | test log loss | test accuracy | epochs | seconds |")
        print("| --- | --- | --- | --- | --- |")
        measure("MLPClassifier() (scikit-learn defaults)", MLPClassifier(random_state=0), data)
        measure("GDNetworkClassifier(early_stopping=True)", GDNetworkClassifier(early_stopping=True), data)
        measure("GDNetworkClassifier() (defaults)", GDNetworkClassifier(), data)


if __name__ == "__main__":
    main()
