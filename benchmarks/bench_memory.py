"""Fitting data larger than memory: a float32 .npy file streamed in blocks.

    python benchmarks/bench_memory.py                  # 4 GB: 10,000,000 x 100 float32
    python benchmarks/bench_memory.py --rows 1000000   # 0.4 GB, quicker

Writes the file (once, in blocks, seeded) into --dir, then fits ``GDRegressor`` on it in a
fresh process per source and prints the time and the peak resident memory of that
process (``ru_maxrss``): streamed with :class:`descentlab.data.blocks.NpyRows`, and passed as a
NumPy memmap (which descentlab reads through its file in blocks rather than touching the
mapping, whose pages would otherwise count as the process's memory). The coefficients are
checked against the generating ones.
"""

import argparse
import multiprocessing as mp
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np


def write_file(path, rows, features, block=250_000, seed=0):
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=features)
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
              "fortran_order": False, "shape": (rows, features)}
    y = np.empty(rows)
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_2_0(fh, header)
        for start in range(0, rows, block):
            n = min(block, rows - start)
            Xb = rng.standard_normal((n, features), dtype=np.float32)
            Xb.tofile(fh)
            y[start:start + n] = Xb.astype(np.float64) @ coef + 1.0 + rng.standard_normal(n)
    np.save(path.with_suffix(".y.npy"), y)
    return coef


def _fit(path, source, queue):
    from descentlab.data.blocks import NpyRows
    from descentlab.estimators.linear import GDRegressor

    y = np.load(path.with_suffix(".y.npy"))
    X = NpyRows(path) if source == "NpyRows" else np.load(path, mmap_mode="r")
    t = time.perf_counter()
    model = GDRegressor(tol=1e-12).fit(X, y)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((dt, peak, model.coef_, model.n_iter_, y.nbytes / 2**20))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--keep", action="store_true", help="keep the data file")
    args = parser.parse_args(argv)
    path = Path(args.dir) / f"descentlab-bench-{args.rows}x{args.features}.npy"
    t = time.perf_counter()
    coef = write_file(path, args.rows, args.features)
    size = path.stat().st_size / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; numpy {np.__version__}")
    print(f"data: {args.rows:,} x {args.features} float32 = {size:.2f} GiB on disk "
          f"(written in {time.perf_counter() - t:.1f} s); y float64 in memory")
    print(f"{'source':10s} {'fit s':>7s} {'epochs':>7s} {'peak RSS MiB':>13s} {'of which y':>11s} {'max |coef err|':>15s}")
    ctx = mp.get_context("spawn")
    try:
        for source in ("NpyRows", "memmap"):
            queue = ctx.Queue()
            proc = ctx.Process(target=_fit, args=(path, source, queue))
            proc.start()
            dt, peak, got, epochs, y_mb = queue.get()
            proc.join()
            print(f"{source:10s} {dt:7.2f} {epochs:7d} {peak:13.0f} {y_mb:11.0f} "
                  f"{np.max(np.abs(got - coef)):15.2e}")
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            path.with_suffix(".y.npy").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
