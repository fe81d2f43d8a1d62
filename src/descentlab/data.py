"""Data: the article's synthetic set (with its true parameters) and the train/test split.

scikit-learn makes the data and splits it; it is imported inside the functions so that
``import descentlab`` stays light.
"""

import math
from dataclasses import dataclass

import numpy as np

from .errors import DescentlabError


@dataclass
class Dataset:
    """Features, targets and, for synthetic data, the parameters that made them.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,) or None
        The true coefficients (``make_regression(coef=True)``), when known.
    intercept : float or None
        The true intercept, when known.
    """

    X: np.ndarray
    y: np.ndarray
    coef: np.ndarray | None = None
    intercept: float | None = None

    def __repr__(self):
        return f"Dataset(n_samples={self.X.shape[0]}, n_features={self.X.shape[1]})"


def make_article_data(n_samples=200, n_features=1, noise=10.0, random_state=42):
    """The article's data: ``make_regression`` with every feature informative.

    Parameters
    ----------
    n_samples : int, default=200
    n_features : int, default=1
    noise : float, default=10.0
        Standard deviation of the Gaussian noise added to the targets.
    random_state : int, default=42
        The article's seed for the data (the split and the initialisation are seeded
        separately).

    Returns
    -------
    Dataset
        With ``coef`` the true coefficients and ``intercept`` 0.
    """
    from sklearn.datasets import make_regression

    X, y, coef = make_regression(n_samples=n_samples, n_features=n_features,
                                 n_informative=n_features, n_targets=1, noise=noise,
                                 random_state=random_state, coef=True)
    return Dataset(X=X, y=y, coef=np.atleast_1d(coef), intercept=0.0)


def check_split_sizes(n_samples, test_size, min_rows=2):
    """Raise :class:`DescentlabError` unless both sides of the split get ``min_rows`` rows."""
    if not 0.0 < test_size < 1.0:
        raise DescentlabError(f"test fraction {test_size} is outside (0, 1): choose a value such as 0.2")
    n_test = math.ceil(test_size * n_samples)
    n_train = n_samples - n_test
    if n_test < min_rows or n_train < min_rows:
        raise DescentlabError(
            f"{n_samples} samples with test fraction {test_size} give {n_train} training and "
            f"{n_test} test rows; each side needs at least {min_rows}: use more samples")
    return n_train, n_test


def split(X, y, test_size=0.2, seed=0):
    """Split into train and test sets (scikit-learn's ``train_test_split``, seeded).

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    from sklearn.model_selection import train_test_split

    check_split_sizes(X.shape[0], test_size)
    return train_test_split(X, y, test_size=test_size, random_state=seed)
