r"""Update rules, sorted by increasing complexity: GD -> momentum -> Nesterov -> Adam.

An optimizer knows nothing about models: ``step(params, grads)`` sees two dicts with the
same keys, the parameters and their gradients, and updates each parameter array in place
(so a model may keep its arrays wherever it likes, e.g. inside its layers). Any state an
optimizer keeps (a velocity, moment estimates) lives in ``state``, keyed by the same
parameter names (the numpy-ml convention). Plain gradient descent is momentum 0 (the
tinygrad convention): the article's update is the first special case of the general one.

The rate of update ``t`` is ``schedule(t, lr)`` (:mod:`descentlab.core.schedules`).
"""

from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

from descentlab.core.models import Params
from descentlab.core.schedules import Schedule, get_schedule, with_length
from descentlab.core.xp import Array, copy, namespace, vdot, write, zeros_like
from descentlab.errors import DescentlabError
from descentlab.settings import check_rate

Prox: TypeAlias = Callable[[str, Array, float], Array]
"""A penalty's proximal step, ``prox(name, value, step) -> value`` (:mod:`descentlab.core.penalties`)."""


def gd_update(param: Array | float, grad: Array | float, lr: float) -> Array | float:
    r"""One gradient-descent step on one parameter, the article's update rule.

    Notes
    -----
    .. math:: p \leftarrow p - \alpha \, \frac{\partial L}{\partial p}

    with :math:`\alpha` the learning rate (article, "Updating the parameters").

    >>> gd_update(2.0, 0.5, lr=0.1)
    1.95
    """
    return param - lr * grad


class Optimizer:
    """What every update rule shares: a base rate, its schedule, a step count, state by name.

    Parameters
    ----------
    lr : float
    schedule : str or callable or None

    Examples
    --------
    >>> opt = GradientDescent(0.1, schedule="cosine")
    >>> opt.set_length(10)  # train sets it from epochs x batches
    >>> opt.t = 5
    >>> opt.rate()  # halfway down the cosine
    0.05
    >>> params = {"w": np.array([1.0])}; opt.step(params, {"w": np.array([2.0])})
    >>> params, opt.stable_lr(4.0)  # 1 - 0.05 x 2; 2 / lam_max
    ({'w': array([0.9])}, 0.5)
    """

    def __init__(self, lr: float, schedule: str | Schedule | None = None) -> None:
        self.lr = lr
        self.schedule = schedule
        self._lr_at = get_schedule(schedule)
        self.t = 0
        self.state: dict[str, dict[str, Array]] = {}

    def rate(self) -> float:
        """The learning rate of the next update, ``schedule(t, lr)``."""
        return self._lr_at(self.t, self.lr)

    def set_length(self, total_steps: int) -> None:
        """Set the run's length, ``total_steps`` updates, on a schedule that decays over one
        and has none yet (:func:`descentlab.core.trainer.train` does, from its epochs and
        batches); a length already set stays."""
        self._lr_at = with_length(self._lr_at, total_steps)

    #: Whether ``step`` takes a ``prox`` (an l1 penalty's proximal step, :mod:`descentlab.core.penalties`).
    proximal = False

    def step(self, params: Params, grads: Params, prox: Prox | None = None) -> None:
        """Update each array ``params[k]`` from ``grads[k]``, in place."""
        raise NotImplementedError

    def stable_lr(self, lam_max: float) -> float | None:
        """The largest stable rate on a quadratic whose Hessian's top eigenvalue is ``lam_max``
        (None: the rule has no such bound)."""
        raise NotImplementedError


class GradientDescent(Optimizer):
    r"""Gradient descent, with optional (heavy-ball or Nesterov) momentum.

    Parameters
    ----------
    lr : float, default=0.05
        The learning rate :math:`\alpha`, the article's ``l_r``.
    momentum : float, default=0.0
        :math:`\beta`; 0 is the article's plain gradient descent.
    nesterov : bool, default=False
        Take the gradient step from the look-ahead point.
    schedule : str or callable or None, default=None
        The learning-rate schedule (None: constant).
    restart : bool, default=False
        Adaptive restart: forget the velocity whenever the last step went uphill (the new
        gradient opposes the velocity, :math:`\sum g \cdot v < 0`), so that momentum's
        overshoot does not fool a stopping rule that watches the loss.

    Attributes
    ----------
    t : int
        Updates done so far; the schedule's step.
    restarts : int
        Velocity resets so far (``restart``).
    state : dict of str to dict
        ``state[name]["v"]``, the velocity :math:`v` of parameter ``name``.

    Notes
    -----
    With :math:`g = \partial L/\partial p` (the PyTorch/tinygrad form),

    .. math::

        v \leftarrow \beta v + g, \qquad
        p \leftarrow p - \alpha_t \, v \quad\text{(momentum)}, \qquad
        p \leftarrow p - \alpha_t \, (g + \beta v) \quad\text{(Nesterov)}.

    With :math:`\beta = 0` both are :func:`gd_update`. ``restart`` resets :math:`v` to 0 when
    :math:`\sum_k g_k \cdot v_k < 0`. Derivation: :doc:`/maths/stability`, "Adaptive restart".

    Examples
    --------
    >>> opt, params = GradientDescent(0.1, momentum=0.5), {"w": np.array([1.0])}
    >>> opt.step(params, {"w": np.array([2.0])}); params  # v = 2
    {'w': array([0.8])}
    >>> opt.step(params, {"w": np.array([2.0])}); params, opt.state  # v = 0.5 * 2 + 2
    ({'w': array([0.5])}, {'w': {'v': array([3.])}})
    """

    proximal = True

    def __init__(self, lr: float = 0.05, momentum: float = 0.0, nesterov: bool = False,
                 schedule: str | Schedule | None = None, restart: bool = False) -> None:
        super().__init__(lr, schedule)
        self.momentum, self.nesterov, self.restart = momentum, nesterov, restart
        self.restarts = 0

    def step(self, params: Params, grads: Params, prox: Prox | None = None) -> None:
        """Move each array ``params[k]`` against ``grads[k]``, in place; ``prox(name, value,
        step)``, when given, is a penalty's proximal step, taken after it (:meth:`proximal_step`).

        >>> opt, params = GradientDescent(0.1), {"w": np.array([1.0])}
        >>> opt.step(params, {"w": np.array([2.0])}); params, opt.t
        ({'w': array([0.8])}, 1)
        """
        lr = self.rate()
        if prox is not None:
            self.proximal_step(params, grads, prox, lr)
            self.t += 1
            return
        if self.restart and self.state and sum(
                float(np.vdot(state["v"], g)) if type(g := grads[key]) is np.ndarray else vdot(state["v"], g)
                for key, state in self.state.items()) < 0:  # NumPy's vdot without a wrapper: per epoch
            self.state = {}
            self.restarts += 1
        for key, param in params.items():  # momentum 0, the article's update: no velocity to look up
            new = gd_update(param, self.direction(key, grads[key]) if self.momentum else grads[key], lr)
            if type(param) is np.ndarray:  # NumPy in place, without a call: the hot path of every fit
                param[...] = new
            else:
                write(params, key, new)
        self.t += 1

    def proximal_step(self, params: Params, grads: Params, prox: Prox, lr: float) -> None:
        r"""The proximal forms, which reach the penalised optimum :math:`0 \in g + \partial R_1`
        (:math:`g` the gradient of the loss and the l2 part, :math:`R_1` the l1 part).

        Notes
        -----
        With :math:`x_k` the current point and :math:`x_{k-1}` the one before (kept in
        ``state[name]["x"]``):

        .. math::

            x_{k+1} = \operatorname{prox}(x_k - \alpha g) \;\text{(GD: ISTA)},\quad
            x_{k+1} = \operatorname{prox}(x_k - \alpha g + \beta (x_k - x_{k-1})) \;\text{(momentum: iPiano)},

        and FISTA's look-ahead for Nesterov (there the kept point is the last proximal point). Derivation: :doc:`/maths/penalties`, "The proximal step".

        Examples
        --------
        >>> soft = lambda name, v, step: np.sign(v) * np.maximum(np.abs(v) - step, 0.0)  # l1's prox
        >>> params = {"w": np.array([1.0, 0.2])}
        >>> GradientDescent(0.5).step(params, {"w": np.zeros(2)}, prox=soft); params  # ISTA
        {'w': array([0.5, 0. ])}
        """
        beta = self.momentum
        last = {k: self.state.setdefault(k, {"x": copy(p)})["x"] for k, p in params.items()}
        heavy = beta > 0 and not self.nesterov
        new = {k: prox(k, p - lr * grads[k] + (beta * (p - last[k]) if heavy else 0.0), lr)
               for k, p in params.items()}
        restart = self.restart and beta > 0 and sum(
            vdot(p - new[k], new[k] - last[k]) for k, p in params.items()) > 0
        self.restarts += restart
        if restart and heavy:
            new = {k: prox(k, p - lr * grads[k], lr) for k, p in params.items()}
        for k, p in params.items():
            x = new[k]
            self.state[k]["x"] = copy(p if heavy else x)
            if beta > 0 and self.nesterov and not restart:
                x = x + beta * (x - last[k])
            if restart:
                self.state[k]["x"] = copy(x)
            write(params, k, x)

    def direction(self, key: str, grad: Array) -> Array:
        """The step direction of parameter ``key``: ``g``, ``v`` or ``g + beta v`` (updating ``v``).

        >>> opt = GradientDescent(0.1, momentum=0.5, nesterov=True)
        >>> opt.direction("w", np.array([2.0])), opt.direction("w", np.array([2.0]))  # v = 2, then 3
        (array([3.]), array([3.5]))
        """
        if self.momentum == 0:
            return grad
        state = self.state.get(key) or self.state.setdefault(key, {"v": np.zeros_like(grad, dtype=float)
                                                                   if type(grad) is np.ndarray else zeros_like(grad)})
        state["v"] = self.momentum * state["v"] + grad
        return grad + self.momentum * state["v"] if self.nesterov else state["v"]

    def stable_lr(self, lam_max: float) -> float:
        r"""The largest stable rate on a quadratic loss whose Hessian has top eigenvalue ``lam_max``.

        Notes
        -----
        .. math::

            \alpha\lambda < 2 \;\text{(GD)}, \qquad
            \alpha\lambda < 2(1 + \beta) \;\text{(momentum)}, \qquad
            \alpha\lambda < \frac{2(1 + \beta)}{1 + 2\beta} \;\text{(Nesterov)}.

        Derivation: :doc:`/maths/stability`, "Momentum and Nesterov".

        Examples
        --------
        >>> GradientDescent().stable_lr(4.0), Momentum(momentum=0.5).stable_lr(4.0), Nesterov(momentum=0.5).stable_lr(4.0)
        (0.5, 0.75, 0.375)
        """
        beta = self.momentum
        factor = 2 * (1 + beta) / (1 + 2 * beta) if self.nesterov else 2 * (1 + beta)
        return factor / lam_max

    def __repr__(self) -> str:
        args = [f"lr={self.lr!r}"]
        if self.momentum or type(self) is not GradientDescent:
            args.append(f"momentum={self.momentum!r}")
        if self.nesterov and type(self) is GradientDescent:
            args.append("nesterov=True")
        if self.schedule is not None:
            args.append(f"schedule={self.schedule!r}")
        if self.restart:
            args.append("restart=True")
        return f"{type(self).__name__}({', '.join(args)})"


class Momentum(GradientDescent):
    r"""Heavy-ball momentum: :math:`v \leftarrow \beta v + g,\; p \leftarrow p - \alpha v`.

    Parameters
    ----------
    lr : float, default=0.05
    momentum : float, default=0.9
    schedule : str or callable or None, default=None
    restart : bool, default=False

    Examples
    --------
    >>> Momentum(0.1)
    Momentum(lr=0.1, momentum=0.9)
    """

    look_ahead = False

    def __init__(self, lr: float = 0.05, momentum: float = 0.9, schedule: str | Schedule | None = None,
                 restart: bool = False) -> None:
        super().__init__(lr, momentum=momentum, nesterov=self.look_ahead, schedule=schedule,
                         restart=restart)


class Nesterov(Momentum):
    r"""Nesterov momentum: :math:`v \leftarrow \beta v + g,\; p \leftarrow p - \alpha (g + \beta v)`.

    The parameters are :class:`Momentum`'s; the gradient step is taken from the
    look-ahead point.

    >>> Nesterov(0.1, momentum=0.5).stable_lr(1.0)  # 2 (1 + b) / (1 + 2 b)
    1.5
    """

    look_ahead = True


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, each coordinate scaled by its running RMS.

    Parameters
    ----------
    lr : float, default=0.001
    beta1 : float, default=0.9
    beta2 : float, default=0.999
    eps : float, default=1e-8
    schedule : str or callable or None, default=None

    Attributes
    ----------
    t : int
    state : dict of str to dict
        ``state[name]["m"]`` and ``state[name]["v"]``, the moment estimates.

    Notes
    -----
    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \qquad
        p \leftarrow p - \alpha_t \, \frac{m / (1 - \beta_1^{t})}{\sqrt{v / (1 - \beta_2^{t})} + \epsilon}

    (Kingma and Ba, 2015), with :math:`t` counted from 1: a step of about :math:`\alpha` in
    every coordinate whatever the curvature, so no stable bound on the rate.

    Examples
    --------
    >>> opt, params = Adam(0.1), {"w": np.array([1.0, -1.0])}
    >>> opt.step(params, {"w": np.array([100.0, -0.01])}); params["w"].round(6)  # about lr each, whatever |g|
    array([ 0.9, -0.9])
    >>> opt.stable_lr(1e6) is None  # no bound from the curvature
    True
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 schedule: str | Schedule | None = None) -> None:
        super().__init__(lr, schedule)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps

    def step(self, params: Params, grads: Params, prox: Prox | None = None) -> None:
        """Move each array ``params[k]`` by the Adam step of ``grads[k]``, in place."""
        if prox is not None:
            check_prox(self, "l1")
        lr = self.rate()
        self.t += 1
        for key, param in params.items():
            g = grads[key]
            state = self.state.get(key) or self.state.setdefault(key, {"m": zeros_like(g), "v": zeros_like(g)})
            m, v = state["m"], state["v"]  # updated in place: no new arrays per step
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            state["m"], state["v"] = m, v  # immutable arrays (JAX): the new ones
            m_hat = m / (1 - self.beta1 ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            root = np.sqrt(v_hat) if type(v_hat) is np.ndarray else namespace(v_hat).sqrt(v_hat)
            new = gd_update(param, m_hat / (root + self.eps), lr)
            if type(param) is np.ndarray:  # NumPy in place, without a call
                param[...] = new
            else:
                write(params, key, new)

    def stable_lr(self, lam_max: float) -> None:
        """None: Adam's step does not scale with the curvature (see Notes)."""
        return None

    def __repr__(self) -> str:
        sched = "" if self.schedule is None else f", schedule={self.schedule!r}"
        return f"Adam(lr={self.lr!r}, beta1={self.beta1!r}, beta2={self.beta2!r}{sched})"


OPTIMIZERS: dict[str, type[Optimizer]] = {"gd": GradientDescent, "momentum": Momentum, "nesterov": Nesterov, "adam": Adam}


def check_prox(optimizer: str | Optimizer, penalty: str | None) -> None:
    """Raise unless ``optimizer`` (a name of :data:`OPTIMIZERS` or an optimizer) can take
    ``penalty``: an l1 part ("l1", "elasticnet") needs a proximal step, which Adam has not.

    >>> check_prox("adam", "l2"); check_prox("nesterov", "l1")
    >>> check_prox("adam", "l1")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: Adam takes no proximal step, so no l1 penalty: ...
    """
    cls = OPTIMIZERS.get(optimizer, Optimizer) if isinstance(optimizer, str) else type(optimizer)
    if penalty in ("l1", "elasticnet") and not getattr(cls, "proximal", False):
        raise DescentlabError(f"{cls.__name__} takes no proximal step, so no {penalty} penalty: use "
                              "optimizer 'gd', 'momentum' or 'nesterov', or penalty 'l2'")


def make_optimizer(name: str, lr: float, *, momentum: float = 0.9, schedule: str | Schedule | None = None,
                   restart: bool = False, total_steps: int | None = None,
                   schedule_options: dict[str, Any] | None = None) -> Optimizer:
    """An optimizer from its name in ``OPTIMIZERS``, for estimators and the command line.

    Parameters
    ----------
    name : {"gd", "momentum", "nesterov", "adam"}
    lr : float
    momentum : float, default=0.9
        :math:`\\beta` of momentum and Nesterov, :math:`\\beta_1` of Adam; unused by "gd".
    schedule : str or callable or None, default=None
    restart : bool, default=False
        Adaptive restart of "momentum" and "nesterov" (see :class:`GradientDescent`).
    total_steps : int or None, default=None
        The updates training will make: the length a decaying schedule spans. None leaves
        it to :func:`~descentlab.core.trainer.train`, which sets it from its run.
    schedule_options : dict or None, default=None
        Settings of a named schedule (``{"lr_min": 1e-4}`` for "cosine").

    Examples
    --------
    >>> make_optimizer("nesterov", 0.05, momentum=0.8)
    Nesterov(lr=0.05, momentum=0.8)
    >>> make_optimizer("gd", 0.1, schedule="cosine", total_steps=100).rate()
    0.1
    """
    if name not in OPTIMIZERS:
        raise DescentlabError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    check_rate(lr)
    if isinstance(schedule, str) and (total_steps is not None or schedule_options):
        schedule = get_schedule(schedule, total=total_steps, **(schedule_options or {}))
    if name == "gd":
        return GradientDescent(lr, schedule=schedule)
    if name == "adam":
        return Adam(lr, beta1=momentum, schedule=schedule)
    with_momentum = Nesterov if name == "nesterov" else Momentum
    return with_momentum(lr, momentum=momentum, schedule=schedule, restart=restart)
