"""Array namespaces: the core's math on NumPy, or on any array-API library's arrays.

The losses, activations, models, optimizers and penalties are written once, with ``xp``
the namespace of the arrays they are given: NumPy itself for NumPy arrays (so the NumPy
path is the NumPy code it always was), else the namespace ``array_api_compat`` finds
(PyTorch, CuPy, JAX, ``array_api_strict``), on the arrays' own device. Which namespace an
estimator trains in is decided once, at ``fit``
(:mod:`descentlab.estimators.device`); the core only follows its arrays.

Some namespaces' arrays cannot be written in place (JAX's): :func:`write` then binds the
new array in the dict instead, and a dict that must pass the write on (a network's flat
``params``, :class:`descentlab.core.network.Network`) does so in its ``__setitem__``.
"""

import functools
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

# An array of NumPy or of any array-API library (PyTorch, CuPy, JAX, array_api_strict). They
# share no static type: the array API standard ships no typing protocol that NumPy's, torch's
# and JAX's stubs all satisfy, so the alias is Any; it names the intent at every signature.
# Code that takes NumPy only says so with ``NDArray``.
Array: TypeAlias = Any
FloatArray: TypeAlias = NDArray[np.float64]

_HOST = (np.ndarray, np.generic, float, int, list, tuple)


def namespace(x: Any) -> Any:
    """The array namespace of ``x``: ``numpy`` for NumPy arrays and numbers, else its library's.

    >>> namespace(np.ones(2)).__name__, namespace(3.0).__name__
    ('numpy', 'numpy')
    """
    if type(x) is np.ndarray or isinstance(x, _HOST):  # the first test is the NumPy path's, ~30 ns
        return np
    return compat().array_namespace(x)


@functools.cache
def compat() -> Any:
    """``array_api_compat``: the installed package, else the copy scikit-learn ships.

    >>> compat().__name__.endswith("array_api_compat")
    True
    """
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover - scikit-learn >= 1.6 vendors it
        from sklearn.externals import array_api_compat  # type: ignore[no-redef]
    return array_api_compat


def device(x: Any) -> Any:
    """The device of the array ``x`` ("cpu" for NumPy).

    >>> device(np.ones(2))
    'cpu'
    """
    return "cpu" if isinstance(x, _HOST) else compat().device(x)


def is_device_array(x: Any) -> bool:
    """Whether ``x`` is an array of another array-API library (PyTorch, CuPy, JAX, ...).

    >>> is_device_array(np.ones(2)), is_device_array([1.0])
    (False, False)
    """
    return not isinstance(x, _HOST) and compat().is_array_api_obj(x)


def is_numpy(x: Any) -> bool:
    """Whether ``x`` is a NumPy array or number (the CPU fast paths take only these).

    >>> is_numpy(np.ones(2)), is_numpy(2.0), is_numpy("2")
    (True, True, False)
    """
    return type(x) is np.ndarray or isinstance(x, _HOST)


def write(params: dict[str, Any], key: str, value: Any) -> None:
    """``params[key] <- value``: in place where the array allows it, so arrays shared with a
    model's layers stay shared; else (immutable arrays, e.g. JAX's) a new binding.

    >>> params = {"w": np.zeros(2)}
    >>> w = params["w"]
    >>> write(params, "w", np.ones(2)); params["w"] is w, w
    (True, array([1., 1.]))
    """
    param = params[key]
    if type(param) is np.ndarray or _writeable(param):
        param[...] = value
    else:
        params[key] = value


def _writeable(x: Any) -> bool:
    return bool(compat().is_writeable_array(x))


def copy(x: Any) -> Any:
    """A copy of the array ``x`` that later in-place steps do not change.

    >>> x = np.zeros(2)
    >>> saved = copy(x); x += 1; saved
    array([0., 0.])
    """
    if type(x) is np.ndarray or isinstance(x, _HOST):
        return np.array(x, copy=True)
    return namespace(x).asarray(x, copy=True)


def floats(a: Any) -> Any:
    """``a`` as a float ndarray when it is NumPy's (or a list); another library's array as it is.

    >>> floats([1, 2])
    array([1., 2.])
    """
    return np.asarray(a, dtype=float) if is_numpy(a) else a


def to_numpy(x: Any) -> np.ndarray:
    """``x`` as a NumPy array on the host (a copy from a device; NumPy arrays as they are).

    >>> x = np.ones(2)
    >>> to_numpy(x) is x
    True
    """
    if is_numpy(x):
        return np.asarray(x)
    from sklearn.utils._array_api import _convert_to_numpy, move_to

    try:
        return np.asarray(_convert_to_numpy(x, namespace(x)))
    except RuntimeError:  # a device NumPy cannot read from directly: moved through DLPack
        return np.asarray(move_to(x, xp=np, device="cpu"))


def like(value: Any, ref: Any) -> Any:
    """``value`` (NumPy or a number) as an array in ``ref``'s namespace, on its device and
    of its dtype; NumPy ``ref`` (or None ``value``) gives ``value`` untouched.

    >>> value = np.arange(2)
    >>> like(value, np.ones(2, dtype=np.float32)) is value  # NumPy: no conversion
    True
    """
    if value is None or is_numpy(ref):
        return value
    return namespace(ref).asarray(value, dtype=ref.dtype, device=device(ref))


def all_finite(x: Any) -> bool:
    """Whether every number of the array ``x`` is finite (on its device; one transfer).

    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.inf]))
    (True, False)
    """
    xp = namespace(x)
    return bool(xp.all(xp.isfinite(x)))


def vdot(a: Any, b: Any) -> float:
    """:math:`\\sum_k a_k b_k` over all the entries of two arrays, as a float.

    >>> vdot(np.ones((2, 2)), np.array([[1.0, 2.0], [3.0, 4.0]]))
    10.0
    """
    if type(a) is np.ndarray or isinstance(a, _HOST):
        return float(np.vdot(a, b))
    return float(namespace(a).sum(a * b))


def zeros_like(g: Any) -> Any:
    """Float zeros of ``g``'s shape, namespace and device (an optimizer's fresh state).

    >>> zeros_like(np.arange(3))
    array([0., 0., 0.])
    """
    return np.zeros_like(g, dtype=float) if isinstance(g, _HOST) else namespace(g).zeros_like(g)


def stacked(values: list[Any], ref: Any) -> Any:
    """``values`` (arrays of one shape, or numbers) as the rows of one array in ``ref``'s
    namespace and device: ``np.array(values)`` for NumPy.

    >>> stacked([np.zeros(2), np.ones(2)], np.ones(1))
    array([[0., 0.],
           [1., 1.]])
    """
    if is_numpy(ref):
        return np.array(values)
    if isinstance(values[0], (float, int)):
        return like(np.array(values), ref)
    return namespace(ref).stack(values)


def in_dtype_of(a: Any, ref: Any) -> Any:
    """``a`` in ``ref``'s dtype (float32 in, float32 out); no copy when it already is.

    >>> in_dtype_of(np.array([1, 2]), np.ones(1, dtype=np.float32))
    array([1., 2.], dtype=float32)
    """
    if is_numpy(a):
        return np.asarray(a).astype(ref.dtype, copy=False)
    return a if a.dtype == ref.dtype else namespace(a).astype(a, ref.dtype)
