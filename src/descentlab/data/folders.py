"""A folder of CSV or Parquet files as lazy Dask arrays, checked column by column.

``descentlab fit FOLDER`` reads every ``*.csv`` (each with the same header row) or every
``*.parquet`` file of the folder with ``dask.dataframe``, so the rows are read where they
are used, by the workers of a cluster when a client is active, and never gathered here.
The column checks are those of a single CSV file (:mod:`descentlab.data.csvfile`) where
they can be made without reading the cells: unknown columns, a target that is also a
feature, text in a feature column; NaN cells are refused when the statistics are summed.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from descentlab.data.csvfile import columns as checked_columns
from descentlab.errors import DescentlabError

KINDS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class FolderData:
    """The lazy columns of a folder of files: ``X`` (n_rows, n_features) and ``y`` (n_rows,)
    as Dask arrays with known chunk sizes, one chunk per file part.

    Examples
    --------
    Two CSV files in a temp folder, one chunk each, nothing read until computed:

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for i, rows in enumerate(["1,2\\n2,4\\n", "3,6\\n"]):
    ...     with open(os.path.join(folder, f"part{i}.csv"), "w") as fh:
    ...         _ = fh.write("x,y\\n" + rows)
    >>> data = read_folder(folder, target="y")
    >>> data.X.chunks, data.y.compute().tolist(), data.features
    (((2, 1), (1,)), [2.0, 4.0, 6.0], ['x'])
    """

    X: Any  # dask.array.Array
    y: Any
    features: list[str]
    target: str | None
    path: str
    files: list[str]

    def __repr__(self) -> str:
        return (f"FolderData({self.path!r}, files={len(self.files)}, n_rows={self.X.shape[0]}, "
                f"features={self.features!r}, target={self.target!r})")


def data_files(path: str) -> tuple[list[Path], str]:
    """The folder's CSV or Parquet files, sorted; a one-line error for none or a mix.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["b.csv", "a.csv"]:
    ...     open(os.path.join(folder, name), "w").close()
    >>> files, kind = data_files(folder)
    >>> [f.name for f in files], kind
    (['a.csv', 'b.csv'], 'csv')
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DescentlabError(f"{str(path)!r} is not a folder: pass a folder of .csv or .parquet files")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in KINDS and p.is_file())
    kinds = {KINDS[p.suffix.lower()] for p in files}
    if not files:
        raise DescentlabError(f"folder {str(path)!r} holds no .csv or .parquet files: put the data "
                              "files there (each with the same columns)")
    if len(kinds) > 1:
        raise DescentlabError(f"folder {str(path)!r} mixes CSV and Parquet files: keep one kind")
    return files, kinds.pop()


def read_folder(path: str, *, features: list[str] | None = None, target: str | None = None,
                labels: bool = False) -> "FolderData":
    """Read a folder of CSV or Parquet files into lazy Dask arrays (the rows stay unread).

    Parameters
    ----------
    path : str or Path
    features, target, labels
        As :func:`descentlab.data.csvfile.read_csv`.

    Returns
    -------
    FolderData

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "part0.csv"), "w") as fh:
    ...     _ = fh.write("x1,x2,y\\n1,2,0\\n3,4,1\\n")
    >>> data = read_folder(folder, features=["x2"], target="y")
    >>> data.X.compute().tolist(), data.y.compute().tolist()
    ([[2.0], [4.0]], [0.0, 1.0])
    """
    try:
        import dask.dataframe as dd
        import pandas as pd
    except ImportError:
        raise DescentlabError("reading a folder of files needs Dask: pip install "
                              "'dask[dataframe,distributed]'") from None
    files, kind = data_files(path)
    path = str(path)
    if kind == "csv":
        _same_headers(files)
    try:
        df = dd.read_csv([str(f) for f in files]) if kind == "csv" else \
            dd.read_parquet([str(f) for f in files])
    except ImportError as exc:
        raise DescentlabError(f"reading Parquet needs pyarrow ({exc}): pip install pyarrow") from None
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one line
        raise DescentlabError(f"cannot read the {kind} files of {path!r} ({_first_line(exc)}): "
                              "check that every file has the same header row") from None
    header = [str(c) for c in df.columns]
    features = checked_columns(path, header, features, target)
    for name in features:
        if not pd.api.types.is_numeric_dtype(df[name].dtype):
            raise DescentlabError(f"feature column {name!r} of {path!r} holds text, not numbers: "
                                  "leave it out with --features")
    if target is not None and not labels and not pd.api.types.is_numeric_dtype(df[target].dtype):
        raise DescentlabError(f"target column {target!r} of {path!r} holds text: use --classify "
                              "for labels, or a numeric column")
    columns = features + ([target] if target is not None else [])
    try:  # read the files once, on the workers when a client is active: every column of a
        # partition then comes from the same rows (dask may otherwise regroup the parts of a
        # single column); the row counts give the chunks known sizes
        df = df[columns].persist()
        X = df[features].astype("float64").to_dask_array(lengths=True)
        y = None
        if target is not None:
            column = df[target].astype(object) if labels else df[target].astype("float64")
            y = column.to_dask_array(lengths=list(X.chunks[0]))
    except Exception as exc:  # noqa: BLE001 - a bad cell in any file becomes one line
        raise DescentlabError(f"cannot read the {kind} files of {path!r} ({_first_line(exc)}): "
                              "every cell of a feature must be a number") from None
    return FolderData(X, y, features, target, path, [str(f) for f in files])


def _same_headers(files: list[Path]) -> None:
    """One line naming two CSV files whose header rows differ (Dask would read the second
    with the first's columns and fail later on a cell)."""
    from descentlab.data.fastcsv import first_row
    from descentlab.files import check_source

    first = None
    for f in files:
        check_source(f, "CSV file")
        try:
            header = [c.strip() for c in first_row(str(f), ",")]
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DescentlabError(f"cannot read CSV file {str(f)!r} ({_first_line(exc)}): check the "
                                  "file") from None
        if first is None:
            first = (f, header)
        elif header != first[1]:
            raise DescentlabError(f"{f.name!r} has the columns {header} but {first[0].name!r} has "
                                  f"{first[1]}: give every file of the folder the same header row")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
