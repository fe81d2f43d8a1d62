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

from descentlab.core.scaling import standardize as standardize_columns
from descentlab.data.csvfile import check_fit_data, csv_from_text
from descentlab.data.synthetic import make_article_data, make_blobs, make_sine, split
from descentlab.errors import DescentlabError
from descentlab.playground.settings import LIMITS

#: The badly scaled problem: the article's x in other units, x' = SCALE x + SHIFT.
SCALE, SHIFT = 5.0, 10.0


@dataclass(frozen=True)
class Problem:
    """Train and test rows, and the names of the columns for the page's axes."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    x_name: str = "x"
    y_name: str = "y"
    #: An upload's standardisation, ``x_std = (x - mean) / scale``; None where the feature is as read.
    scaling: dict | None = None


def _frozen(*arrays):
    for a in arrays:
        a.setflags(write=False)
    return arrays


@functools.lru_cache(maxsize=64)
def _synthetic(data, samples, noise, seed, data_seed, test_size=0.2):
    if data in ("article", "scaled"):
        d = make_article_data(samples, 1, noise, data_seed)
        X = d.X * SCALE + SHIFT if data == "scaled" else d.X
        names = ("x' = 5x + 10", "y") if data == "scaled" else ("x", "y")
    elif data == "sine":
        d = make_sine(samples, noise, data_seed)
        X, names = d.X, ("x", "sin x + noise")
    else:
        d = make_blobs(samples, noise, data_seed)
        X, names = d.X, ("x1", "x2")
    return Problem(*_frozen(*split(X, d.y, test_size, seed)), *names)


def csv_columns(text):
    """The names in the header row of a CSV text (the reader checks the rest)."""
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise DescentlabError(f"the file is not a well-formed CSV file ({exc}): check its quotes") from None
    return [name.strip() for name in header]


def read_csv_text(text, feature, target, name="upload.csv"):
    """Read ``feature`` and ``target`` from a CSV text with the project's reader, in memory
    (:func:`~descentlab.data.csvfile.csv_from_text`: its one-line errors name the upload)."""
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
def _uploaded(text, feature, target, seed, test_size=0.2, standardize=True, name="upload.csv"):
    """An uploaded file's rows, split; the feature standardised (the default: see
    :data:`descentlab.playground.settings.STANDARDIZE_WHY`) with the library's
    :func:`descentlab.core.scaling.standardize`."""
    data = read_csv_text(text, feature, target, name)
    if data.X.shape[0] < 10:
        raise DescentlabError(f"the file {name!r} has {data.X.shape[0]} rows: the playground needs at "
                              "least 10, to keep some for testing")
    X_train, X_test, y_train, y_test = split(data.X, data.y, test_size, seed)
    x_name, scaling = feature, None
    if standardize:  # by the training rows' mean and spread, as a fitted scaler does
        X_train, mean, scale = standardize_columns(X_train)
        X_test = (X_test - mean) / scale
        x_name = f"{feature} (standardised)"
        scaling = {"feature": feature, "mean": float(mean[0]), "scale": float(scale[0])}
    return Problem(*_frozen(X_train, X_test, y_train, y_test), x_name, target, scaling)


def load_problem(s):
    """The :class:`Problem` of validated settings ``s``."""
    if s["data"] == "csv":
        return _uploaded(s["csv"], s["feature"], s["target"], s["seed"], s["test_size"], s["standardize"],
                         s["csv_name"] or "upload.csv")
    return _synthetic(s["data"], s["samples"], s["noise"], s["seed"], s["data_seed"], s["test_size"])
