r"""Columns far from 1 in magnitude, brought near 1 by powers of two before anything is squared.

Standard deviations, the moments :math:`X^\top X`, the curvature and :math:`R^2` all square
the data. A column near 1e300 overflows those squares to inf (and then NaN); one near
1e-300 underflows them to 0, so it looks constant. Multiplying by :math:`2^{-k}` is exact
in floating point, so a column whose largest magnitude lies outside
:math:`[2^{-200}, 2^{200}]` (about 1e-60 to 1e60) is scaled to a largest magnitude in
:math:`[1/2, 1)`, its squares are computed there, and the scale is carried back exactly.
Every other column is left as it is, bit for bit.
"""

from typing import Any

import numpy as np

#: Largest magnitudes inside [1 / SAFE, SAFE] are left alone: squares of such numbers,
#: summed over any number of rows, stay finite and far from the subnormals.
SAFE = 2.0 ** 200


def exponents(A: Any) -> Any:
    """The power of two ``k`` of each column of ``A`` (0 for columns that need no scaling).

    Parameters
    ----------
    A : ndarray of shape (n_samples,) or (n_samples, n_features)

    Returns
    -------
    k : int or ndarray of int, shape (n_features,)
        ``np.ldexp(A, -k)`` has a largest magnitude in [1/2, 1) in every scaled column.

    Examples
    --------
    >>> import numpy as np
    >>> exponents(np.array([[1e300, 3.0], [-2e300, 4.0]])).tolist()
    [998, 0]
    """
    A = np.asarray(A)
    if not fits_range(A.dtype):  # float64 (or wider): the largest magnitude of each column
        A = A if A.dtype.kind == "f" else A.astype(float)
        top = np.maximum(np.max(A, axis=0), -np.min(A, axis=0)) if A.size else np.zeros(A.shape[1:])
    else:  # float32, integers, booleans: nothing in them can lie outside
        top = np.zeros(A.shape[1:])
    _, k = np.frexp(top)
    outside = (top > SAFE) | ((top > 0) & (top < 1.0 / SAFE))
    k = np.where(outside, k, 0)
    return int(k) if np.ndim(k) == 0 else k.astype(int)


def fits_range(dtype: Any) -> bool:
    """Whether every finite nonzero number of ``dtype`` lies inside [1 / SAFE, SAFE]: float32
    (1.4e-45 to 3.4e38), float16 and integers need no look at the data.

    Examples
    --------
    >>> fits_range("float32"), fits_range("float64")
    (True, False)
    """
    dt = np.dtype(dtype)
    if dt.kind in "biu":
        return bool(dt.itemsize <= 8)
    if dt.kind == "f":
        info = np.finfo(dt)
        return bool(float(info.max) <= SAFE and float(info.smallest_subnormal) >= 1.0 / SAFE)
    return False


def scaled(A: Any, k: Any) -> Any:
    """``A`` times :math:`2^{-k}` (column by column), exactly; ``A`` itself when ``k`` is all 0.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1e300, 3.0], [-2e300, 4.0]])
    >>> Z = scaled(A, exponents(A))
    >>> Z.tolist()[1], bool(np.all(np.ldexp(Z, [998, 0]) == A))  # exact both ways
    ([-0.7466..., 4.0], True)
    """
    if not np.any(k):
        return A
    return np.ldexp(np.asarray(A, dtype=float), -np.asarray(k))
