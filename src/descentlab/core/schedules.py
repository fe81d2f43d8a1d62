r"""Learning-rate schedules: pure functions of the step.

A schedule is a function ``schedule(t, lr) -> lr_t`` of the update count ``t``
(0, 1, 2, ...; one per optimizer step, so one per epoch when training full-batch) and
the base rate ``lr``. It keeps no state: the optimizer counts the steps (as nanoGPT's
``get_lr(it)``). Ordered from simple to complex.

Schedules that decay over a length take ``total``, the number of steps training will
make, and have no default for it: :func:`descentlab.core.trainer.train` binds it from the
run (epochs times batches per epoch, :meth:`descentlab.core.optimizers.Optimizer.set_length`),
so a cosine over 3000 epochs decays over 3000 epochs. Their other settings are keywords
(``lr_min``, ``drop``, ``power_t``...), reachable from the estimators'
``schedule_options``.
"""

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any, TypeAlias

from descentlab.errors import DescentlabError

Schedule: TypeAlias = Callable[[int, float], float]
"""A schedule: the rate of step ``t`` from the base rate, ``schedule(t, lr) -> lr_t``."""


def constant(t: int, lr: float) -> float:
    r"""The article's fixed rate: :math:`\alpha_t = \alpha`.

    >>> constant(500, 0.1)
    0.1
    """
    return lr


def inverse_scaling(t: int, lr: float, power_t: float = 0.25) -> float:
    r"""Slowly decaying rate, scikit-learn's ``"invscaling"``.

    Notes
    -----
    .. math:: \alpha_t = \frac{\alpha}{(t + 1)^{p}}

    with :math:`p` = ``power_t``. With :math:`p = 1` this is the Robbins-Monro rate
    under which stochastic gradient descent converges.

    >>> inverse_scaling(15, 0.1, power_t=0.5)  # 0.1 / sqrt(16)
    0.025
    """
    decay: float = (t + 1) ** power_t  # typeshed types float ** float as Any (it may be complex)
    return lr / decay


def step_decay(t: int, lr: float, *, total: int, drop: float = 0.5, every: int | None = None) -> float:
    r"""Multiply the rate by ``drop`` every ``every`` steps (a quarter of ``total`` when None).

    Notes
    -----
    .. math:: \alpha_t = \alpha \, d^{\lfloor t / k \rfloor}

    >>> [step_decay(t, 0.8, total=100) for t in (0, 25, 50, 99)]  # halved every quarter
    [0.8, 0.4, 0.2, 0.1]
    """
    every = every or max(1, total // 4)
    return lr * drop ** (t // every)


def exponential_decay(t: int, lr: float, gamma: float = 0.99) -> float:
    r"""Multiply the rate by ``gamma`` every step (a per-step rate: it needs no length).

    Notes
    -----
    .. math:: \alpha_t = \alpha \, \gamma^{t}

    >>> exponential_decay(2, 1.0, gamma=0.5)
    0.25
    """
    return lr * gamma ** t


def cosine(t: int, lr: float, *, total: int, lr_min: float = 0.0) -> float:
    r"""Cosine annealing from ``lr`` down to ``lr_min`` over ``total`` steps (nanoGPT's decay).

    Notes
    -----
    .. math::

        \alpha_t = \alpha_{\min} + \tfrac12 (\alpha - \alpha_{\min})
                   \bigl(1 + \cos(\pi \min(t, T) / T)\bigr)

    >>> cosine(0, 0.1, total=100), cosine(50, 0.1, total=100), cosine(100, 0.1, total=100)
    (0.1, 0.05, 0.0)
    """
    progress = min(t, total) / total
    return lr_min + 0.5 * (lr - lr_min) * (1.0 + math.cos(math.pi * progress))


SCHEDULES: dict[str, Callable[..., float]] = {
    "constant": constant,
    "invscaling": inverse_scaling,
    "step": step_decay,
    "exponential": exponential_decay,
    "cosine": cosine,
}


def schedule_options(schedule: str) -> list[str]:
    """The settings a named schedule takes (its keywords but ``total``, bound from the run).

    >>> schedule_options("step"), schedule_options("constant")
    (['drop', 'every'], [])
    """
    params = list(inspect.signature(SCHEDULES[schedule]).parameters)[2:]
    return [name for name in params if name != "total"]


class Unbound:
    """A named schedule that decays over the run's length, before the run has set it.

    Calling it is an error that says so; :func:`with_length` binds the length.

    >>> unbound = Unbound("cosine", lr_min=0.01)
    >>> unbound
    cosine(lr_min=0.01)
    >>> unbound(0, 0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: the 'cosine' schedule decays over the run's length, which is not set: ...
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        self.name, self.kwargs = name, kwargs

    def __call__(self, t: int, lr: float) -> float:
        raise DescentlabError(f"the {self.name!r} schedule decays over the run's length, which is "
                              "not set: train with it (train sets it), or pass total_steps to "
                              "make_optimizer")

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.name}({settings})"


def with_length(schedule_fn: Schedule, total: float) -> Schedule:
    """``schedule_fn`` with the run's length, ``total`` steps, bound if it waits for one.

    >>> with_length(Unbound("cosine"), 100)(50, 0.2)
    0.1...
    >>> with_length(constant, 100) is constant  # a length already set, or none needed, stays
    True
    """
    if not isinstance(schedule_fn, Unbound):
        return schedule_fn
    return functools.partial(SCHEDULES[schedule_fn.name], total=max(1, int(total)), **schedule_fn.kwargs)


def get_schedule(schedule: str | Schedule | None, total: int | None = None, **kwargs: Any) -> Schedule:
    """A schedule function from its name (with keyword settings) or a callable.

    Parameters
    ----------
    schedule : str or callable or None
        One of ``SCHEDULES`` (``"constant"``, ``"invscaling"``, ``"step"``,
        ``"exponential"``, ``"cosine"``), a function ``f(t, lr)``, or None for constant.
    total : int or None
        How many steps training makes: the length a decaying schedule spans. None leaves
        it to the run (an :class:`Unbound` schedule, bound by :func:`with_length`).
    **kwargs
        Settings of a named schedule, e.g. ``power_t=0.5`` for ``"invscaling"``.

    Returns
    -------
    callable ``f(t, lr) -> float``

    Examples
    --------
    >>> get_schedule("cosine", total=100)(50, 0.2)
    0.1...
    >>> get_schedule("step")
    step()
    """
    if schedule is None:
        return constant
    if callable(schedule):
        return functools.partial(schedule, **kwargs) if kwargs else schedule
    # a name from here on
    if schedule not in SCHEDULES:
        raise DescentlabError(f"unknown learning-rate schedule {schedule!r}: "
                              f"choose one of {', '.join(SCHEDULES)}")
    unknown = sorted(set(kwargs) - set(schedule_options(schedule)))
    if unknown:
        takes = ", ".join(schedule_options(schedule)) or "no settings"
        raise DescentlabError(f"the {schedule!r} schedule has no setting {unknown[0]!r}: it takes {takes}")
    if "total" in inspect.signature(SCHEDULES[schedule]).parameters:  # the run sets the length
        unbound = Unbound(schedule, **kwargs)
        return unbound if total is None else with_length(unbound, total)
    return functools.partial(SCHEDULES[schedule], **kwargs) if kwargs else SCHEDULES[schedule]
