"""Networks against scikit-learn's: time to reach ``MLPRegressor``'s/``MLPClassifier``'s score.

Both sides run with their defaults and the same hidden layers (32, 32): scikit-learn's
Adam on mini-batches of ``min(200, n)`` rows at rate 0.001, descentlab's on mini-batches
of 200 rows at rate 0.003 (``batch_size=200``, ``lr=None``). For each: the wall time of
``fit`` (best of ``--repeats``), epochs, the score it ends with (R^2 or accuracy on the
training rows), and, for descentlab, the time at which it first reached the MLP's final
score (checked after each epoch; the checking time is left out). descentlab's runs with
``early_stopping=False``, on every row like the MLP's default (its "auto" default holds 10%
of 1,000 rows or more out, and stops for the held-out score, not the training score).

    python benchmarks/bench_networks.py              # 20,000 rows, best of 3
    python benchmarks/bench_networks.py --rows 5000  # quicker

Data: regression on ``sum(sin(x_j))`` of 4 uniform features plus noise; classification
of 3 classes from ``make_classification`` (10 features).
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np


def regression(rows, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (rows, 4))
    return X, np.sin(X).sum(axis=1) + 0.1 * rng.normal(size=rows)


def classification(rows, seed=0):
    from sklearn.datasets import make_classification

    return make_classification(rows, n_features=10, n_informative=6, n_redundant=0, n_classes=3,
                               class_sep=1.5, random_state=seed)


def _probe(cls):
    """A subclass that keeps the network it trains, so a callback can score it each epoch."""

    class Probe(cls):
        def _build_model(self, n_features, rng):
            self._net = super()._build_model(n_features, rng)
            return self._net

    Probe.__name__ = cls.__name__
    return Probe


def time_to_score(est, X, y, target, regress):
    """Fit ``est``; return (seconds, seconds to first reach ``target`` or None)."""
    from descentlab.core.scaling import standardize

    Z, _, _ = standardize(X)
    y_mean, y_scale = (y.mean(), y.std()) if regress else (0.0, 1.0)
    state = {"spent": 0.0, "reached": None, "start": 0.0}

    def check(epoch, history):
        t0 = time.perf_counter()
        out = est._net.predict(Z)
        if regress:
            pred = out * y_scale + y_mean
            score = 1 - np.mean((y - pred) ** 2) / np.var(y)
        else:
            labels = (out > 0).astype(int) if out.ndim == 1 else out.argmax(axis=1)
            score = np.mean(np.unique(y)[labels] == y)
        if state["reached"] is None and score >= target:
            state["reached"] = t0 - state["start"] - state["spent"]
        state["spent"] += time.perf_counter() - t0

    state["start"] = time.perf_counter()
    est.fit(X, y, callbacks=[check])
    return time.perf_counter() - state["start"] - state["spent"], state["reached"]


def run(task, rows, repeats):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

    regress = task == "regression"
    X, y = (regression if regress else classification)(rows)
    mlp_cls, gd_cls = (MLPRegressor, GDNetworkRegressor) if regress else (MLPClassifier, GDNetworkClassifier)
    mlp_times, gd_times, reach = [], [], []
    for _ in range(repeats):
        mlp = mlp_cls(hidden_layer_sizes=(32, 32), random_state=0)
        t0 = time.perf_counter()
        mlp.fit(X, y)
        mlp_times.append(time.perf_counter() - t0)
        target = mlp.score(X, y)
        # on every row, as the MLP's default: this times the descent to a training score
        # (the default early_stopping="auto" holds 10% out and stops for the test score)
        gd = _probe(gd_cls)(hidden_layer_sizes=(32, 32), random_state=0, early_stopping=False)
        seconds, reached = time_to_score(gd, X, y, target, regress)
        gd_times.append(seconds)
        reach.append(np.inf if reached is None else reached)
    metric = "R^2" if regress else "accuracy"
    print(f"\n{task}: {rows} rows x {X.shape[1]} features, hidden (32, 32), best of {repeats}")
    print(f"| estimator | fit time (s) | epochs | {metric} | time to reach the MLP's {metric} (s) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| {mlp_cls.__name__} | {min(mlp_times):.2f} | {mlp.n_iter_} | {target:.4f} | {min(mlp_times):.2f} |")
    best = min(reach)
    shown = "not reached" if not np.isfinite(best) else f"{best:.2f}"
    print(f"| {gd_cls.__name__} | {min(gd_times):.2f} | {gd.n_iter_} | {gd.score(X, y):.4f} | {shown} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--task", choices=("regression", "classification", "both"), default="both")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # ConvergenceWarnings of either side's budget
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, load {os.getloadavg()[0]:.2f}")
    for task in ("regression", "classification") if args.task == "both" else (args.task,):
        run(task, args.rows, args.repeats)


if __name__ == "__main__":
    main()
