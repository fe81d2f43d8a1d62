"""The data a playground request trains on, from the library's own data sets.

Every source is seeded (``data_seed`` makes the data, ``seed`` splits it, ``test_size``
held out), so a
request always sees the same rows; the result is cached, read-only, for the next
request with the same settings.
"""

import csv
import functools
import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from descentlab.core.scaling import standardize as standardize_columns
from descentlab.data.csvfile import CsvData, check_fit_data, csv_from_text
from descentlab.data.synthetic import make_article_data, make_blobs, make_sine, split
from descentlab.errors import DescentlabError
from descentlab.playground.settings import LIMITS, Settings

Array = NDArray[np.float64]

#: The badly scaled problem: the article's x in other units, x' = SCALE x + SHIFT.
SCALE, SHIFT = 5.0, 10.0


@dataclass(frozen=True)
class Problem:
    """Train and test rows, and the names of the columns for the page's axes.

    >>> from descentlab.playground.settings import validate
    >>> p = load_problem(validate({"samples": 50}))  # the article's line, a fifth held out
    >>> p.X_train.shape, p.X_test.shape, p.x_name, p.X_train.flags.writeable
    ((40, 1), (10, 1), 'x', False)
    """

    X_train: Array
    X_test: Array
    y_train: Array
    y_test: Array
    x_name: str = "x"
    y_name: str = "y"
    #: An upload's standardisation, ``x_std = (x - mean) / scale``; None where the feature is as read.
    scaling: dict[str, object] | None = None


def _frozen(X_train: Array, X_test: Array, y_train: Array, y_test: Array) -> tuple[Array, Array, Array, Array]:
    for a in (X_train, X_test, y_train, y_test):
        a.setflags(write=False)
    return X_train, X_test, y_train, y_test


@functools.lru_cache(maxsize=64)
def _synthetic(data: str, samples: int, noise: float, seed: int, data_seed: int, test_size: float = 0.2) -> Problem:
    if data in ("article", "scaled"):
        d = make_article_data(samples, 1, noise, data_seed)
        X = d.X * SCALE + SHIFT if data == "scaled" else d.X
        names: tuple[str, str] = ("x' = 5x + 10", "y") if data == "scaled" else ("x", "y")
    elif data == "sine":
        d = make_sine(samples, noise, data_seed)
        X, names = d.X, ("x", "sin x + noise")
    else:
        d = make_blobs(samples, noise, data_seed)
        X, names = d.X, ("x1", "x2")
    return Problem(*_frozen(*split(X, d.y, test_size, seed)), *names)


def csv_columns(text: str) -> list[str]:
    """The names in the header row of a CSV text (the reader checks the rest).

    >>> csv_columns("x, y\\n1,2\\n")
    ['x', 'y']
    """
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise DescentlabError(f"the file is not a well-formed CSV file ({exc}): check its quotes") from None
    return [name.strip() for name in header]


def read_csv_text(text: str, feature: str, target: str, name: str = "upload.csv") -> CsvData:
    """Read ``feature`` and ``target`` from a CSV text with the project's reader, in memory
    (:func:`~descentlab.data.csvfile.csv_from_text`: its one-line errors name the upload).

    >>> read_csv_text("a,b,y\\n1,2,3\\n4,5,6\\n", feature="b", target="y").X.tolist()
    [[2.0], [5.0]]
    >>> read_csv_text("a,b,y\\n1,2,3\\n4,5,6\\n", feature="c", target="y", name="mine.csv")
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: unknown feature column 'c' in 'mine.csv': the columns are 'a', 'b', 'y'
    """
    try:
        data = csv_from_text(text, name, features=[feature], target=target)
        check_fit_data(data)
    except DescentlabError as exc:
        raise DescentlabError(str(exc).replace("--features", "the feature menu")) from None
    if data.X.shape[0] > LIMITS["samples"]:
        raise DescentlabError(f"the CSV has {data.X.shape[0]} rows, over the cap of "
                              f"{LIMITS['samples']}: send a smaller file")
    return data


@functools.lru_cache(maxsize=16)
def _uploaded(text: str, feature: str, target: str, seed: int, test_size: float = 0.2, standardize: bool = True,
              name: str = "upload.csv") -> Problem:
    """An uploaded file's rows, split; the feature standardised (the default: see
    :data:`descentlab.playground.settings.STANDARDIZE_WHY`) with the library's
    :func:`descentlab.core.scaling.standardize`."""
    data = read_csv_text(text, feature, target, name)
    if data.X.shape[0] < 10:
        raise DescentlabError(f"the file {name!r} has {data.X.shape[0]} rows: the playground needs at "
                              "least 10, to keep some for testing")
    assert data.y is not None  # read with a target
    X_train, X_test, y_train, y_test = split(data.X, data.y, test_size, seed)
    x_name = feature
    scaling_of: dict[str, object] | None = None
    if standardize:  # by the training rows' mean and spread, as a fitted scaler does
        X_train, mean, scale = standardize_columns(X_train)
        X_test = (X_test - mean) / scale
        x_name = f"{feature} (standardised)"
        scaling_of = {"feature": feature, "mean": float(mean[0]), "scale": float(scale[0])}
    return Problem(*_frozen(X_train, X_test, y_train, y_test), x_name, target, scaling_of)


def load_problem(s: Settings) -> Problem:
    """The :class:`Problem` of validated settings ``s`` (an upload's feature standardised).

    >>> from descentlab.playground.settings import validate
    >>> text = "x,y\\n" + "".join(f"{i},{2 * i}\\n" for i in range(10))  # an upload of 10 rows
    >>> p = load_problem(validate({"data": "csv", "csv": text, "feature": "x", "target": "y"}))
    >>> p.x_name, p.X_train.shape, p.scaling["mean"]
    ('x (standardised)', (8, 1), 4.0)
    """
    if s["data"] == "csv":
        return _uploaded(s["csv"], s["feature"], s["target"], s["seed"], s["test_size"], s["standardize"],
                         s["csv_name"] or "upload.csv")
    return _synthetic(s["data"], s["samples"], s["noise"], s["seed"], s["data_seed"], s["test_size"])
