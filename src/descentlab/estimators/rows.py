"""What a fit takes besides ``X`` and ``y``: the rows' weights and a validation set, checked.

:class:`descentlab.estimators.base.GDEstimator` turns ``sample_weight`` (and a classifier's
``class_weight``) into weights of mean 1 for :func:`descentlab.core.trainer.train`, and
checks ``validation_data`` against the fitted features.
"""

import numpy as np
from sklearn.utils.validation import _check_sample_weight, validate_data

from descentlab.errors import DescentlabError
from descentlab.settings import Setting

FRACTION = Setting("the share of rows held out for validation", kind="fraction")


def row_weights(sample_weight, X, class_weight=None):
    r"""The rows' weights scaled to mean 1, or None when every row weighs the same.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative; not all 0.
    X : ndarray of shape (n_samples, n_features)
    class_weight : ndarray of shape (n_samples,) or None
        Each row's class weight, multiplied in.

    Returns
    -------
    ndarray of shape (n_samples,) or None

    Notes
    -----
    :math:`w_i \leftarrow N w_i / \sum_k w_k`: the weighted mean loss
    :math:`\sum_i w_i \ell_i / \sum_i w_i` is then the plain mean of :math:`w_i \ell_i`,
    and integer weights give the loss of the rows repeated that many times.
    """
    if sample_weight is None and class_weight is None:
        return None
    w = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    w = w if class_weight is None else w * class_weight
    if not np.sum(w) > 0:
        raise ValueError("sample_weight holds only zero weights: at least one weight must be positive")
    return w * (w.size / np.sum(w))


def validation_rows(estimator, validation_data):
    """``(X_val, y_val)`` checked against the features ``estimator`` was fitted on."""
    try:
        X_val, y_val = validation_data
    except (TypeError, ValueError):
        raise DescentlabError("validation_data must be a pair (X_val, y_val)") from None
    X_val = validate_data(estimator, X_val, dtype=np.float64, reset=False)
    y_val = np.asarray(y_val)
    if y_val.shape != (X_val.shape[0],):
        raise DescentlabError(f"validation_data: y_val must hold one value per row of X_val "
                              f"({X_val.shape[0]}), not shape {y_val.shape}")
    return X_val, y_val


def split_off(X, y, sample_weight, validation_data, random_state):
    """``validation_data`` given as a fraction: hold out that share of the rows, at random.

    Returns ``X, y, sample_weight, validation_data`` with the held-out rows as
    ``(X_val, y_val)`` (scikit-learn's ``train_test_split``, seeded by an integer
    ``random_state``); anything else passes through unchanged.
    """
    if validation_data is None or isinstance(validation_data, (tuple, list)):
        return X, y, sample_weight, validation_data
    reason = FRACTION.problem(validation_data)
    if reason is not None:
        raise DescentlabError(f"validation_data={validation_data!r} {reason}: give (X_val, y_val) "
                              "or a fraction of the rows such as 0.2")
    from sklearn.model_selection import train_test_split

    weights = [] if sample_weight is None else [np.asarray(sample_weight)]
    seed = random_state if isinstance(random_state, (int, np.integer)) else 0
    parts = train_test_split(X, y, *weights, test_size=validation_data, random_state=seed)
    w = parts[4] if weights else None
    return parts[0], parts[2], w, (parts[1], parts[3])
