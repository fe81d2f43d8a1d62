"""Update rules: ``step(params, grads)`` moves every parameter against its gradient.

An optimizer knows nothing about models: it sees two dicts with the same keys,
the parameters and their gradients, and updates each parameter array in place (so a
model may keep its arrays wherever it likes, e.g. inside its layers).
"""


def gd_update(param, grad, lr):
    r"""One gradient-descent step on one parameter, the article's update rule.

    Notes
    -----
    .. math:: p \leftarrow p - \alpha \, \frac{\partial L}{\partial p}

    with :math:`\alpha` the learning rate (article, "Updating the parameters").
    """
    return param - lr * grad


class GradientDescent:
    r"""Plain gradient descent with a fixed learning rate.

    Parameters
    ----------
    lr : float, default=0.05
        The learning rate :math:`\alpha`, the article's ``l_r``.
    """

    def __init__(self, lr=0.05):
        self.lr = lr

    def step(self, params, grads):
        """Set each array ``params[k]`` to ``params[k] - lr * grads[k]``, in place."""
        for key, param in params.items():
            param[...] = gd_update(param, grads[key], self.lr)

    def __repr__(self):
        return f"GradientDescent(lr={self.lr!r})"
