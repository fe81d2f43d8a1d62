"""The playground's settings and caps, declared once: they validate every request, and
``GET /api/limits`` sends them to the page, which builds its controls and shows the caps
from them.

A request body is a JSON object whose keys are names of :data:`FIELDS`; every key is
optional (the default is used), an unknown key, a wrong type or a value out of range is
refused with one line that says what to send instead.
"""

import math
from dataclasses import dataclass

from descentlab.core.optimizers import check_prox
from descentlab.core.penalties import PENALTIES
from descentlab.core.stepsize import REGIME_EDGES  # the page's colours change at these fractions
from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import BASE_CONSTRAINTS

#: What one request may ask for. ``updates`` caps epochs x mini-batches per epoch.
LIMITS = {
    "epochs": 3000,
    "samples": 2000,
    "hidden": 32,
    "updates": 60_000,
    "upload_bytes": 256 * 1024,
    "body_bytes": 320 * 1024,
}

DATA_SOURCES = ("article", "scaled", "sine", "blobs", "csv")
MODELS = ("linear", "network", "logistic")
OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adam")
SCHEDULE_NAMES = ("constant", "invscaling", "step", "exponential", "cosine")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity")
#: The estimators' penalties (:mod:`descentlab.core.penalties`), and "none".
PENALTY_NAMES = ("none",) + PENALTIES


@dataclass(frozen=True)
class Field:
    """One setting: its kind (``"number"``, ``"int"``, ``"choice"``, ``"text"``, ``"params"``),
    its default, its range or choices, whether null is allowed, and what it means."""

    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    nullable: bool = False
    help: str = ""

    def to_dict(self):
        out = {"kind": self.kind, "default": self.default, "nullable": self.nullable, "help": self.help}
        if self.low is not None:
            out.update(min=self.low, max=self.high)
        if self.choices:
            out["choices"] = list(self.choices)
        return out


FIELDS = {
    "data": Field("choice", "article", choices=DATA_SOURCES,
                  help="the data: the article's line, the same line badly scaled (x' = 5x + 10), "
                       "a sine, two blobs (logistic regression) or the uploaded CSV"),
    "model": Field("choice", "linear", choices=MODELS,
                   help="linear regression, a 1-h-1 network, or logistic regression (blobs only)"),
    "lr": Field("number", 0.05, 1e-5, 100.0, help="learning rate"),
    "epochs": Field("int", 61, 1, LIMITS["epochs"], help="epochs to train"),
    "optimizer": Field("choice", "gd", choices=OPTIMIZER_NAMES, help="the update rule"),
    "momentum": Field("number", 0.9, 0.0, 0.999, help="beta of momentum and Nesterov, beta1 of Adam"),
    "schedule": Field("choice", "constant", choices=SCHEDULE_NAMES, help="learning-rate schedule"),
    "batch_size": Field("int", None, 1, LIMITS["samples"], nullable=True,
                        help="rows per update; null is the full batch (the article's)"),
    "samples": Field("int", 200, 10, LIMITS["samples"], help="data points (80% train, 20% test)"),
    "noise": Field("number", 10.0, 0.0, 100.0,
                   help="noise std of the targets (the blobs' spread for blobs)"),
    "seed": Field("int", 7, 0, 2**31 - 1, help="seeds the split, the start and the mini-batches"),
    "data_seed": Field("int", 42, 0, 2**31 - 1, help="seeds the data"),
    "m": Field("number", None, -1e6, 1e6, nullable=True, help="starting m (null: drawn from the seed)"),
    "b": Field("number", None, -1e6, 1e6, nullable=True, help="starting b (null: drawn from the seed)"),
    "params": Field("params", None, nullable=True,
                    help="starting parameters of a network or logistic model, as the answer's "
                         "frames give them (null: drawn from the seed)"),
    "velocity": Field("params", None, nullable=True,
                      help="momentum's velocity at the start of a continued run, keyed like params "
                           "(the answer's velocity at the epoch continued from)"),
    "start_epoch": Field("int", 0, 0, LIMITS["epochs"],
                         help="the schedule's step to start from, when continuing a run"),
    "hidden": Field("int", 16, 1, LIMITS["hidden"], help="hidden units of the network"),
    "activation": Field("choice", "tanh", choices=ACTIVATIONS,
                        help="the network's hidden activation (identity: the article's linear network)"),
    "penalty": Field("choice", "none", choices=PENALTY_NAMES,
                     help=BASE_CONSTRAINTS["penalty"].help + "; the linear model only"),
    "alpha": Field("number", 1.0, 0.0, 1000.0, help=BASE_CONSTRAINTS["alpha"].help +
                   ": a in half-MSE + a ((1 - l1_ratio)/2 m^2 + l1_ratio |m|)"),
    "l1_ratio": Field("number", 0.5, 0.0, 1.0, help=BASE_CONSTRAINTS["l1_ratio"].help),
    "csv": Field("text", None, nullable=True, help="the CSV text (data 'csv')"),
    "feature": Field("text", None, nullable=True, help="the CSV's feature column"),
    "target": Field("text", None, nullable=True, help="the CSV's target column"),
}


def _check(name, field, value):
    if value is None:
        if field.nullable:
            return None
        raise DescentlabError(f"{name} must not be null: send a value such as {field.default!r}")
    if field.kind == "choice":
        if value not in field.choices:
            raise DescentlabError(f"unknown {name} {value!r}: choose one of {', '.join(field.choices)}")
        return value
    if field.kind == "text":
        if not isinstance(value, str):
            raise DescentlabError(f"{name} must be a string")
        return value
    if field.kind == "params":
        return _check_params(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DescentlabError(f"{name} must be a number, not {type(value).__name__}: e.g. {field.default!r}")
    if field.kind == "int" and not isinstance(value, int):
        raise DescentlabError(f"{name} {value!r} must be a whole number")
    if not (math.isfinite(value) and field.low <= value <= field.high):
        raise DescentlabError(f"{name} {value!r} is out of range: choose a value from "
                              f"{field.low:g} to {field.high:g}")
    return float(value) if field.kind == "number" else value


def _check_params(value):
    """A dict of parameter name -> number or nested list of numbers (shapes are checked later)."""
    if not isinstance(value, dict) or len(value) > 16:
        raise DescentlabError("params must be an object of parameter name -> list of numbers")

    def flat(v):
        if isinstance(v, list):
            return [x for item in v for x in flat(item)]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise DescentlabError("params must hold finite numbers only")
        return [v]

    for key, v in value.items():
        if len(flat(v)) > 4 * LIMITS["hidden"] + 8:
            raise DescentlabError(f"params {key!r} holds more numbers than any allowed model has")
    return value


def validate(body):
    """The settings of a request: ``body`` checked against :data:`FIELDS`, defaults filled in.

    Raises
    ------
    DescentlabError
        One line, for the first problem found.
    """
    if not isinstance(body, dict):
        raise DescentlabError("the request body must be a JSON object of settings, e.g. {\"lr\": 0.05}")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise DescentlabError(f"unknown setting {unknown[0]!r}: the settings are {', '.join(FIELDS)}")
    settings = {name: _check(name, field, body.get(name, field.default)) for name, field in FIELDS.items()}
    _check_combination(settings)
    return settings


def _check_combination(s):
    """What single fields cannot say: which model fits which data, and the work cap."""
    if (s["data"] == "blobs") != (s["model"] == "logistic"):
        raise DescentlabError("logistic regression trains on the blobs and the blobs need logistic "
                              "regression: set data 'blobs' with model 'logistic', or neither")
    if s["data"] == "blobs" and s["noise"] <= 0:
        raise DescentlabError("the blobs need a spread (noise) above 0: try 1.5")
    if s["penalty"] != "none" and s["model"] != "linear":
        raise DescentlabError(f"the penalty is on the linear model's slope only: set model 'linear', "
                              f"or penalty 'none' (model is {s['model']!r})")
    check_prox(s["optimizer"], s["penalty"])
    if s["data"] == "csv" and not (s["csv"] and s["feature"] and s["target"]):
        raise DescentlabError("data 'csv' needs csv (the file's text), feature and target: upload a file first")
    if s["csv"] is not None and len(s["csv"].encode()) > LIMITS["upload_bytes"]:
        raise DescentlabError(f"the CSV is over the cap of {LIMITS['upload_bytes'] // 1024} KiB: "
                              "send a smaller file")
    rows = math.ceil(0.8 * s["samples"]) if s["data"] != "csv" else LIMITS["samples"]
    per_epoch = 1 if s["batch_size"] is None else math.ceil(rows / min(s["batch_size"], rows))
    if s["epochs"] * per_epoch > LIMITS["updates"]:
        raise DescentlabError(f"{s['epochs']} epochs of {per_epoch} mini-batches is over the cap of "
                              f"{LIMITS['updates']} updates: use fewer epochs or a larger batch_size")


def limits_document():
    """What ``GET /api/limits`` answers: the caps, the regime edges and every setting."""
    return {"limits": LIMITS, "regime_edges": REGIME_EDGES,
            "settings": {name: field.to_dict() for name, field in FIELDS.items()}}
