"""Logistic regression beyond one process: time per epoch and the client's peak memory.

    python benchmarks/bench_distributed.py                   # 12,500,000 x 20 float64, 2.0 GB
    python benchmarks/bench_distributed.py --rows 500000     # 80 MB, quick

``GDClassifier(epochs=E, tol=None)`` fits the same kind of data (standard normal features
with scales and offsets, labels from a noisy linear rule), each case in a fresh process:

* ``in-memory``: an ndarray made in the client (the readable path, ``Z`` standardised whole);
* ``memmap``: a ``.npy`` file opened with ``np.load(mmap_mode="r")``, read a block of rows
  at a time in the client (:class:`descentlab.fast.blockwise.ArrayBlocks`);
* ``dask, k workers``: a Dask array generated on the workers of a real cluster started
  here as ``dask scheduler`` and ``dask worker --nworkers k --nthreads 1`` on 127.0.0.1;
  each epoch one reduction there (:mod:`descentlab.fast.distributed`).

Prints, per case: the seconds per epoch (median of the epochs after the first), the
setup before the first epoch (statistics, curvature; for Dask also generating and
persisting the chunks), and the client's peak resident memory (``ru_maxrss``, the whole
process: Python, NumPy, Dask and, in memory, the data).
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SCALES, OFFSETS, BLOCK = 1.0 + np.arange(64) % 7, np.arange(64) % 5 - 2.0, 250_000


def make_block(k, rows, features):
    """Rows ``k*BLOCK ...``: features, and labels from a noisy linear rule (seeded by ``k``)."""
    rng = np.random.default_rng(k)
    X = rng.standard_normal((rows, features)) * SCALES[:features] + OFFSETS[:features]
    w = np.cos(np.arange(features))
    y = ((X - OFFSETS[:features]) / SCALES[:features] @ w + rng.standard_normal(rows) > 0).astype(np.int8)
    return X, y


def _block_X(block, features, block_info=None):
    k = block_info[None]["chunk-location"][0]
    return make_block(k, block.shape[0], features)[0]


def _labels(X):
    w = np.cos(np.arange(X.shape[1]))
    z = (X - OFFSETS[:X.shape[1]]) / SCALES[:X.shape[1]] @ w
    return (z + np.random.default_rng(int(abs(X[0, 0]) * 1e6)).standard_normal(X.shape[0]) > 0).astype(np.int8)


def data_in_memory(rows, features):
    parts = [make_block(k, min(BLOCK, rows - s), features) for k, s in enumerate(range(0, rows, BLOCK))]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def write_npy(folder, rows, features):
    header = {"descr": "<f8", "fortran_order": False, "shape": (rows, features)}
    y = np.lib.format.open_memmap(folder / "y.npy", mode="w+", dtype=np.int8, shape=(rows,))
    with open(folder / "X.npy", "wb") as fh:
        np.lib.format.write_array_header_2_0(fh, header)
        for k, start in enumerate(range(0, rows, BLOCK)):
            Xb, yb = make_block(k, min(BLOCK, rows - start), features)
            Xb.tofile(fh)
            y[start:start + len(yb)] = yb
    y.flush()


def run_case(case, rows, features, epochs, folder, scheduler_file):
    from descentlab.estimators.linear import GDClassifier

    client = None
    if case == "in-memory":
        X, y = data_in_memory(rows, features)
    elif case == "memmap":
        X, y = np.load(folder / "X.npy", mmap_mode="r"), np.load(folder / "y.npy", mmap_mode="r")
    else:
        import dask.array as da
        from distributed import Client

        client = Client(scheduler_file=str(scheduler_file), timeout=30)
        template = da.zeros((rows, features), chunks=(BLOCK, features))
        X = template.map_blocks(_block_X, features, dtype=float)  # made on the workers
        y = X.map_blocks(_labels, drop_axis=1, dtype=np.int8)
    stamps = []
    start = time.perf_counter()
    est = GDClassifier(epochs=epochs, tol=None).fit(X, y, callbacks=[lambda e, h: stamps.append(time.perf_counter())])
    per_epoch = float(np.median(np.diff(stamps)))
    result = {"case": case, "epoch_s": per_epoch, "setup_s": stamps[0] - start - per_epoch,
              "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "coef0": float(est.coef_[0])}
    if client is not None:
        client.close()
    print(json.dumps(result))


class Cluster:
    """``dask scheduler`` and ``dask worker --nworkers k`` as processes, on 127.0.0.1."""

    def __init__(self, workers, folder, memory_limit):
        dask = str(Path(sys.executable).with_name("dask"))
        self.file = folder / f"scheduler-{workers}.json"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                        "--no-dashboard", "--scheduler-file", str(self.file)], **quiet)]
        while not self.file.exists():
            time.sleep(0.2)
        self.procs.append(subprocess.Popen(
            [dask, "worker", "--scheduler-file", str(self.file), "--nworkers", str(workers),
             "--nthreads", "1", "--memory-limit", memory_limit, "--host", "127.0.0.1",
             "--no-dashboard"], **quiet))
        from distributed import Client

        with Client(scheduler_file=str(self.file), timeout=60) as c:
            c.wait_for_workers(workers, timeout=120)

    def close(self):
        for p in reversed(self.procs):
            p.terminate()
            p.wait(timeout=60)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=12_500_000)
    p.add_argument("--features", type=int, default=20)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--memory-limit", default="6GB", help="per dask worker")
    p.add_argument("--case", help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--scheduler-file", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.case:
        return run_case(args.case, args.rows, args.features, args.epochs, Path(args.dir or "."),
                        args.scheduler_file)
    gb = args.rows * args.features * 8 / 1e9
    print(f"{args.rows:,} x {args.features} float64 ({gb:.2f} GB), {args.epochs} epochs; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_npy(folder, args.rows, args.features)
        base = [sys.executable, __file__, "--rows", str(args.rows), "--features", str(args.features),
                "--epochs", str(args.epochs), "--dir", tmp]
        for case in ("in-memory", "memmap"):
            rows.append(json.loads(subprocess.check_output(base + ["--case", case]).splitlines()[-1]))
        for workers in (1, 2):
            cluster = Cluster(workers, folder, args.memory_limit)
            try:
                out = subprocess.check_output(base + ["--case", f"dask, {workers} worker" + "s" * (workers > 1),
                                                      "--scheduler-file", str(cluster.file)])
                rows.append(json.loads(out.splitlines()[-1]))
            finally:
                cluster.close()
    print("\n| data | workers | s per epoch | setup s | client peak RSS MiB |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        where = r["case"].split(", ")[1] if r["case"].startswith("dask") else "none (in the client)"
        what = "Dask array, made on the workers" if r["case"].startswith("dask") else r["case"]
        print(f"| {what} | {where} | {r['epoch_s']:.3f} | {r['setup_s']:.2f} | {r['peak_mib']:.0f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
