r"""What a learning rate does to full-batch gradient descent: the three regimes, and the
one home of the sentences that say so (the lr-study, the reports, the notebooks and the
guides quote them). The bound :math:`2/\lambda_{\max}` itself is
:func:`descentlab.core.stepsize.stability_bound`; how fast a rate is against it,
:func:`descentlab.core.stepsize.classify_rate`.

Along the steepest eigenvector of the Hessian the error is multiplied by
:math:`1 - \alpha\lambda_{\max}` every epoch: in (0, 1), (-1, 0) or below -1 (:data:`REGIMES`).
Derivation: :doc:`/maths/stability`, "Gradient descent on a quadratic".
"""

#: The three regimes, by ``lr / bound`` with ``bound = 2 / lambda_max``: the phrase for a
#: table cell and the sentence that explains it.
REGIMES: dict[str, tuple[str, str]] = {
    "monotone": ("approach monotonically",
                 "below 1/lambda_max every step moves the parameters towards the minimum "
                 "without passing it: they approach it monotonically"),
    "oscillates": ("overshoot, oscillate, converge",
                   "between 1/lambda_max and 2/lambda_max every step overshoots the minimum "
                   "along the steepest direction, so the parameters oscillate around it, but "
                   "each overshoot is smaller than the last and they converge"),
    "diverges": ("diverge",
                 "above 2/lambda_max each overshoot is larger than the last: the parameters "
                 "and the loss grow without bound and training diverges"),
}


def step_regime(lr: float, bound: float) -> str:
    r"""What full-batch gradient descent's steps do at rate ``lr``: a key of :data:`REGIMES`.

    Notes
    -----
    Along the steepest eigenvector of :math:`H` the error is multiplied by
    :math:`1 - \alpha\lambda_{\max}` every epoch: in :math:`(0, 1)` for
    :math:`\alpha < 1/\lambda_{\max}` (``"monotone"``), in :math:`(-1, 0)` for
    :math:`1/\lambda_{\max} < \alpha < 2/\lambda_{\max}` (``"oscillates"``: it changes sign,
    the steps overshoot, and it shrinks) and below :math:`-1` beyond
    (``"diverges"``). ``bound`` is :math:`2/\lambda_{\max}` (:func:`stability_bound`).

    Examples
    --------
    >>> step_regime(0.4, 2.0), step_regime(1.5, 2.0), step_regime(2.0, 2.0)
    ('monotone', 'oscillates', 'diverges')
    """
    ratio = lr / bound
    return "diverges" if ratio >= 1.0 else "oscillates" if ratio > 0.5 else "monotone"


def regime_sentence(bound: float) -> str:
    """The three regimes as one sentence, with this data's two marks, e.g. ``"Full-batch
    gradient descent on this data: below 1/lambda_max = 0.947 ...; above 2/lambda_max =
    1.894 ..."``.

    >>> print(regime_sentence(2.0))  # doctest: +ELLIPSIS
    Full-batch gradient descent (lambda_max = 1, ...): below 1/lambda_max = 1 every step ...; above 2/lambda_max = 2 each ...
    """
    lam = 2.0 / bound
    mono, osc, div = (REGIMES[k][1] for k in ("monotone", "oscillates", "diverges"))
    return (f"Full-batch gradient descent (lambda_max = {lam:.4g}, the loss's steepest curvature, "
            f"the largest eigenvalue of [X 1]^T [X 1] / N): "
            f"{mono.replace('1/lambda_max', f'1/lambda_max = {bound / 2:.4g}', 1)}; "
            f"{osc}; "
            f"{div.replace('2/lambda_max', f'2/lambda_max = {bound:.4g}', 1)}.")


def regime_marks(bound: float) -> str:
    """The three regimes in a few words with both marks, for a line or a table cell:
    ``"below 0.947 the steps approach monotonically; from 0.947 to 1.894 they overshoot and
    oscillate but converge; above 1.894 they diverge"``.

    >>> regime_marks(2.0)
    'below 1 the steps approach monotonically; from 1 to 2 they overshoot and oscillate but converge; above 2 they diverge'
    """
    return (f"below {bound / 2:.4g} the steps approach monotonically; from {bound / 2:.4g} to "
            f"{bound:.4g} they overshoot and oscillate but converge; above {bound:.4g} they diverge")
