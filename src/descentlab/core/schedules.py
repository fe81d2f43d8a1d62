r"""Learning-rate schedules: pure functions of the step.

A schedule is a function ``schedule(t, lr) -> lr_t`` of the update count ``t``
(0, 1, 2, ...; one per optimizer step, so one per epoch when training full-batch) and
the base rate ``lr``. It keeps no state: the optimizer counts the steps (as nanoGPT's
``get_lr(it)``). Ordered from simple to complex.
"""

import functools
import math

from descentlab.errors import DescentlabError


def constant(t, lr):
    r"""The article's fixed rate: :math:`\alpha_t = \alpha`."""
    return lr


def inverse_scaling(t, lr, power_t=0.25):
    r"""Slowly decaying rate, scikit-learn's ``"invscaling"``.

    Notes
    -----
    .. math:: \alpha_t = \frac{\alpha}{(t + 1)^{p}}

    with :math:`p` = ``power_t``. With :math:`p = 1` this is the Robbins-Monro rate
    under which stochastic gradient descent converges.
    """
    return lr / (t + 1) ** power_t


def step_decay(t, lr, drop=0.5, every=100):
    r"""Multiply the rate by ``drop`` every ``every`` steps.

    Notes
    -----
    .. math:: \alpha_t = \alpha \, d^{\lfloor t / k \rfloor}
    """
    return lr * drop ** (t // every)


def exponential_decay(t, lr, gamma=0.99):
    r"""Multiply the rate by ``gamma`` every step.

    Notes
    -----
    .. math:: \alpha_t = \alpha \, \gamma^{t}
    """
    return lr * gamma ** t


def cosine(t, lr, total=1000, lr_min=0.0):
    r"""Cosine annealing from ``lr`` down to ``lr_min`` over ``total`` steps (nanoGPT's decay).

    Notes
    -----
    .. math::

        \alpha_t = \alpha_{\min} + \tfrac12 (\alpha - \alpha_{\min})
                   \bigl(1 + \cos(\pi \min(t, T) / T)\bigr)
    """
    progress = min(t, total) / total
    return lr_min + 0.5 * (lr - lr_min) * (1.0 + math.cos(math.pi * progress))


SCHEDULES = {
    "constant": constant,
    "invscaling": inverse_scaling,
    "step": step_decay,
    "exponential": exponential_decay,
    "cosine": cosine,
}


def get_schedule(schedule, **kwargs):
    """A schedule function from its name (with keyword settings) or a callable.

    Parameters
    ----------
    schedule : str or callable or None
        One of ``SCHEDULES`` (``"constant"``, ``"invscaling"``, ``"step"``,
        ``"exponential"``, ``"cosine"``), a function ``f(t, lr)``, or None for constant.
    **kwargs
        Settings of a named schedule, e.g. ``power_t=0.5`` for ``"invscaling"``.

    Returns
    -------
    callable ``f(t, lr) -> float``
    """
    if schedule is None:
        return constant
    if callable(schedule):
        return functools.partial(schedule, **kwargs) if kwargs else schedule
    if schedule not in SCHEDULES:
        raise DescentlabError(f"unknown learning-rate schedule {schedule!r}: "
                              f"choose one of {', '.join(SCHEDULES)}")
    return functools.partial(SCHEDULES[schedule], **kwargs) if kwargs else SCHEDULES[schedule]
