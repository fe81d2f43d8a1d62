"""Settings declared once: kind, limits, help and default of every knob, and their checks.

A :class:`Setting` says what values a knob takes and what it means, once for three readers:
a run's config dataclass (fields from :func:`setting`, checked by :func:`check_config`), an
estimator (``_parameter_constraints``, as in scikit-learn, checked in ``fit`` by
:func:`check_params`) and the command line (options, choices, defaults and help:
:mod:`descentlab.cli._options`). Bad input ends in a one-line :class:`DescentlabError`.
"""

import math
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError

#: Seeds go to NumPy and scikit-learn, which take 0 <= seed < 2**32.
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class Setting:
    """What one knob accepts and means.

    Parameters
    ----------
    help : str
        One phrase for ``--help`` and the docs.
    kind : {"int", "float", "bool", "str", "choice", "sizes", "rates", "seed", "fraction", "weights"}
        ``"sizes"``: a tuple of whole numbers (hidden layer sizes); ``"rates"``: positive numbers; ``"weights"``:
        "balanced" or a dict of label to weight; ``"seed"``: whole, in [0, 2**32 - 1]; ``"fraction"``: in (0, 1).
    low, high, choices : float or None, tuple
        Limits (``low_open``/``high_open`` exclude them); the values of ``kind="choice"``.
    none : str or None
        When None is allowed: what None means (shown in help and errors).
    callable_ok, instances : bool, tuple of type
        A function (a schedule ``f(t, lr)``), objects of these classes (a ``RandomState``), are accepted too.
    label, suggest, flag : str or None
        The words for a config's error message ("learning rate", the name by default); a
        value the message suggests; the command-line option (default: ``--`` and the name).
    default : object, default=None
        The value when none is given: an estimator's ``__init__`` default, a config field's.
    cli : bool, default=False
        Whether ``descentlab fit`` has an option for it (an estimator's hyperparameter).

    Examples
    --------
    >>> Setting("learning rate", low=0, low_open=True).problem(-1.0)
    'must be a positive number'
    >>> seed = Setting("seed", kind="seed"); seed.limits(), seed.expects()  # the kind sets the limits
    ((0, 4294967295), 'a whole number in [0, 4294967295]')
    """

    help: str
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] = ()
    none: str | None = None
    callable_ok: bool = False
    label: str | None = None
    suggest: str | None = None
    flag: str | None = None
    instances: tuple[type, ...] = ()
    default: object = None
    cli: bool = False

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not accepted (a phrase after the value), or None."""
        if value is None:
            return None if self.none is not None else f"must be {self.expects()}"
        if self.callable_ok and callable(value):
            return None
        if self.instances and isinstance(value, self.instances):
            return None
        if self.kind == "choice":
            return None if value in self.choices else f"is not one of {', '.join(map(str, self.choices))}"
        if self.kind == "bool":
            return None if isinstance(value, (bool, np.bool_)) else "must be True or False"
        if self.kind == "str":
            return None if isinstance(value, str) else "must be text"
        if self.kind == "options":
            ok = isinstance(value, dict) and all(isinstance(k, str) and _is_number(v) and
                                                 math.isfinite(v) for k, v in value.items())
            return None if ok else "must be a dict of numbers, e.g. {'lr_min': 0.001}"
        if self.kind == "weights":
            ok = value == "balanced" or (isinstance(value, dict) and all(
                _is_number(v) and math.isfinite(v) and v >= 0 for v in value.values()))
            return None if ok else "must be 'balanced' or a dict of label: weight, e.g. {0: 1, 1: 5}"
        if self.kind == "rates":
            ok = isinstance(value, (tuple, list)) and len(value) > 0 and all(
                _is_number(v) and math.isfinite(v) and v > 0 for v in value)
            return None if ok else "must be a non-empty list of positive numbers, e.g. 0.01,0.5,1.8"
        if self.kind == "sizes":
            if not isinstance(value, (tuple, list)) or not value:
                return "must be a non-empty list of whole numbers, e.g. (16, 8)"
            bad = [v for v in value if not _is_int(v) or v < 1]
            return None if not bad else f"holds {bad[0]!r}: each size must be a whole number of at least 1"
        if self.kind == "fraction" and _is_number(value) and not 0 < value < 1:
            return "is outside (0, 1)"
        whole = self.kind in ("int", "seed")
        if (whole and not _is_int(value)) or (not whole and not _is_number(value)) \
                or not math.isfinite(value) or not self._in_range(value):
            return f"must be {self.expects()}"
        return None

    def _in_range(self, value: float) -> bool:
        low, high = self.limits()
        if low is not None and (value < low or (self.low_open and value == low)):
            return False
        return not (high is not None and (value > high or (self.high_open and value == high)))

    def limits(self) -> tuple[float | None, float | None]:
        if self.kind == "seed":
            return 0, SEED_MAX
        if self.kind == "fraction":
            return 0.0, 1.0
        return self.low, self.high

    def expects(self) -> str:
        """What is accepted, in words: "a positive number", "a whole number of at least 1"."""
        noun = "a whole number" if self.kind in ("int", "seed") else "a number"
        low, high = self.limits()
        if self.kind == "fraction":
            text = "a fraction in (0, 1)"
        elif self.low_open and self.high_open and low is not None and high is not None:
            text = f"{noun} in ({_num(low)}, {_num(high)})"
        elif low == 0 and self.low_open and high is None:
            text = "a positive number" if noun == "a number" else "a whole number of at least 1"
        elif low is not None and high is not None:
            ends = "[(" [self.low_open] + f"{_num(low)}, {_num(high)}" + "])"[self.high_open]
            text = f"{noun} in {ends}"
        elif low is not None:
            text = f"{noun} {'above' if self.low_open else 'of at least'} {_num(low)}"
            if low == 0 and not self.low_open:
                text = "a non-negative number" if noun == "a number" else "a whole number of at least 0"
        else:
            text = noun
        if self.none is not None:
            text += f", or None ({self.none})"
        if self.callable_ok:
            text += ", or a function f(t, lr)"
        for cls in self.instances:
            text += f", or a {cls.__module__.replace('.mtrand', '')}.{cls.__name__}"
        return text


def setting(default: Any, help: str, **kwargs: Any) -> Any:
    """A dataclass field whose metadata holds its :class:`Setting` (the kind from the default).

    >>> setting(100, "epochs", low=1).metadata["setting"].expects()
    'a whole number of at least 1'
    """
    kwargs.setdefault("kind", _kind_of(default))
    return field(default=default, metadata={"setting": Setting(help, default=default, **kwargs)})


def config_settings(config_class: type) -> dict[str, tuple[Setting, Any]]:
    """``{name: (Setting, default)}`` of a config dataclass, in declaration order.

    >>> from dataclasses import make_dataclass
    >>> Run = make_dataclass("Run", [("lr", float, lr_setting(0.1)), ("epochs", int, epochs_setting(50))])
    >>> {name: (s.kind, default) for name, (s, default) in config_settings(Run).items()}
    {'lr': ('float', 0.1), 'epochs': ('int', 50)}
    """
    return {f.name: (f.metadata["setting"], None if f.default is MISSING else f.default)
            for f in fields(config_class) if "setting" in f.metadata}


def check_config(config: Any) -> None:
    """Check every declared field of ``config`` (sizes given as lists are stored as tuples).

    >>> from dataclasses import make_dataclass
    >>> check_config(make_dataclass("Run", [("lr", float, lr_setting(0.1))])(lr=-1))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: learning rate -1 must be a positive number: try 0.1
    """
    for name, (s, _) in config_settings(type(config)).items():
        value = getattr(config, name)
        if s.kind == "sizes" and isinstance(value, list):
            value = tuple(value)
            setattr(config, name, value)
        check_value(s.label or name.replace("_", " "), value, s)


def check_value(label: str, value: Any, s: Setting) -> Any:
    """Return ``value`` if the Setting ``s`` accepts it; else raise, ``label`` naming it.

    >>> check_value("epochs", 0, SIZE)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: epochs 0 must be a whole number of at least 1
    """
    reason = s.problem(value)
    if reason is None:
        return value
    if s.kind == "sizes" and isinstance(value, (tuple, list)):
        if not value:
            raise DescentlabError(f"give at least one {label}, e.g. 2 16")
        bad = next(v for v in value if s.problem((v,)) is not None)
        raise DescentlabError(f"{label} {bad!r} must be a whole number of at least 1")
    if s.kind == "choice":
        raise DescentlabError(f"unknown {label} {value!r}: choose one of {', '.join(map(str, s.choices))}")
    hint = f": try {s.suggest}" if s.suggest is not None else ""
    raise DescentlabError(f"{label} {value!r} {reason}{hint}")


def check_params(owner: object, constraints: dict[str, Setting]) -> None:
    """Check an estimator's hyperparameters against its ``_parameter_constraints``.

    >>> class Model: lr = 0
    >>> check_params(Model(), {"lr": LEARNING_RATE})
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: Model: lr=0 must be a positive number
    """
    for name, s in constraints.items():
        value = getattr(owner, name)
        reason = s.problem(value)
        if reason is not None:
            raise DescentlabError(f"{type(owner).__name__}: {name}={value!r} {reason}")


def _kind_of(default: Any) -> str:
    """The kind a default implies (bool first: True is an int too); "float" for the rest."""
    kinds = ((bool, "bool"), (int, "int"), (str, "str"), (tuple, "sizes"))
    return next((kind for cls, kind in kinds if isinstance(default, cls)), "float")


def _num(value: float) -> str:
    """A limit as text: whole numbers in full (4294967295, not 4.29497e+09)."""
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return f"{value:g}"


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


# -- the checks the library's own classes call -----------------------------------------
SIZE = Setting("a size", kind="int", low=1)


def check_size(name: str, value: Any) -> None:
    """Raise unless ``value`` is a whole number of at least 1 (a size, a count of epochs).

    >>> check_size("hidden units", 2.5)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: hidden units 2.5 must be a whole number of at least 1
    """
    check_value(name, value, SIZE)


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise unless ``value`` is one of ``choices``; the message lists them.

    >>> check_choice("optimizer", "adam", ["sgd", "momentum"])
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: unknown optimizer 'adam': choose one of sgd, momentum
    """
    check_value(name, value, Setting(name, kind="choice", choices=tuple(choices)))


#: What a learning rate accepts: a finite number above 0. Every rate is checked by it.
LEARNING_RATE = Setting("learning rate", low=0, low_open=True, label="learning rate")


def check_rate(lr: Any, suggest: str = "0.01") -> float:
    """Raise unless ``lr`` is a finite number above 0 (:data:`LEARNING_RATE`); return it.

    >>> check_rate(0.05)
    0.05
    """
    return float(check_value("learning rate", lr, replace(LEARNING_RATE, suggest=suggest)))


def lr_setting(default: float) -> Any:
    """The learning-rate field of a run's config, with its default.

    >>> lr_setting(0.5).default, lr_setting(0.5).metadata["setting"].suggest
    (0.5, '0.5')
    """
    return field(default=float(default), metadata={"setting": replace(
        LEARNING_RATE, default=float(default), suggest=f"{default:g}")})


def epochs_setting(default: int) -> Any:
    """The epoch-budget field of a run's config, with its default.

    >>> epochs_setting(200).default, epochs_setting(200).metadata["setting"].problem(0)
    (200, 'must be a whole number of at least 1')
    """
    return setting(int(default), "epochs", low=1, suggest=str(default))
