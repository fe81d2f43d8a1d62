"""The playground's settings and caps, declared once: they validate every request, and
``GET /api/limits`` sends them to the page, which builds its controls and shows the caps
from them.

A request body is a JSON object whose keys are names of :data:`FIELDS`; every key is
optional (the default is used), an unknown key, a wrong type or a value out of range is
refused with one line that says what to send instead.
"""

import math
from dataclasses import dataclass
from typing import Any, TypeAlias

from descentlab.core.activations import ACTIVATIONS
from descentlab.core.optimizers import OPTIMIZERS, check_prox
from descentlab.core.penalties import PENALTIES
from descentlab.core.schedules import SCHEDULES
from descentlab.core.stepsize import REGIME_EDGES  # the page's colours change at these fractions
from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import BASE_CONSTRAINTS
from descentlab.lessons.collapse import BIAS_FORMS
from descentlab.settings import Setting

#: A validated request: setting name -> value, as JSON gives them (numbers, text, true/false,
#: null, and the ``params`` objects); :func:`validate` makes one, every other module reads it.
Settings: TypeAlias = dict[str, Any]

#: What one request may ask for. ``updates`` caps epochs x mini-batches per epoch.
LIMITS = {
    "epochs": 3000,
    "samples": 2000,
    "hidden": 32,
    "updates": 60_000,
    "upload_bytes": 256 * 1024,
    "body_bytes": 320 * 1024,
}

#: The smallest learning rate the API takes: far below the bound of any data it accepts.
LR_MIN = 1e-12
#: Why an upload is standardised unless the learner switches it off.
STANDARDIZE_WHY = ("standardise the uploaded feature (subtract its mean, divide by its spread): a "
                   "feature measured in large units (0 to 1000) makes the loss a long narrow valley "
                   "whose stable rate is tiny (about 1e-6); standardised, a rate near 0.1 works, as "
                   "on the article's data. Switch it off to see the raw feature's valley")

DATA_SOURCES = ("article", "scaled", "sine", "blobs", "csv")
MODELS = ("linear", "network", "logistic")
#: The estimators' penalties (:mod:`descentlab.core.penalties`), and "none".
PENALTY_NAMES = ("none",) + PENALTIES
#: The API's names of the settings' kinds (what ``GET /api/limits`` says), by Setting kind.
API_KINDS = {"float": "number", "int": "int", "choice": "choice", "str": "text", "bool": "bool",
             "params": "params"}


@dataclass(frozen=True)
class Field:
    """One playground setting: a :class:`descentlab.settings.Setting` (kind, limits, choices,
    help, label; ``none`` says what null means) and its default.

    >>> b = FIELDS["batch_size"]; b.kind, b.low, b.high, b.nullable
    ('int', 1, 2000, True)
    >>> FIELDS["model"].to_dict()["choices"]  # as ``GET /api/limits`` says it
    ['linear', 'network', 'logistic']
    """

    setting: Setting
    default: object

    @property
    def kind(self) -> str:
        return API_KINDS[self.setting.kind]

    @property
    def low(self) -> float | None:
        return self.setting.low

    @property
    def high(self) -> float | None:
        return self.setting.high

    @property
    def nullable(self) -> bool:
        return self.setting.none is not None

    def to_dict(self) -> dict[str, object]:
        s = self.setting
        out: dict[str, object] = {"kind": self.kind, "default": self.default, "nullable": self.nullable, "help": s.help,
               "label": s.label}
        if s.low is not None:
            out.update(min=s.low, max=s.high)
        if s.choices:
            out["choices"] = list(s.choices)
        return out


def field(default: object, help: str, label: str, kind: str | None = None, **kwargs: Any) -> Field:
    """A :class:`Field`: ``kind`` from the default when not given (as :func:`descentlab.settings.setting`).

    >>> field(0.5, "the step size", "learning rate", low=0.0, high=1.0).to_dict()
    {'kind': 'number', 'default': 0.5, 'nullable': False, 'help': 'the step size', 'label': 'learning rate',
     'min': 0.0, 'max': 1.0}
    """
    kind = kind or {bool: "bool", int: "int", float: "float", str: "str"}[type(default)]
    return Field(Setting(help, kind=kind, label=label, **kwargs), default)


FIELDS = {
    "data": field("article", "the data: the article's line, the same line badly scaled (x' = 5x + 10), "
                  "a sine, two blobs (logistic regression) or the uploaded CSV", "data",
                  kind="choice", choices=DATA_SOURCES),
    "model": field("linear", "linear regression, a 1-h-1 network, or logistic regression (blobs only)",
                   "model", kind="choice", choices=MODELS),
    "lr": field(0.05, "learning rate (the answer's lr_range suggests a slider range around this data's "
                "bound)", "learning rate", low=LR_MIN, high=100.0),
    "epochs": field(61, "epochs to train", "number of epochs", low=1, high=LIMITS["epochs"]),
    "optimizer": field("gd", "the update rule", "optimizer", kind="choice", choices=tuple(OPTIMIZERS)),
    "momentum": field(0.9, "beta of momentum and Nesterov, beta1 of Adam", "momentum (beta)",
                      low=0.0, high=0.999),
    "schedule": field("constant", "learning-rate schedule", "schedule", kind="choice",
                      choices=tuple(SCHEDULES)),
    "batch_size": field(None, "rows per update; null is the full batch (the article's)", "batch size",
                        kind="int", low=1, high=LIMITS["samples"], none="the full batch"),
    "samples": field(200, "data points (split into train and test rows)", "number of points",
                     low=10, high=LIMITS["samples"]),
    "test_size": field(0.2, "the fraction of the rows held out to test on (a larger one leaves fewer "
                       "to train on: overfitting)", "test fraction", low=0.1, high=0.9),
    "noise": field(10.0, "noise std of the targets (the blobs' spread for blobs)", "noise",
                   low=0.0, high=100.0),
    "seed": field(7, "seeds the split, the start and the mini-batches", "seed", low=0, high=2**31 - 1),
    "data_seed": field(42, "seeds the data", "data seed", low=0, high=2**31 - 1),
    "m": field(None, "starting m (null: drawn from the seed)", "starting slope m", kind="float",
               low=-1e6, high=1e6, none="drawn from the seed", suggest="1.5"),
    "b": field(None, "starting b (null: drawn from the seed)", "starting intercept b", kind="float",
               low=-1e6, high=1e6, none="drawn from the seed", suggest="0"),
    "params": field(None, "starting parameters of a network or logistic model, as the answer's "
                    "frames give them (null: drawn from the seed)", "starting parameters",
                    kind="params", none="drawn from the seed"),
    "velocity": field(None, "momentum's velocity at the start of a continued run, keyed like params "
                      "(the answer's velocity at the epoch continued from)", "starting velocity",
                      kind="params", none="zero"),
    "start_epoch": field(0, "the schedule's step to start from, when continuing a run", "starting epoch",
                         low=0, high=LIMITS["epochs"]),
    "hidden": field(16, "hidden units of the network", "number of hidden units", low=1, high=LIMITS["hidden"]),
    "activation": field("tanh", "the network's hidden activation (identity: the article's linear network)",
                        "activation", kind="choice", choices=tuple(ACTIVATIONS)),
    "bias_form": field("layers", "the linear network's biases: a bias in each layer, or x0, the article's "
                       "inputs [x, 1] and no biases (the collapse lesson's network)", "bias form",
                       kind="choice", choices=BIAS_FORMS),
    "penalty": field("none", BASE_CONSTRAINTS["penalty"].help + "; the linear model only", "penalty",
                     kind="choice", choices=PENALTY_NAMES),
    "alpha": field(1.0, BASE_CONSTRAINTS["alpha"].help + ": a in half-MSE + a ((1 - l1_ratio)/2 m^2 + "
                   "l1_ratio |m|)", "penalty strength (alpha)", low=0.0, high=1000.0),
    "l1_ratio": field(0.5, BASE_CONSTRAINTS["l1_ratio"].help, "l1 ratio", low=0.0, high=1.0),
    "csv": field(None, "the CSV text (data 'csv')", "CSV file", kind="str", none="no file"),
    "csv_name": field(None, "the uploaded file's name, for messages", "file name", kind="str", none="upload.csv"),
    "standardize": field(True, STANDARDIZE_WHY, "standardisation switch"),
    "feature": field(None, "the CSV's feature column", "feature column", kind="str", none="none"),
    "target": field(None, "the CSV's target column", "target column", kind="str", none="none"),
}


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _check(name: str, f: Field, value: object) -> object:
    """``value`` of setting ``name`` checked by its Setting; a plain sentence when refused."""
    s, label = f.setting, f"the {f.setting.label} ({name})"
    if value is None:
        if f.nullable:
            return None
        raise DescentlabError(f"{label[0].upper() + label[1:]} needs a value, for example {f.default!r}.")
    if s.kind == "params":
        return _check_params(name, value)
    if s.kind in ("float", "int") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise DescentlabError(f"{label[0].upper() + label[1:]} must be a number, not "
                              f"{_kind_word(value)}: for example {s.suggest or _num(f.default)}.")
    if s.problem(value) is None:
        return float(value) if s.kind == "float" and isinstance(value, (int, float)) else value
    what = label[0].upper() + label[1:]
    if s.kind == "choice":
        raise DescentlabError(f"There is no {s.label} {str(value)[:40]!r}: choose one of "
                              f"{', '.join(s.choices)}.")
    if s.kind == "int" and not isinstance(value, int):
        raise DescentlabError(f"{what} must be a whole number, not {value!r}.")
    if s.kind in ("float", "int"):
        raise DescentlabError(f"{what} must be from {_num(s.low)} to {_num(s.high)}, not {value!r}.")
    raise DescentlabError(f"{what} must be {'true or false' if s.kind == 'bool' else 'text'}, not "
                          f"{_kind_word(value)}.")


def _kind_word(value: object) -> str:
    return {str: "text", list: "a list", dict: "an object", bool: "true or false"}.get(type(value), repr(value))


def _check_params(name: str, value: object) -> dict[str, object]:
    """A dict of parameter name -> number or nested list of numbers (shapes are checked later)."""
    if not isinstance(value, dict) or len(value) > 16:
        raise DescentlabError(f"The {name} must be an object of parameter name -> list of numbers, as "
                              "the answer's frames give them.")

    def flat(v: object) -> list[float]:
        if isinstance(v, list):
            return [x for item in v for x in flat(item)]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise DescentlabError(f"The {name} must hold finite numbers only.")
        return [v]

    for key, v in value.items():
        if len(flat(v)) > 4 * LIMITS["hidden"] + 8:
            raise DescentlabError(f"The {name} {key!r} holds more numbers than any model here has.")
    return value


def validate(body: object) -> Settings:
    """The settings of a request: ``body`` checked against :data:`FIELDS`, defaults filled in.

    Raises
    ------
    DescentlabError
        One line, for the first problem found.

    >>> s = validate({"lr": 0.1})
    >>> s["lr"], s["epochs"], s["model"]
    (0.1, 61, 'linear')
    >>> validate({"lr": -1})
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: The learning rate (lr) must be from 1e-12 to 100, not -1.
    """
    if not isinstance(body, dict):
        raise DescentlabError("The request must be a JSON object of settings, such as {\"lr\": 0.05}.")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise DescentlabError(f"There is no setting called {unknown[0][:40]!r}: the settings are "
                              f"{', '.join(FIELDS)}.")
    settings = {name: _check(name, field, body.get(name, field.default)) for name, field in FIELDS.items()}
    _check_combination(settings)
    return settings


def _check_combination(s: Settings) -> None:
    """What single fields cannot say: which model fits which data, and the work cap."""
    if (s["data"] == "blobs") != (s["model"] == "logistic"):
        raise DescentlabError("Logistic regression sorts the two blobs into classes, and the blobs need "
                              "it: choose the data 'blobs' with the model 'logistic', or neither.")
    if s["data"] == "blobs" and s["noise"] <= 0:
        raise DescentlabError("The blobs need a spread (noise) above 0: try 1.5.")
    if s["bias_form"] == "x0" and not (s["model"] == "network" and s["activation"] == "identity"):
        raise DescentlabError("The x0 bias form is the article's linear network: choose the model "
                              "'network' with the activation 'identity', or the bias form 'layers'.")
    if s["penalty"] != "none" and s["model"] != "linear":
        raise DescentlabError(f"The penalty pulls the line's slope only: choose the model 'linear', or "
                              f"the penalty 'none' (the model is {s['model']!r}).")
    check_prox(s["optimizer"], s["penalty"])
    if s["data"] == "csv" and not (s["csv"] and s["feature"] and s["target"]):
        raise DescentlabError("To train on your own data, upload a file first and choose its feature "
                              "and target columns.")
    if s["csv"] is not None and len(s["csv"].encode()) > LIMITS["upload_bytes"]:
        raise DescentlabError(f"Your file is larger than {LIMITS['upload_bytes'] // 1024} KiB: upload a "
                              "smaller one.")
    if s["data"] != "csv" and s["samples"] - math.ceil(s["test_size"] * s["samples"]) < 5:
        raise DescentlabError(f"{s['samples']} points with {s['test_size']:g} of them held out leave fewer "
                              "than 5 to train on: use more points or a smaller test fraction.")
    rows = s["samples"] - math.ceil(s["test_size"] * s["samples"]) if s["data"] != "csv" else LIMITS["samples"]
    per_epoch = 1 if s["batch_size"] is None else math.ceil(rows / min(s["batch_size"], rows))
    if s["epochs"] * per_epoch > LIMITS["updates"]:
        raise DescentlabError(f"{s['epochs']} epochs of {per_epoch} mini-batches each would be "
                              f"{s['epochs'] * per_epoch:,} updates, more than the {LIMITS['updates']:,} "
                              "one run may take: use fewer epochs or a larger batch size.")


def limits_document() -> dict[str, object]:
    """What ``GET /api/limits`` answers: the caps, the regime edges and every setting.

    >>> document = limits_document()
    >>> sorted(document), document["settings"]["epochs"]["max"], document["regime_edges"]["good"]
    (['limits', 'regime_edges', 'settings'], 3000, 0.8)
    """
    return {"limits": LIMITS, "regime_edges": REGIME_EDGES,
            "settings": {name: field.to_dict() for name, field in FIELDS.items()}}
