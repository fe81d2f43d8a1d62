"""Data: the article's synthetic set (with its true parameters) and the train/test split.

scikit-learn makes the data and splits it; it is imported inside the functions so that
``import descentlab`` stays light.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.memory import array_bytes, check_memory
from descentlab.settings import check_config, setting

#: The largest noise (or spread) of synthetic data: its squares, summed over the rows,
#: stay far inside a float's range (noise near 1e300 would overflow every loss).
NOISE_MAX = 1e100

#: Float arrays of the data's shape alive at once while it is made and split.
DATA_COPIES = 3


def check_data_size(n_samples: int, n_features: int = 1, fix: str = "use fewer --samples") -> None:
    """Raise a one-line error, before anything is allocated, when the data cannot fit in memory.

    Examples
    --------
    >>> check_data_size(200, 3)  # fits: nothing happens
    >>> check_data_size(10**15, 10**6)
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: ...use fewer --samples...
    """
    what = f"{n_samples} samples x {n_features} feature{'s' * (n_features != 1)}"
    check_memory(what, array_bytes(n_samples, n_features + 1, copies=DATA_COPIES), fix)


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

    Examples
    --------
    >>> import numpy as np
    >>> Dataset(X=np.zeros((4, 2)), y=np.zeros(4))
    Dataset(n_samples=4, n_features=2)
    """

    X: np.ndarray
    y: np.ndarray
    coef: np.ndarray | None = None
    intercept: float | None = None

    def __repr__(self) -> str:
        return f"Dataset(n_samples={self.X.shape[0]}, n_features={self.X.shape[1]})"


def make_article_data(n_samples: int = 200, n_features: int = 1, noise: float = 10.0,
                      random_state: int = 42) -> Dataset:
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

    Examples
    --------
    With no noise, ``y`` is exactly ``X @ coef`` (``make_regression`` has intercept 0):

    >>> import numpy as np
    >>> data = make_article_data(n_samples=5, noise=0.0)
    >>> data, data.X.shape, bool(np.allclose(data.y, data.X @ data.coef))
    (Dataset(n_samples=5, n_features=1), (5, 1), True)
    """
    from sklearn.datasets import make_regression

    check_data_size(n_samples, n_features, "use fewer --samples or --n-features")
    X, y, coef = make_regression(n_samples=n_samples, n_features=n_features,
                                 n_informative=n_features, n_targets=1, noise=noise,
                                 random_state=random_state, coef=True)
    return Dataset(X=X, y=y, coef=np.atleast_1d(coef), intercept=0.0)


def _curve(f: Callable[[np.ndarray], np.ndarray], n_samples: int, noise: float, random_state: int | None,
           x_range: tuple[float, float]) -> "Dataset":
    check_data_size(n_samples)
    rng = np.random.default_rng(random_state)
    x = rng.uniform(*x_range, size=n_samples)
    y = f(x) + rng.normal(0.0, noise, size=n_samples)
    return Dataset(X=x[:, None], y=y)


def make_sine(n_samples: int = 200, noise: float = 0.1, random_state: int | None = 0) -> "Dataset":
    r"""A sine over one period, a curve no line can follow.

    .. math:: x \sim U(-\pi, \pi), \qquad y = \sin x + \varepsilon, \quad
              \varepsilon \sim N(0, \text{noise}^2)

    Parameters
    ----------
    n_samples : int, default=200
    noise : float, default=0.1
    random_state : int or None, default=0
        Seeds one generator that draws ``x`` and then the noise.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 1), ``y`` of shape (n_samples,).

    Examples
    --------
    >>> import numpy as np
    >>> data = make_sine(n_samples=4, noise=0.0)
    >>> bool(np.allclose(data.y, np.sin(data.X[:, 0])))
    True
    """
    return _curve(np.sin, n_samples, noise, random_state, (-np.pi, np.pi))


def make_abs(n_samples: int = 200, noise: float = 0.1, random_state: int | None = 0) -> "Dataset":
    r"""A V shape, :math:`y = |x| + \varepsilon` for :math:`x \sim U(-2, 2)`; as :func:`make_sine`.

    Examples
    --------
    >>> import numpy as np
    >>> data = make_abs(n_samples=4, noise=0.0)
    >>> bool(np.allclose(data.y, np.abs(data.X[:, 0])))
    True
    """
    return _curve(np.abs, n_samples, noise, random_state, (-2.0, 2.0))


def make_blobs(n_samples: int = 200, cluster_std: float = 1.5, random_state: int | None = 0) -> "Dataset":
    r"""Two Gaussian blobs in the plane, labelled 0 and 1, overlapping (not separable).

    The centres are :math:`(-1, -1)` and :math:`(1, 1)`; with the default spread many
    points lie on the other class's side, so logistic regression has a finite optimum.

    Parameters
    ----------
    n_samples : int, default=200
        Split evenly between the two blobs.
    cluster_std : float, default=1.5
        Standard deviation of each blob along each axis.
    random_state : int or None, default=0

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 2), ``y`` of shape (n_samples,) with values 0.0 and 1.0.

    Examples
    --------
    >>> data = make_blobs(n_samples=6)
    >>> data.X.shape, sorted(set(data.y.tolist()))
    ((6, 2), [0.0, 1.0])
    """
    from sklearn.datasets import make_blobs as _make_blobs

    check_data_size(n_samples, 2)
    X, y = _make_blobs(n_samples=n_samples, n_features=2, centers=[[-1.0, -1.0], [1.0, 1.0]],
                       cluster_std=cluster_std, random_state=random_state)
    return Dataset(X=X, y=y.astype(float))


NONLINEAR_SETS = {"sine": make_sine, "abs": make_abs}


def check_split_sizes(n_samples: int, test_size: float, min_rows: int = 2) -> tuple[int, int]:
    """Raise :class:`DescentlabError` unless both sides of the split get ``min_rows`` rows.

    Examples
    --------
    >>> check_split_sizes(10, 0.2)
    (8, 2)
    """
    if not 0.0 < test_size < 1.0:
        raise DescentlabError(f"test fraction {test_size} is outside (0, 1): choose a value such as 0.2")
    n_test = math.ceil(test_size * n_samples)
    n_train = n_samples - n_test
    if n_test < min_rows or n_train < min_rows:
        raise DescentlabError(
            f"{n_samples} samples with test fraction {test_size} give {n_train} training and "
            f"{n_test} test rows; each side needs at least {min_rows}: use more samples")
    return n_train, n_test


def split(X: np.ndarray, y: np.ndarray, test_size: float = 0.2, seed: int = 0) -> list[np.ndarray]:
    """Split into train and test sets (scikit-learn's ``train_test_split``, seeded).

    Returns
    -------
    X_train, X_test, y_train, y_test

    Examples
    --------
    >>> import numpy as np
    >>> X_train, X_test, y_train, y_test = split(np.arange(20.0).reshape(10, 2), np.arange(10.0), seed=0)
    >>> X_train.shape, X_test.shape, y_test.tolist()
    ((8, 2), (2, 2), [2.0, 8.0])
    """
    from sklearn.model_selection import train_test_split

    check_split_sizes(X.shape[0], test_size)
    parts: list[np.ndarray] = train_test_split(X, y, test_size=test_size, random_state=seed)
    return parts


@dataclass
class ArticleData:
    """The article's data set and its split, as settings: what every lesson on it shares.

    Parameters
    ----------
    samples : int, default=200
    noise : float, default=10.0
        The standard deviation of the noise on ``y``.
    test_size : float, default=0.2
        The test fraction of the split.
    seed : int, default=7
        Seeds the split and the initialisation (the article has no seed).
    data_seed : int, default=42
        The article's ``random_state`` for ``make_regression``.

    Examples
    --------
    >>> data, X_train, X_test, y_train, y_test = ArticleData(samples=10, noise=0.0).make()
    >>> X_train.shape, X_test.shape
    ((8, 1), (2, 1))
    """

    samples: int = setting(200, "data points", low=1, suggest="200")
    noise: float = setting(10.0, "noise std", low=0, high=NOISE_MAX, suggest="10")
    test_size: float = setting(0.2, "test fraction", kind="fraction", label="test fraction", suggest="0.2")
    seed: int = setting(7, "seed of the split and the initialisation", kind="seed")
    data_seed: int = setting(42, "random_state of make_regression", kind="seed")

    def __post_init__(self) -> None:
        check_config(self)
        check_split_sizes(self.samples, self.test_size)
        features = getattr(self, "features", 1)  # the lessons with a --n-features setting
        check_data_size(self.samples, features, "use fewer --samples" + " or --n-features" * (features > 1))

    def make(self, n_features: int = 1) -> tuple[Any, ...]:
        """The data and its split: ``data, X_train, X_test, y_train, y_test``."""
        data = make_article_data(self.samples, n_features, self.noise, self.data_seed)
        return (data, *split(data.X, data.y, self.test_size, self.seed))
