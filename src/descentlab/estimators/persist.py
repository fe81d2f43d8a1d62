"""Saved models: a documented JSON file, safe to load. Never pickle.

:func:`model_text` turns a fitted estimator into the file's text and :func:`load_model`
reads it back; :func:`descentlab.outputs.models.save_model` writes the text, atomically.

The format (``"format": "descentlab-model"``, ``"version": 1``)::

    {
      "format": "descentlab-model",
      "version": 1,
      "estimator": "GDRegressor",          # a class of ESTIMATORS
      "params": {"optimizer": "nesterov", "lr": null, "penalty": "l1", "alpha": 0.1, ...},
                                            # get_params(); a class_weight dict as
                                            # [[label, weight], ...] (labels may be numbers)
      "attributes": {                       # the learned state, in the data's units
        "n_features_in_": 3, "n_iter_": 148,
        "coef_": {"shape": [3], "data": [1.5, -2.25, 0.125]},
        "intercept_": 0.5, ...,
        "classes_": {"dtype": "str", "values": ["no", "yes"]},  # classifiers
        "feature_names_in_": {"dtype": "str", "values": ["a", "b", "c"]}  # fitted on a DataFrame
      },
      "history": {"loss": [...], "val_loss": [...], "status": "converged", "meta": {...}},
      "info": {...}                         # free-form: the CLI keeps feature and target names
    }

Floats are JSON numbers written with Python's ``repr``, which reads back to the very same
double, so a loaded model predicts bit-identically. Loading checks every field: a
corrupted or hand-edited file gives one :class:`DescentlabError` line, never a traceback;
a file over :data:`descentlab.memory.MAX_JSON_BYTES` is refused unread, and a model too
large for this machine's memory is refused before it is built.
"""

import json
import math
from os import PathLike
from typing import TYPE_CHECKING, Any, Literal, NoReturn, overload

import numpy as np
from numpy.typing import NDArray

from descentlab.core.history import History
from descentlab.core.xp import is_device_array, to_numpy
from descentlab.errors import DescentlabError
from descentlab.estimators.device import Array
from descentlab.memory import read_text_capped

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator

FORMAT, VERSION = "descentlab-model", 1


#: Parameters added after model files were first written: an older file may lack them.
NEWER_PARAMS = {"gtol", "fit_intercept"}
#: Learned attributes added since: an older file may lack them (``multilabel_``: one label).
NEWER_ATTRIBUTES = {"multilabel_"}


def _estimators() -> dict[str, type["GDEstimator"]]:
    from descentlab.estimators.linear import GDClassifier, GDRegressor
    from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

    return {cls.__name__: cls for cls in (GDRegressor, GDClassifier, GDNetworkRegressor,
                                          GDNetworkClassifier)}


def _encode(value: Array) -> int | float | dict[str, Any]:
    value = to_numpy(value) if is_device_array(value) else value  # a model file holds NumPy's numbers
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuUO" and value.ndim == 1:
        kind = {"b": "bool", "i": "int", "u": "int", "U": "str", "O": "str"}[value.dtype.kind]
        if kind == "str" and not all(isinstance(v, str) for v in value):
            raise DescentlabError("cannot save labels that mix strings and other values: "
                                  "use labels of one type")
        return {"dtype": kind, "values": value.tolist()}
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "data": value.ravel().tolist()}
    if isinstance(value, (np.integer, int)):
        return int(value)
    return float(value)


#: The learned attributes held as labels (``{"dtype", "values"}``); every other array is
#: numbers (``{"shape", "data"}``).
LABELS = ("classes_", "feature_names_in_")
_LABEL_TYPES = {"bool": (bool,), "int": (int,), "str": (str,)}


def _decode(name: str, value: Any) -> NDArray[Any] | int | float:
    """One learned attribute from its JSON form, checked for type as well as shape."""
    if isinstance(value, dict) and name in LABELS and "dtype" in value:
        if set(value) != {"dtype", "values"} or value["dtype"] not in ("bool", "int", "str"):
            raise ValueError(f"{name} must be {{\"dtype\": bool, int or str, \"values\": [...]}}")
        dtype, values, kinds = value["dtype"], value["values"], _LABEL_TYPES[value["dtype"]]
        if not isinstance(values, list) or not all(
                isinstance(v, kinds) and (dtype == "bool" or not isinstance(v, bool)) for v in values):
            raise ValueError(f"{name} values must be a list of {dtype} labels")
        return np.array(values, dtype={"bool": bool, "int": np.int64, "str": object}[dtype])
    if isinstance(value, dict):
        if set(value) != {"shape", "data"}:
            raise ValueError(f"{name} must be {{\"shape\": [...], \"data\": [numbers]}}")
        data, shape = value["data"], value["shape"]
        if not (isinstance(data, list) and all(_is_number(v) for v in data)):
            raise ValueError(f"{name} data must be a list of numbers")
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)
                and len(data) == math.prod(shape)):
            raise ValueError(f"{name} holds {len(data)} numbers for shape {shape}")
        return _finite(name, np.array(data, dtype=float)).reshape(shape)
    if not _is_number(value):
        raise ValueError(f"{name} must be a number")
    return value if type(value) is int and abs(value) < 2**53 else float(_finite(name, value))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(name: str, value: object) -> NDArray[np.float64]:
    try:
        array = np.asarray(value, dtype=float)
    except OverflowError:
        raise ValueError(f"{name} is beyond a float's range") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} is not finite (beyond a float's range)")
    return array


def model_text(estimator: Any, info: dict[str, Any] | None = None) -> str:
    """A fitted estimator as the text of a model file (JSON, ending in a newline): what
    :func:`descentlab.outputs.models.save_model` writes and :func:`load_model` reads.

    ``estimator`` is a fitted GDRegressor, GDClassifier, GDNetworkRegressor or
    GDNetworkClassifier with a named (not callable) schedule; ``info`` holds free-form
    JSON-serialisable facts to keep beside the model.

    Examples
    --------
    >>> import json
    >>> import numpy as np
    >>> from descentlab.estimators import GDRegressor
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> doc = json.loads(model_text(GDRegressor().fit(X, 2 * X[:, 0] + 1), info={"target": "y"}))
    >>> doc["format"], doc["estimator"], doc["attributes"]["coef_"]["shape"], doc["info"]
    ('descentlab-model', 'GDRegressor', [1], {'target': 'y'})
    """
    name = type(estimator).__name__
    if name not in _estimators():
        raise DescentlabError(f"cannot save a {name}: save_model knows {', '.join(_estimators())}")
    if not hasattr(estimator, "n_features_in_"):
        raise DescentlabError(f"cannot save an unfitted {name}: call fit first")
    params = estimator.get_params()
    if callable(params["schedule"]):
        raise DescentlabError("cannot save a model whose schedule is a function: use a named "
                              "schedule (constant, invscaling, step, exponential, cosine)")
    if not isinstance(params["random_state"], (int, type(None))):
        params["random_state"] = None
    if isinstance(params.get("class_weight"), dict):  # JSON keys are text: keep the labels' types
        params["class_weight"] = [[_label(k), float(v)] for k, v in params["class_weight"].items()]
    names = _saved_names(estimator)
    attributes = {a: _encode(getattr(estimator, a)) for a in names}
    doc = {"format": FORMAT, "version": VERSION, "estimator": name, "params": params,
           "attributes": attributes, "history": _history_dict(estimator.history_),
           "info": info or {}}
    try:
        text = json.dumps(doc, indent=1, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DescentlabError(f"cannot save the model ({exc}): keep info JSON-serialisable "
                              "and the coefficients finite") from None
    return text + "\n"


def _saved_names(estimator: "GDEstimator") -> tuple[str, ...]:
    """The learned attributes a model file keeps: the estimator's, and the feature names
    when it was fitted on a DataFrame (so predict can check the columns)."""
    names = estimator._saved_attributes
    return names + ("feature_names_in_",) * hasattr(estimator, "feature_names_in_")


def _history_dict(history: History) -> dict[str, Any]:
    d = history.to_dict()
    d.pop("params", None)
    d.pop("final_params", None)
    return d


@overload
def load_model(path: str | PathLike[str], return_info: Literal[False] = False) -> "GDEstimator": ...
@overload
def load_model(path: str | PathLike[str], return_info: Literal[True]) -> tuple["GDEstimator", dict[str, Any]]: ...
def load_model(path: str | PathLike[str], return_info: bool = False,
               ) -> "GDEstimator | tuple[GDEstimator, dict[str, Any]]":
    """Read a model written by :func:`~descentlab.outputs.models.save_model`: the estimator,
    or ``(estimator, info)`` with ``return_info``.

    A file that is missing, not JSON, not a descentlab model, or hand-edited into something
    inconsistent raises a one-line :class:`DescentlabError` naming what is wrong.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from descentlab.estimators import GDRegressor
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> fitted = GDRegressor().fit(X, 2 * X[:, 0] + 1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "model.json"
    ...     _ = path.write_text(model_text(fitted))
    ...     loaded = load_model(path)
    >>> np.array_equal(loaded.predict(X), fitted.predict(X))  # bit-identical
    True
    >>> load_model("missing.json")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot read model 'missing.json' (No such file or directory): check the path
    """
    text = read_text_capped(path, "model")
    try:
        estimator, info = _from_text(text)
    except json.JSONDecodeError as exc:
        raise DescentlabError(f"model {str(path)!r} is not valid JSON (line {exc.lineno}, "
                              f"column {exc.colno}: {exc.msg}): save it again with "
                              "'descentlab fit'") from None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
        if isinstance(exc, RecursionError):
            what = "nested too deeply to be a model"
        raise DescentlabError(f"model {str(path)!r} is damaged or not a descentlab model "
                              f"({what}): save it again with 'descentlab fit'") from None
    return (estimator, info) if return_info else estimator


def _from_text(text: str) -> tuple["GDEstimator", dict[str, Any]]:
    doc = json.loads(text, parse_constant=_reject_constant)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"'format' is not {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise ValueError(f"version {doc.get('version')!r} is not {VERSION}")
    classes = _estimators()
    if doc["estimator"] not in classes:
        raise ValueError(f"unknown estimator {doc['estimator']!r}")
    cls = classes[doc["estimator"]]
    params = doc["params"]
    # a file of an older version may lack a parameter added since (issue 26's gtol): its default
    if not isinstance(params, dict) or not set(params) <= set(cls().get_params()) or \
            not set(cls().get_params()) - set(params) <= NEWER_PARAMS:
        raise ValueError(f"'params' must hold exactly the parameters of {cls.__name__}")
    if isinstance(params.get("class_weight"), list):
        pairs = params["class_weight"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise ValueError("class_weight must be a list of [label, weight] pairs")
        params["class_weight"] = {label: weight for label, weight in pairs}
    estimator = cls(**params)
    estimator._check_params()
    attributes = doc["attributes"]
    if not isinstance(attributes, dict):
        raise ValueError("'attributes' must be an object")
    for name in estimator._saved_attributes:
        if name not in attributes and name in NEWER_ATTRIBUTES:
            continue  # an older file: the estimator's _check_state takes the old meaning
        setattr(estimator, name, _decode(name, attributes[name]))
    if "feature_names_in_" in attributes:
        estimator.feature_names_in_ = _feature_names(attributes["feature_names_in_"],
                                                     estimator.n_features_in_)
    estimator._check_state()
    try:
        history = History.from_dict(doc["history"])
    except DescentlabError as exc:
        raise ValueError(f"history {exc}") from None
    if not all(math.isfinite(v) for v in history.loss + history.val_loss):
        raise ValueError("history has a non-finite loss")
    estimator.history_ = history
    info = doc.get("info", {})
    if not isinstance(info, dict):
        raise ValueError("'info' must be an object")
    return estimator, info


def _feature_names(value: Any, n_features: int) -> NDArray[np.object_]:
    names = _decode("feature_names_in_", value)
    if not (isinstance(names, np.ndarray) and names.ndim == 1 and len(names) == n_features
            and all(isinstance(n, str) for n in names) and len(set(names)) == len(names)):
        raise ValueError(f"feature_names_in_ must hold {n_features} different column names")
    return names.astype(object)


def _label(value: object) -> object:
    """A class label as JSON keeps it: a number, text or True/False (NumPy scalars unwrapped)."""
    return value.item() if isinstance(value, np.generic) else value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number a model can hold")
