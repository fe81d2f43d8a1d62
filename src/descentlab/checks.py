"""Checks of user input, each failing with a one-line :class:`DescentlabError`."""

import math

import numpy as np

from descentlab.errors import DescentlabError


def check_size(name, value):
    """Raise unless ``value`` is a whole number of at least 1 (a size, a count of epochs)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise DescentlabError(f"{name} {value!r} must be a whole number of at least 1")


def check_positive(name, value, hint=""):
    """Raise unless ``value`` is a finite number above 0 (a learning rate, a spread)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
            or not math.isfinite(value) or value <= 0:
        raise DescentlabError(f"{name} {value!r} must be a positive number{hint}")


def check_non_negative(name, value):
    """Raise unless ``value`` is a finite number of at least 0 (noise)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
            or not math.isfinite(value) or value < 0:
        raise DescentlabError(f"{name} {value!r} must be a non-negative number")


def check_choice(name, value, choices):
    """Raise unless ``value`` is one of ``choices``; the message lists them."""
    if value not in choices:
        raise DescentlabError(f"unknown {name} {value!r}: choose one of {', '.join(choices)}")


def check_training(lr, epochs, suggested_lr):
    """A positive learning rate (the message suggests ``suggested_lr``) and at least one epoch."""
    check_positive("learning rate", lr, hint=f": try {suggested_lr:g}")
    check_size("epochs", epochs)
