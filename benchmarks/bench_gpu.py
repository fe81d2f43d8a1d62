"""The estimators on a GPU against one ``X.T @ X`` there and against the CPU fit (issue 27).

On a CUDA machine (PyTorch or CuPy with CUDA), under scikit-learn's ``array_api_dispatch``:

* the default ``GDRegressor().fit`` of 1M x 100 and 10M x 100 rows, float32 and float64,
  against one ``X.T @ X`` on the same device (the floor: target at most 3x) and against the
  NumPy fit of the same rows on the CPU;
* one epoch of a (256, 256) ``GDNetworkRegressor`` on 1M rows (mini-batches of 200, the
  default, and the full batch), GPU against CPU (target: at least 10x faster).

Warm figures are the best of ``--repeat`` (each measured in turn with its reference, so a
burst of load slows both), cold ones the first call; every ratio is taken in this run.
Without CUDA it prints one line and exits 0. ``--namespace jax`` (or ``torch``) runs the
same table on that library's CPU arrays with small ``--rows``, to check the script::

    python benchmarks/bench_gpu.py                                  # CUDA: the full table
    python benchmarks/bench_gpu.py --namespace jax --rows 20000 --network-rows 5000
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def cuda_library():
    """``(name, xp, device, sync)`` of the first CUDA library found, or None."""
    try:
        import torch

        if torch.cuda.is_available():
            return "torch", _compat("torch"), torch.device("cuda"), torch.cuda.synchronize
    except ImportError:
        pass
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return "cupy", cupy, cupy.cuda.Device(0), lambda: cupy.cuda.Device().synchronize()
    except Exception:  # noqa: BLE001 - no CuPy, or CuPy without a driver
        pass
    return None


def cpu_library(name):
    """The same for a library's CPU arrays (to check this script without a GPU)."""
    if name == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        return "jax (CPU)", jnp, jax.devices("cpu")[0], lambda: None
    import torch

    return "torch (CPU)", _compat("torch"), torch.device("cpu"), lambda: None


def _compat(name):
    import importlib

    return importlib.import_module(f"array_api_compat.{name}")


def timed(f, sync):
    sync()
    t = time.perf_counter()
    out = f()
    sync()
    return time.perf_counter() - t, out


def side_by_side(fns, repeat, sync):
    """Best of ``repeat`` for each callable, run in turn within each round; and the first call."""
    times = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:
            times[name].append(timed(fns[name], sync)[0])
    return {name: (min(ts), ts[0]) for name, ts in times.items()}


def make_data(rows, features, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, features))
    y = X @ rng.standard_normal(features) + 3.0 + rng.standard_normal(rows)
    return X, y


def linear_rows(lib, rows, features, dtype, repeat, cpu=True):
    import sklearn

    from descentlab.estimators import GDRegressor

    name, xp, device, sync = lib
    X, y = make_data(rows, features)
    X = X.astype(dtype)
    Xd, yd = xp.asarray(X, device=device), xp.asarray(y.astype(dtype), device=device)
    with sklearn.config_context(array_api_dispatch=True):
        fns = {"floor": lambda: Xd.T @ Xd, "fit": lambda: GDRegressor().fit(Xd, yd)}
        t = side_by_side(fns, repeat, sync)
    out = {"case": f"fit {rows:,} x {features} {np.dtype(dtype).name}",
           "device s": t["fit"][0], "X.T @ X s": t["floor"][0], "fit / X.T @ X": t["fit"][0] / t["floor"][0],
           "cold fit / X.T @ X": t["fit"][1] / t["floor"][0]}
    if cpu:
        cpu_fit = min(timed(lambda: GDRegressor().fit(X, y), lambda: None)[0] for _ in range(max(1, repeat // 2)))
        out.update({"CPU s": cpu_fit, "CPU / device": cpu_fit / t["fit"][0]})
    return out


def network_rows(lib, rows, features, batch_size, repeat):
    """One epoch: the shortest time between two epochs' ends in a fit (its setup left out;
    each epoch ends with its loss on the host, so the device has finished it)."""
    import sklearn

    from descentlab.estimators import GDNetworkRegressor

    name, xp, device, sync = lib
    X, y = make_data(rows, features)
    Xd, yd = xp.asarray(X, device=device), xp.asarray(y, device=device)

    def epoch(X_, y_, dispatch):
        ends = []
        est = GDNetworkRegressor(hidden_layer_sizes=(256, 256), epochs=repeat + 1, tol=None,
                                 batch_size=batch_size)
        with sklearn.config_context(array_api_dispatch=dispatch):
            est.fit(X_, y_, callbacks=[lambda epoch, history: ends.append(time.perf_counter())])
        return min(np.diff(ends))

    device_s, cpu_s = epoch(Xd, yd, True), epoch(X, y, False)
    label = "full batch" if batch_size is None else f"batches of {batch_size}"
    return {"case": f"network (256, 256) epoch, {rows:,} x {features}, {label}",
            "device s": device_s, "CPU s": cpu_s, "CPU / device": cpu_s / device_s}


def table(rows):
    cols = ["case", "device s", "X.T @ X s", "fit / X.T @ X", "cold fit / X.T @ X", "CPU s", "CPU / device"]
    width = max(len(r["case"]) for r in rows)
    print(f"{cols[0]:<{width}}  " + "  ".join(f"{c:>18}" for c in cols[1:]))
    for r in rows:
        cells = [f"{r[c]:>18.4g}" if c in r else f"{'-':>18}" for c in cols[1:]]
        print(f"{r['case']:<{width}}  " + "  ".join(cells))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", choices=("jax", "torch"), default=None,
                        help="run on this library's CPU arrays instead of CUDA (a check of the script)")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--network-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-cpu-over", type=int, default=10_000_000,
                        help="skip the CPU linear fit from this many rows (its time, not the GPU's)")
    args = parser.parse_args(argv)
    lib = cpu_library(args.namespace) if args.namespace else cuda_library()
    if lib is None:
        print("bench_gpu: no CUDA device (neither PyTorch nor CuPy with CUDA): nothing measured")
        return 0
    sys.path.insert(0, SRC)
    os.environ.setdefault("SCIPY_ARRAY_API", "1")
    warnings.filterwarnings("ignore", category=UserWarning)
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    print(f"device: {lib[0]} {lib[2]}; {os.cpu_count()} CPU cores; python {platform.python_version()}, "
          f"numpy {np.__version__}")
    rows = []
    for n in args.rows:
        for dtype in (np.float32, np.float64):
            rows.append(linear_rows(lib, n, args.features, dtype, args.repeat, cpu=n < args.no_cpu_over))
    for batch_size in (200, None):
        rows.append(network_rows(lib, args.network_rows, args.features, batch_size, max(2, args.repeat // 2)))
    table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
