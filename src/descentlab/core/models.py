"""Models: a prediction (``forward``) and the chain rule back to the parameters.

Every model answers the same small interface (:class:`Model`): it holds its parameters
in a dict ``params`` and, after ``backward``, returns gradients in a dict with the same
keys (the numpy-ml convention), ready for an optimizer's ``step(params, grads)``.

The affine map and its gradients are written once, here, and serve the article's
scalar functions (:mod:`descentlab.tutorial`), the n-feature linear model and, later,
the dense layers of a network.
"""

import numpy as np

from descentlab.core.xp import copy, like, namespace, write


def linear_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    r"""The affine map, the article's ``forward_prop`` in matrix form.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    W : ndarray of shape (n_features,) or (n_features, n_outputs)
    b : float or ndarray of shape () or (n_outputs,)

    Returns
    -------
    y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)

    Notes
    -----
    .. math:: \hat y = X W + b

    With one feature, :math:`W = [m]` and this is the article's :math:`\hat y = m x + b`.

    Examples
    --------
    >>> linear_forward(np.array([[0.0], [1.0], [2.0]]), np.array([2.0]), 1.0)  # m = 2, b = 1
    array([1., 3., 5.])
    """
    return X @ W + b


def linear_backward(X: np.ndarray, dLdY: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients of the loss with respect to ``W`` and ``b`` of :func:`linear_forward`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The input that ``linear_forward`` saw.
    dLdY : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        The gradient of the loss with respect to the prediction.

    Returns
    -------
    dW : ndarray with the shape of ``W``
    db : ndarray with the shape of ``b``

    Notes
    -----
    .. math::

        \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial \hat y},
        \qquad
        \frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial \hat y_i}.

    With the half-mean squared error, :math:`\partial L/\partial \hat y_i =
    (\hat y_i - y_i)/N`, so for one feature these are the article's
    ``dm = mean((y_pred - y) * X)`` and ``db = mean(y_pred - y)``.

    Examples
    --------
    >>> X, residual = np.array([[1.0], [3.0]]), np.array([0.5, -0.5])  # dL/dy_pred
    >>> linear_backward(X, residual)
    (array([-1.]), np.float64(0.0))
    """
    dW = X.T @ dLdY
    db = namespace(dLdY).sum(dLdY, axis=0)
    return dW, db


def linear_hessian(X: np.ndarray, h: np.ndarray) -> np.ndarray:
    r"""The sum over rows of the loss's Hessian in :math:`[\operatorname{vec} W, b]` of :func:`linear_forward`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    h : ndarray of shape (n_samples,) or (n_samples, K, K)
        Each row's :math:`\partial^2 \ell_i / \partial \hat y_i^2` (a loss's ``hessian_rows``,
        times the row's weight).

    Returns
    -------
    ndarray of shape (d K, d K), :math:`d` = n_features + 1 (K = 1 for one output)

    Notes
    -----
    .. math:: H = \sum_i \tilde x_i \tilde x_i^\top \otimes A_i, \qquad \tilde x_i = (x_i, 1),

    laid out as :math:`\tilde W = [W; b]` read row by row; one output has :math:`A_i = h_i`.
    Divide by :math:`N` for a mean loss's Hessian.
    """
    Xt = None if hasattr(X, "weighted_gram") else np.column_stack([X, np.ones(X.shape[0])])
    gram = X.weighted_gram if Xt is None else lambda c: (Xt * c[:, None]).T @ Xt  # type: ignore[attr-defined]
    if h.ndim == 1:
        return gram(h)
    d, K = X.shape[1] + 1, h.shape[1]
    H = np.empty((d, K, d, K))
    for k in range(K):
        for j in range(k, K):  # block (k, j): X~^T diag(A_kj) X~, symmetric in k and j
            H[:, k, :, j] = H[:, j, :, k] = gram(h[:, k, j])
    return H.reshape(d * K, d * K)


def init_normal(n_features, rng, scale=10.0, n_outputs=None):
    r"""The article's initialisation: every weight and the bias drawn from :math:`N(0, \sigma^2)`.

    Parameters
    ----------
    n_features : int
    rng : numpy.random.Generator
        Draws the weights first, then the bias (so with one feature the draws are the
        article's ``m`` then ``b``).
    scale : float, default=10.0
        The standard deviation :math:`\sigma`; the article uses 10.
    n_outputs : int or None, default=None
        None gives one output (a line or plane); an int gives a layer's weight matrix.

    Returns
    -------
    params : dict
        ``"W"`` of shape (n_features,) and ``"b"`` of shape () when ``n_outputs`` is
        None; else ``"W"`` of shape (n_features, n_outputs) and ``"b"`` of shape (n_outputs,).
    """
    W_shape, b_shape = (n_features, ()) if n_outputs is None else ((n_features, n_outputs), n_outputs)
    W = rng.normal(0.0, scale, size=W_shape)
    b = np.asarray(rng.normal(0.0, scale, size=b_shape))
    return {"W": W, "b": b}


class Model:
    """What every model shares, and all :func:`descentlab.core.trainer.train` asks of one.

    Attributes
    ----------
    params : dict of str to ndarray
        The parameters, updated in place by an optimizer.

    Notes
    -----
    A subclass defines ``params``, ``forward(X)`` (predict, keeping what ``backward``
    needs), ``backward(dLdY)`` (the gradients, a dict with the keys of ``params``) and
    ``predict(X)`` (predict, keeping nothing). ``get_params`` and ``set_params`` come from here.
    """

    params: dict

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dLdY):
        raise NotImplementedError

    def predict(self, X):
        raise NotImplementedError

    def get_params(self):
        """A copy of ``params``: later steps do not change it."""
        return {key: np.array(value, copy=True) if type(value) is np.ndarray else copy(value)
                for key, value in self.params.items()}

    def set_params(self, values):
        """Write ``values`` (e.g. ``history.params_at(epoch)``) into ``params``, in place; return self.

        In place, because the arrays may be shared (a network's ``params`` are its layers'
        own arrays) and an optimizer's state is keyed by them.
        """
        for key, value in values.items():
            write(self.params, key, value)
        return self

    def like(self, ref):
        """Move ``params`` into the namespace, device and dtype of the array ``ref`` (the data
        to train on, :mod:`descentlab.core.xp`); a NumPy ``ref`` leaves them as they are."""
        for key, value in list(self.params.items()):
            self.params[key] = like(value, ref)
        return self


class LinearModel(Model):
    r"""Linear regression with ``n_features`` inputs: :math:`\hat y = X W + b`.

    Parameters
    ----------
    n_features : int
    seed : int or None, default=0
        Seeds the :func:`init_normal` draw.
    init_scale : float, default=10.0
        Standard deviation of the initial weights and bias (the article's 10).

    Attributes
    ----------
    params : dict
        ``"W"``, ndarray of shape (n_features,), and ``"b"``, ndarray of shape ().
    """

    def __init__(self, n_features, *, seed=0, init_scale=10.0):
        self.n_features = n_features
        self.seed = seed
        self.init_scale = init_scale
        self.params = init_normal(n_features, np.random.default_rng(seed), init_scale)
        self._X = None

    def forward(self, X):
        """Predict for ``X`` of shape (n_samples, n_features); keep ``X`` for ``backward``."""
        self._X = X
        return linear_forward(X, self.params["W"], self.params["b"])

    def backward(self, dLdY):
        """Return ``{"W": dW, "b": db}`` for the last ``forward``."""
        dW, db = linear_backward(self._X, dLdY)
        return {"W": dW, "b": db}

    def predict(self, X):
        """Predict without keeping anything for a backward pass."""
        return linear_forward(X, self.params["W"], self.params["b"])

    def __repr__(self):
        return f"LinearModel(n_features={self.n_features}, seed={self.seed!r})"


def logistic_proba(params, X):
    r"""The probability of class 1, :math:`p = \sigma(XW + b)`, for a params dict.

    Parameters
    ----------
    params : dict with ``"W"`` of shape (n_features,) and ``"b"``
        A model's parameters, or those of any epoch of a History.
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    p : ndarray of shape (n_samples,)
    """
    from descentlab.core.activations import sigmoid

    return sigmoid(linear_forward(X, params["W"], params["b"]))


class LogisticModel(LinearModel):
    r"""Logistic regression: the linear model's output is a logit, :math:`p = \sigma(XW + b)`.

    ``forward`` returns the logit :math:`z = XW + b` (train it with
    :class:`descentlab.core.losses.BinaryCrossEntropy`, which takes logits);
    ``predict_proba`` returns :math:`\sigma(z)`.
    """

    def predict_proba(self, X):
        """The probability of class 1 for each row of ``X``."""
        return logistic_proba(self.params, X)

    def __repr__(self):
        return f"LogisticModel(n_features={self.n_features}, seed={self.seed!r})"


class SoftmaxModel(LinearModel):
    r"""Multinomial logistic regression: :math:`K` linear logits, :math:`P = \operatorname{softmax}(XW + b)`.

    Parameters
    ----------
    n_features, n_classes : int
    seed : int or None, default=0
    init_scale : float, default=10.0

    Attributes
    ----------
    params : dict
        ``"W"``, ndarray of shape (n_features, n_classes), and ``"b"``, ndarray of shape (n_classes,).

    Notes
    -----
    ``forward`` returns the logits :math:`Z = XW + b` (train it with
    :class:`descentlab.core.losses.SoftmaxCrossEntropy`); the affine map and its gradients
    are :func:`linear_forward` and :func:`linear_backward`, as for one output.
    """

    def __init__(self, n_features, n_classes, *, seed=0, init_scale=10.0):
        super().__init__(n_features, seed=seed, init_scale=init_scale)
        self.n_classes = n_classes
        self.params = init_normal(n_features, np.random.default_rng(seed), init_scale, n_outputs=n_classes)

    def predict_proba(self, X):
        """The probability of each class, shape (n_samples, n_classes)."""
        from descentlab.core.activations import softmax

        return softmax(self.predict(X))

    def __repr__(self):
        return f"SoftmaxModel(n_features={self.n_features}, n_classes={self.n_classes}, seed={self.seed!r})"
