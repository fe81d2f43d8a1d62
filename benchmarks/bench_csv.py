"""Reading a CSV file: descentlab's reader against ``pandas.read_csv``, in one run.

Writes a 200,000 x 11 file of floats (10 features and a target, Python's ``repr``, about
40 MB) to a temporary folder and times, best of ``--repeats``: ``pandas.read_csv`` with its
defaults; what ``descentlab fit`` spends reading (:func:`descentlab.data.csvfile.read_csv`
then :func:`check_fit_data`), on the fast path (pandas' parser, checked as a whole); and
the cell-by-cell reader it falls back to (once: it is slow).

    python benchmarks/bench_csv.py                  # 200,000 rows
    python benchmarks/bench_csv.py --rows 50000     # quicker

Each of descentlab's readings runs in turn with ``pandas.read_csv`` on the same file
(ours, pandas, ours, ...), so that a change of load on a shared machine falls on both.

The target of issue 14: the fast path within 1.5 times ``pandas.read_csv``; of issue 26:
the same for a file with one empty cell (refused, naming its line and column) and for a
text target.
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


def side_by_side(ours, theirs, repeats):
    """``(ours, pandas)``: best wall-clock seconds and best CPU seconds (all threads; steadier
    than the wall clock on a loaded machine) of ``repeats`` runs each, the two run in turn
    (ours, pandas, ours, ...) so that a change of load falls on both."""
    wall: tuple[list[float], list[float]] = ([], [])
    cpu: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for k, fn in enumerate((ours, theirs)):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    return (min(wall[0]), min(cpu[0])), (min(wall[1]), min(cpu[1]))


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
    parser.add_argument("--repeats", type=int, default=5)
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

        t_gap, t_pandas_gap = side_by_side(gap_reading, lambda: pd.read_csv(gap), args.repeats)
        t_label, t_pandas_label = side_by_side(label_reading, lambda: pd.read_csv(labelled), args.repeats)
        fast = read_csv(path, target="y")
        t_fast, t_pandas = side_by_side(fit_reading, lambda: pd.read_csv(path), args.repeats)
        t_slow = best(cell_by_cell, 1)
        df = pd.read_csv(path)
        same = np.array_equal(fast.X, df.drop(columns="y").to_numpy()) and np.array_equal(fast.y, df["y"])
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"\n{args.rows} rows x 11 columns ({size:.1f} MB), best of {args.repeats}, each side by side "
          "with pandas.read_csv on the same file")
    print("| reader | seconds | x pandas.read_csv | CPU seconds | CPU x pandas |")
    print("| --- | --- | --- | --- | --- |")
    rows = [("pandas.read_csv (defaults)", t_pandas, t_pandas),
            ("descentlab fit's reading (fast path + checks)", t_fast, t_pandas),
            ("one missing cell: the error naming it (fast path)", t_gap, t_pandas_gap),
            ("a text target (labels, fast path + checks)", t_label, t_pandas_label)]
    for name, (wall, cpu), (pd_wall, pd_cpu) in rows:
        print(f"| {name} | {wall:.3f} | {wall / pd_wall:.2f} | {cpu:.3f} | {cpu / pd_cpu:.2f} |")
    print(f"| cell-by-cell reader (fallback, 1 run) | {t_slow:.3f} | {t_slow / t_pandas[0]:.2f} | | |")
    print(f"\nsame values as pandas: {same}")


if __name__ == "__main__":
    main()
