"""The cost of one full-batch epoch against the memory floor, and the small-run overhead.

    python benchmarks/bench_epoch.py              # 1,000,000 x 100
    python benchmarks/bench_epoch.py --rows 200000

Table 1: one epoch (loss and gradient at the current parameters) of each path, in ms and
as a ratio to one ``X @ w`` pass, the floor (every epoch must read X at least once).
Table 2: the per-epoch overhead of the training loop on the article's data (160 x 1),
and where ``descentlab tutorial`` spends its time: training or drawing.
"""

import argparse
import io
import os
import platform
import time

import numpy as np


def best_of(fn, repeat=7):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def epoch_table(rows, features):
    from descentlab.fast.moments import Moments
    from descentlab.fast.kernels import FusedLinear
    from descentlab.core.losses import MeanSquaredError
    from descentlab.core.models import LinearModel

    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features))
    y = rng.standard_normal(rows)
    W = rng.standard_normal(features)
    floor = best_of(lambda: X @ W)
    X32 = X.astype(np.float32)
    floor32 = best_of(lambda: X32 @ W.astype(np.float32))

    model = LinearModel(features)
    model.params["W"][...] = W
    mse = MeanSquaredError()

    def readable():
        y_pred = model.forward(X)
        mse.loss(y, y_pred)
        model.backward(mse.grad(y, y_pred))

    numpy_fused = FusedLinear(X, y, n_threads=os.cpu_count() or 1, backend="numpy")
    fused = FusedLinear(X, y, n_threads=os.cpu_count() or 1)
    fused32 = FusedLinear(X32, y, n_threads=os.cpu_count() or 1)
    t = time.perf_counter()
    moments = Moments.from_arrays(X, y)
    moments_pass = time.perf_counter() - t
    rows_out = [
        ("X @ w (float64), the floor", floor),
        ("readable: forward, loss, backward", best_of(readable)),
        ("fused, float64 (numpy blocks)", best_of(lambda: numpy_fused.loss_grad(W, 0.0))),
        ("fused, float64 (" + fused.backend + ")", best_of(lambda: fused.loss_grad(W, 0.0))),
        ("fused, float32 data (" + fused32.backend + ")", best_of(lambda: fused32.loss_grad(W, 0.0))),
        ("moments: one epoch after the pass", best_of(lambda: moments.loss_grad(W, 0.0))),
        ("moments: the one pass itself", moments_pass),
    ]
    print(f"\nOne epoch at {rows:,} x {features} (best of 7); X @ w on float32 data: "
          f"{floor32 * 1e3:.1f} ms")
    print(f"{'path':40s} {'ms':>9s} {'x floor':>8s}")
    for name, secs in rows_out:
        print(f"{name:40s} {secs * 1e3:9.3f} {secs / floor:8.2f}")
    for f in (numpy_fused, fused, fused32):
        f.close()


def small_table():
    import descentlab as dl
    from descentlab.data.synthetic import make_article_data, split

    data = make_article_data()
    X_train, _, y_train, _ = split(data.X, data.y)
    epochs = 2000

    def fit():
        dl.train(dl.LinearModel(1), X_train, y_train, optimizer=dl.GradientDescent(0.05), epochs=epochs)

    per_epoch = best_of(fit, 3) / epochs
    t = time.perf_counter()
    result = dl.run_tutorial(log=None)
    run_s = time.perf_counter() - t
    import matplotlib

    matplotlib.use("Agg")
    from descentlab.viz.article import epoch_figure

    t = time.perf_counter()
    for epoch in result.logged_epochs():
        epoch_figure(result.history, result.X_train, result.y_train, epoch).savefig(io.BytesIO(), format="png")
    draw_s = time.perf_counter() - t
    train_s = best_of(lambda: dl.train(dl.LinearModel(1), X_train, y_train, epochs=61), 5)
    print("\nSmall runs: the article's data (160 x 1)")
    print(f"{'what':52s} {'time':>12s}")
    print(f"{'one epoch of the training loop (mean of 2000)':52s} {per_epoch * 1e6:9.1f} us")
    print(f"{'training, 61 epochs':52s} {train_s * 1e3:9.2f} ms")
    print(f"{'run_tutorial (data, split, train, metrics)':52s} {run_s * 1e3:9.1f} ms")
    print(f"{'drawing the 7 epoch figures':52s} {draw_s * 1e3:9.1f} ms")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"numpy {np.__version__}")
    epoch_table(args.rows, args.features)
    small_table()


if __name__ == "__main__":
    main()
