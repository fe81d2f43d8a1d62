"""Losses: a value and its gradient with respect to the prediction.

Each loss is an object with ``loss(y, y_pred)`` and ``grad(y, y_pred)``
(the numpy-ml convention). ``grad`` returns :math:`\\partial L / \\partial \\hat y`
with the same shape as ``y_pred``, already divided by the number of samples, so
that a model's backward pass only applies the chain rule.
"""

import numpy as np


class MeanSquaredError:
    r"""Half the mean squared error, the article's ``compute_loss``.

    Notes
    -----
    For :math:`N` predictions (all samples and outputs),

    .. math::

        L = \frac{1}{2N} \sum_{i=1}^{N} (\hat y_i - y_i)^2, \qquad
        \frac{\partial L}{\partial \hat y_i} = \frac{\hat y_i - y_i}{N}.

    The factor 1/2 cancels the 2 of the derivative (article, "Cost/Loss Function").
    """

    name = "mse"

    def loss(self, y, y_pred):
        """Return :math:`L` as a float. ``y`` and ``y_pred`` have the same shape."""
        return 0.5 * float(np.mean((y_pred - y) ** 2))

    def grad(self, y, y_pred):
        """Return ``dLdY``, the gradient of ``loss`` with respect to ``y_pred``."""
        return (y_pred - y) / y.size

    def __repr__(self):
        return "MeanSquaredError()"
