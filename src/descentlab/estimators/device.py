"""The estimators on any array-API namespace: PyTorch, CuPy, JAX, ``array_api_strict``.

With scikit-learn's ``set_config(array_api_dispatch=True)`` (scikit-learn's convention,
through ``array_api_compat``), ``fit`` on arrays of another namespace trains in that
namespace, on the arrays' device: the features are standardised there, the moments pass
is one product :math:`A^\\top A` there (:meth:`descentlab.core.quadratic.Moments.from_device`),
and every epoch's products run there (:mod:`descentlab.core.xp`). The fitted attributes,
predictions and probabilities come back in the same namespace and device. What is
decided once per fit stays on the host: the labels and ``classes_``, the row weights
and the canonical row order of mini-batches (N numbers, not the features).

Which namespace is decided once, here, at ``fit``, from ``X``: ``y`` and ``sample_weight``
follow it (scikit-learn's convention since 1.8, which its ``check_array_api_mixed_inputs``
checks). Methods called on arrays of another namespace or device than the fit's are a
one-line error. NumPy arrays, and every input while dispatch is off, take the NumPy path as
before (its Numba kernel and threaded blocks).
"""

import numpy as np

from descentlab.core.xp import (
    compat,
    device,
    is_device_array,
    is_numpy,
    namespace,
    to_numpy,
)
from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import stops_early


def _dispatching():
    from sklearn import get_config

    return bool(get_config().get("array_api_dispatch", False))


def _is_host(a):
    """NumPy arrays, lists, DataFrames, Dask arrays and streams: the NumPy path's inputs."""
    return a is None or not is_device_array(a) or (hasattr(a, "dask") and hasattr(a, "chunks"))


def fit_namespace(X):
    """The namespace and device to train in, ``X``'s: ``(xp, device)``, or None for the NumPy path."""
    if not _dispatching() or _is_host(X):
        return None
    return namespace(X), device(X)


def follow(a, on_device):
    """``y`` or ``sample_weight`` moved to ``X``'s namespace and device (scikit-learn's
    "everything follows X"); to the host for the NumPy path."""
    if a is None or (on_device is None and _is_host(a)):
        return a
    if on_device is None:
        return to_numpy(a)
    xp, dev = on_device
    if not _is_host(a) and namespace(a) is xp and device(a) == dev:
        return a
    return xp.asarray(to_numpy(a) if not _is_host(a) else np.asarray(a), device=dev)


def _library(a):
    return "numpy" if is_numpy(a) else type(a).__module__.split(".")[0]


def dtype_for(X, *dtypes):
    """``dtypes`` (NumPy's float types) as ``X``'s namespace names them: what scikit-learn's
    ``validate_data`` takes under dispatch. NumPy (or dispatch off) keeps them."""
    if _is_host(X) or not _dispatching():
        return dtypes[0] if len(dtypes) == 1 else dtypes
    from sklearn.utils._array_api import _max_precision_float_dtype

    xp = namespace(X)
    widest = _max_precision_float_dtype(xp, device(X))
    named = tuple(getattr(xp, np.dtype(d).name) for d in dtypes)
    named = tuple(d for d in named if d == widest or d != xp.float64) or (widest,)
    return named[0] if len(named) == 1 else named


def check_predict_namespace(est, X):
    """A one-line error when ``X`` is not of the namespace and device ``est`` was fitted in
    (worded as scikit-learn's ``check_same_namespace``)."""
    fitted = est.x_scale_
    if not _dispatching():  # X is read as NumPy, as scikit-learn does without dispatch
        if is_numpy(fitted):
            return
        raise DescentlabError(f"{type(est).__name__}.{_public_method(est)}(): fitted on "
                              f"{_library(fitted)} arrays under array_api_dispatch: call it inside "
                              "sklearn.config_context(array_api_dispatch=True) too")
    if is_numpy(fitted) and _is_host(X):
        return
    if not (is_numpy(fitted) or _is_host(X)) and _library(X) == _library(fitted) \
            and device(X) == device(fitted):
        return
    where = lambda a: f"{_library(a)} arrays on {device(a)}" if is_device_array(a) else type(a).__name__  # noqa: E731
    raise DescentlabError(f"{type(est).__name__}.{_public_method(est)}(): X and the fitted attributes "
                          f"must use the same namespace and device: fitted on {where(fitted)}, X is "
                          f"{where(X)}; pass X as the fit's arrays (e.g. xp.asarray(X, device=...))")


def _public_method(est):
    """The outermost public method of ``est`` being called (for the error's wording)."""
    import sys

    name, frame = "predict", sys._getframe(2)
    while frame is not None:
        code = frame.f_code.co_name
        if frame.f_locals.get("self") is est and code != "run" and not code.startswith("_"):
            name = code
        frame = frame.f_back
    return name


def fit_device(est, X, y, sample_weight=None, validation_data=None):
    """``fit``'s choice, ``(xp, device)`` of ``X`` or None (:func:`fit_namespace`); ``y`` on it
    and ``sample_weight`` on the host, where the weights are checked with the labels (then
    moved to the device): ``on_device, y, sample_weight``.

    Raises a one-line error for the options that read rows on the host, not yet on a device.
    """
    on_device = fit_namespace(X)
    y = follow(y, on_device)
    if on_device is None:
        return None, y, follow(sample_weight, None)
    name = type(est).__name__
    if est.warm_start and hasattr(est, "_model"):
        raise DescentlabError(f"{name}: warm_start continues on NumPy arrays only: fit again "
                              "without warm_start, or pass NumPy arrays")
    if getattr(y, "ndim", 1) == 2:  # a network's several outputs or labels
        raise DescentlabError(f"{name}: y of several columns trains on NumPy arrays only: pass NumPy arrays")
    if validation_data is not None or stops_early(est, X):
        raise DescentlabError(f"{name}: validation_data and early_stopping take NumPy arrays only: "
                              "leave them unset for arrays on a device, or pass NumPy arrays")
    if getattr(est, "loss", "squared_error") not in ("squared_error", "log_loss"):
        raise DescentlabError(f"{name}: loss={est.loss!r} trains on NumPy arrays only: pass NumPy "
                              "arrays, or use the default loss on a device")
    return on_device, y, follow(sample_weight, None)


def refuse_partial_fit(est, X):
    """``partial_fit`` continues on NumPy arrays only: a one-line error for a device's arrays."""
    if not _is_host(X) and _dispatching():
        raise DescentlabError(f"{type(est).__name__}.partial_fit takes NumPy arrays only: use fit "
                              "for arrays on a device, or pass NumPy arrays")


def immutable(X):
    """Whether ``X`` is a device array that cannot be written in place (JAX's): scikit-learn's
    metrics write into theirs, so a score is taken on the host from ``y`` and the predictions."""
    return not _is_host(X) and not compat().is_writeable_array(X)


def host_score(metric, y, y_pred, sample_weight=None):
    """``metric`` (a scikit-learn score) of host copies of ``y`` and ``y_pred`` (N numbers each)."""
    w = None if sample_weight is None else to_numpy(sample_weight)
    return float(metric(to_numpy(y), to_numpy(y_pred), sample_weight=w))


def device_support(est):
    """Whether ``est``'s settings train in any namespace (its ``array_api_support`` tag): not
    the CPU kernel (``solver="fused"``), nor the options that read rows on the host, nor the
    losses of :mod:`descentlab.estimators.kinked` (NumPy's)."""
    return not (est.solver == "fused" or stops_early(est) or est.warm_start
                or getattr(est, "loss", "squared_error") not in ("squared_error", "log_loss"))


def device_solver(asked, chosen, X):
    """``GDRegressor``'s solver for ``X``: on a device's arrays there is no CPU kernel, so
    ``solver="fused"`` is a one-line error and what ``"auto"`` chose as fused becomes "gd"."""
    if fit_namespace(X) is None:
        return chosen
    if asked == "fused":
        raise DescentlabError("solver='fused' is the CPU kernel: use 'moments' or 'gd' (or 'auto') "
                              "for arrays of another library")
    return "gd" if chosen == "fused" else chosen
