"""Reading a CSV file: descentlab's reader against ``pandas.read_csv``, in one run.

Writes a 200,000 x 11 file of floats (10 features and a target, Python's ``repr``, about
40 MB) to a temporary folder and times, best of ``--repeats``: ``pandas.read_csv`` with its
defaults; what ``descentlab fit`` spends reading (:func:`descentlab.data.csvfile.read_csv`
then :func:`check_fit_data`), on the fast path (pandas' parser, checked as a whole); and
the cell-by-cell reader it falls back to (once: it is slow).

    python benchmarks/bench_csv.py                  # 200,000 rows
    python benchmarks/bench_csv.py --rows 50000     # quicker

The target of issue 14: the fast path within 1.5 times ``pandas.read_csv``.
"""

import argparse
import os
import platform
import tempfile
import time

import numpy as np


def write_file(path, rows, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 11)) * np.logspace(-2, 3, 11)
    names = [f"x{j}" for j in range(10)] + ["y"]
    with open(path, "w") as fh:
        fh.write(",".join(names) + "\n")
        for row in X:
            fh.write(",".join(map(repr, row.tolist())) + "\n")


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    import descentlab.data.fastcsv as fastcsv
    from descentlab.data.csvfile import check_fit_data, read_csv

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.csv")
        write_file(path, args.rows)
        size = os.path.getsize(path) / 2**20

        def fit_reading():
            check_fit_data(read_csv(path, target="y"))

        def cell_by_cell():
            real, fastcsv.read_fast = fastcsv.read_fast, lambda *a: None
            try:
                check_fit_data(read_csv(path, target="y"))
            finally:
                fastcsv.read_fast = real

        gap = os.path.join(folder, "gap.csv")  # issue 26: one empty cell, 3/4 of the way down
        with open(path) as src, open(gap, "w") as dst:
            for i, line in enumerate(src):
                cells = line.split(",")
                if i == 3 * args.rows // 4:
                    cells[3] = ""
                dst.write(",".join(cells))
        labelled = os.path.join(folder, "labels.csv")  # a text target
        with open(path) as src, open(labelled, "w") as dst:
            for i, line in enumerate(src):
                head, _, value = line.rstrip("\n").rpartition(",")
                dst.write(line if i == 0 else f"{head},{'high' if float(value) > 0 else 'low'}\n")

        def gap_reading():
            from descentlab.errors import DescentlabError

            try:
                read_csv(gap, target="y")
            except DescentlabError as exc:
                assert "missing value at line" in str(exc), exc

        def label_reading():
            check_fit_data(read_csv(labelled, target="y", labels=True))

        t_gap = best(gap_reading, args.repeats)
        t_pandas_gap = best(lambda: pd.read_csv(gap), args.repeats)
        t_label = best(label_reading, args.repeats)
        t_pandas_label = best(lambda: pd.read_csv(labelled), args.repeats)
        fast, slow = read_csv(path, target="y"), None
        t_pandas = best(lambda: pd.read_csv(path), args.repeats)
        t_fast = best(fit_reading, args.repeats)
        t_slow = best(cell_by_cell, 1)
        df = pd.read_csv(path)
        same = np.array_equal(fast.X, df.drop(columns="y").to_numpy()) and np.array_equal(fast.y, df["y"])
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"\n{args.rows} rows x 11 columns ({size:.1f} MB), best of {args.repeats}")
    print("| reader | seconds | x pandas.read_csv |")
    print("| --- | --- | --- |")
    for name, t in [("pandas.read_csv (defaults)", t_pandas),
                    ("descentlab fit's reading (fast path + checks)", t_fast),
                    ("cell-by-cell reader (fallback, 1 run)", t_slow)]:
        print(f"| {name} | {t:.3f} | {t / t_pandas:.2f} |")
    print(f"| one missing cell: the error naming it (fast path) | {t_gap:.3f} | {t_gap / t_pandas_gap:.2f} "
          f"(x pandas on that file) |")
    print(f"| a text target (labels) | {t_label:.3f} | {t_label / t_pandas_label:.2f} (x pandas on that file) |")
    print(f"\nsame values as pandas: {same}")


if __name__ == "__main__":
    main()
