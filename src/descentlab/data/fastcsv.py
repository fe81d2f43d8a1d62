"""The fast path of :func:`descentlab.data.csvfile.read_csv`: pandas' C parser, checked as a whole.

pandas (an optional dependency, the ``csv`` extra) parses the file in one pass with the
numeric columns typed as floats. Its result is taken only when nothing could differ from
the cell-by-cell reader: every feature (and numeric target) came out a finite float,
every label is present, and the file has one line per row, so the line numbers are
known (blank lines are kept, and then fail as numbers; no cell spans lines). Otherwise, or when pandas is missing or refuses
the file, :func:`read_fast` returns None and the cell-by-cell reader runs, which names
the line and column of the first problem.
"""

import csv
import warnings

import numpy as np


def first_row(path, delimiter):
    """The first non-blank row of the file, read with the csv module (``[]`` when none)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter=delimiter, strict=True):
            if any(cell.strip() for cell in row):
                return row
    return []


def read_fast(path, header, raw_header, features, target, labels, delimiter, missing):
    """``(X, y, lines)`` parsed by pandas, or None to fall back to the cell-by-cell reader.

    Parameters
    ----------
    path : str
    header, raw_header : list of str
        The checked header (names stripped) and the same names as the file has them
        (:func:`first_row`).
    features : list of str
    target : str or None
    labels : bool
        Keep the target as text labels.
    delimiter : str
    missing : set of str
        Lower-case cells that mean a missing label.
    """
    try:
        import pandas as pd
    except ImportError:
        return None
    try:
        raw_names = dict(zip(header, raw_header, strict=False))  # pandas keeps the names unstripped
        dtype = {raw_names[name]: float for name in features}
        if target is not None:
            dtype[raw_names[target]] = str if labels else float
        # every column and index_col=False, warnings as errors: a row with more cells than
        # the header is then refused, never read as an index or cut short
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            frame = pd.read_csv(path, sep=delimiter, header=0, index_col=False, dtype=dtype,
                                na_filter=False, skip_blank_lines=False, encoding="utf-8-sig",
                                engine="c")
        if len(frame.columns) != len(header):
            return None
        frame.columns = header
    except Exception:  # anything pandas refuses, the cell-by-cell reader explains
        return None
    n_rows = len(frame)
    text = [name for name in frame.columns if frame[name].dtype.kind not in "biuf"]
    if n_rows == 0 or any(frame[name].str.contains("\n", regex=False).any() for name in text):
        return None  # no rows, or a quoted cell over several lines: the line numbers would shift
    X = np.ascontiguousarray(frame[features].to_numpy(dtype=float))  # C order, as the old reader
    if not np.all(np.isfinite(X)):
        return None
    y = None
    if target is not None and labels:
        cells = frame[target].str.strip()
        if cells.str.lower().isin(missing).any():
            return None
        y = cells.to_numpy(dtype=object)
    elif target is not None:
        y = frame[target].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)):
            return None
    return X, y, list(range(2, n_rows + 2))
