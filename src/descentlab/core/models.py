"""Models: a prediction (``forward``) and the chain rule back to the parameters.

Every model answers the same small interface (:class:`Model`): it holds its parameters
in a dict ``params`` and, after ``backward``, returns gradients in a dict with the same
keys (the numpy-ml convention), ready for an optimizer's ``step(params, grads)``.

The affine map and its gradients are written once, here, and serve the article's
scalar functions (:mod:`descentlab.tutorial`), the n-feature linear model and, later,
the dense layers of a network.
"""

from collections.abc import Mapping
from typing import Self

import numpy as np

from descentlab.core.xp import Array, FloatArray, copy, like, namespace, write

# A model's parameters, or its gradients: arrays by name ("W", "b", "0.W", ...). (A comment,
# not a docstring: Sphinx's autodoc fails on the signature of a documented dict[...] alias.)
Params = dict[str, Array]


def linear_forward(X: Array, W: Array, b: Array | float) -> Array:
    r"""The affine map :math:`\hat y = X W + b`, the article's ``forward_prop`` in matrix form.

    ``X`` is (n_samples, n_features), ``W`` (n_features,) or (n_features, n_outputs), ``b``
    a number or (n_outputs,); ``y_pred`` is (n_samples,) or (n_samples, n_outputs). With
    one feature, :math:`W = [m]` and this is the article's :math:`\hat y = m x + b`.

    >>> linear_forward(np.array([[0.0], [1.0], [2.0]]), np.array([2.0]), 1.0)  # m = 2, b = 1
    array([1., 3., 5.])
    """
    return X @ W + b


def linear_backward(X: Array, dLdY: Array) -> tuple[Array, Array]:
    r"""Gradients ``dW``, ``db`` (shaped as ``W``, ``b``) of the loss of :func:`linear_forward`,
    from the input ``X`` it saw and the gradient ``dLdY`` with respect to its prediction:

    .. math::

        \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial \hat y},
        \qquad
        \frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial \hat y_i}.

    With the half-mean squared error, :math:`\partial L/\partial \hat y_i =
    (\hat y_i - y_i)/N`, so for one feature these are the article's
    ``dm = mean((y_pred - y) * X)`` and ``db = mean(y_pred - y)``.
    Derivation: :doc:`/maths/gradients`, "The squared loss and the line".

    >>> X, residual = np.array([[1.0], [3.0]]), np.array([0.5, -0.5])  # dL/dy_pred
    >>> linear_backward(X, residual)
    (array([-1.]), np.float64(0.0))
    """
    dW = X.T @ dLdY
    db = namespace(dLdY).sum(dLdY, axis=0)
    return dW, db


def linear_hessian(X: FloatArray, h: FloatArray) -> FloatArray:
    r"""The sum over rows of the loss's Hessian in :math:`[\operatorname{vec} W, b]` of :func:`linear_forward`.

    ``h`` (n_samples,) or (n_samples, K, K) holds each row's :math:`\partial^2 \ell_i / \partial
    \hat y_i^2` (a loss's ``hessian_rows`` times the row's weight); the result is
    (d K, d K), :math:`d` = n_features + 1:

    .. math:: H = \sum_i \tilde x_i \tilde x_i^\top \otimes A_i, \qquad \tilde x_i = (x_i, 1),

    laid out as :math:`\tilde W = [W; b]` read row by row; one output has :math:`A_i = h_i`.
    Divide by :math:`N` for a mean loss's Hessian.

    >>> linear_hessian(np.array([[1.0], [3.0]]), np.ones(2))  # the squared loss: X~^T X~
    array([[10.,  4.],
           [ 4.,  2.]])
    """
    Xt = None if hasattr(X, "weighted_gram") else np.column_stack([X, np.ones(X.shape[0])])
    gram = X.weighted_gram if Xt is None else lambda c: (Xt * c[:, None]).T @ Xt  # type: ignore[attr-defined]
    if h.ndim == 1:
        H1: FloatArray = gram(h)
        return H1
    d, K = X.shape[1] + 1, h.shape[1]
    k, j = np.triu_indices(K)  # block (k, j): X~^T diag(A_kj) X~, symmetric in k and j
    H = np.empty((d, K, d, K))
    if Xt is None:  # sparse rows: a weighted gram per block
        blocks = np.stack([gram(h[:, a, b]) for a, b in zip(k, j, strict=True)], axis=-1)
    else:  # all blocks in one product per chunk of rows: [x~_ia x~_ib]^T [A_i,kj] over the pairs a <= b
        a, c = np.triu_indices(d)
        sums = np.zeros((a.size, k.size))
        step = max(1, 2**21 // a.size)  # rows per chunk: some 16 MB at a time
        for start in range(0, Xt.shape[0], step):
            Xc = Xt[start:start + step]
            sums += (Xc[:, a] * Xc[:, c]).T @ h[start:start + step][:, k, j]
        blocks = np.empty((d, d, k.size))
        blocks[a, c] = blocks[c, a] = sums
    H[:, k, :, j] = H[:, j, :, k] = blocks.transpose(2, 0, 1)
    return H.reshape(d * K, d * K)


def init_normal(n_features: int, rng: np.random.Generator, scale: float = 10.0,
                n_outputs: int | None = None) -> dict[str, FloatArray]:
    r"""The article's initialisation: every weight and the bias drawn from :math:`N(0, \sigma^2)`,
    :math:`\sigma` = ``scale`` (the article's 10).

    ``rng`` draws the weights, then the bias (with one feature, the article's ``m`` then
    ``b``). ``W`` is (n_features,) and ``b`` a 0-d array for one output (``n_outputs``
    None); else ``W`` is (n_features, n_outputs) and ``b`` (n_outputs,), a layer's.

    >>> params = init_normal(2, np.random.default_rng(0), scale=1.0, n_outputs=3)
    >>> params["W"].shape, params["b"].shape
    ((2, 3), (3,))
    """
    W_shape: tuple[int, ...] = (n_features,) if n_outputs is None else (n_features, n_outputs)
    b_shape: tuple[int, ...] = () if n_outputs is None else (n_outputs,)
    W = rng.normal(0.0, scale, size=W_shape)
    b = np.asarray(rng.normal(0.0, scale, size=b_shape))
    return {"W": W, "b": b}


class Model:
    """What every model shares, and all :func:`descentlab.core.trainer.train` asks of one.

    A subclass defines ``params``, ``forward(X)`` (predict, keeping what ``backward``
    needs), ``backward(dLdY)`` (the gradients, a dict with the keys of ``params``) and
    ``predict(X)`` (predict, keeping nothing). ``get_params`` and ``set_params`` come from here.

    Examples
    --------
    >>> model = LinearModel(1).set_params({"W": np.array([2.0]), "b": np.array(1.0)})
    >>> model.forward(np.array([[0.0], [1.0]])), model.backward(np.array([0.5, 0.5]))
    (array([1., 3.]), {'W': array([0.5]), 'b': np.float64(1.0)})
    >>> model.predict(np.array([[2.0]]))  # the same prediction, nothing kept
    array([5.])
    """

    params: Params

    def forward(self, X: Array) -> Array:
        """Predict for ``X``, keeping what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, dLdY: Array) -> Params:
        """The gradients of the loss, keyed as ``params``, given ``dLdY`` for the last ``forward``."""
        raise NotImplementedError

    def predict(self, X: Array) -> Array:
        """Predict for ``X``, keeping nothing."""
        raise NotImplementedError

    def get_params(self) -> Params:
        """A copy of ``params``: later steps do not change it.

        >>> model = LinearModel(1).set_params({"W": np.array([2.0])})
        >>> saved = model.get_params()
        >>> model.params["W"] += 1.0
        >>> saved["W"], model.params["W"]
        (array([2.]), array([3.]))
        """
        return {key: np.array(value, copy=True) if type(value) is np.ndarray else copy(value)
                for key, value in self.params.items()}

    def set_params(self, values: Params) -> Self:
        """Write ``values`` (e.g. ``history.params_at(epoch)``) into ``params``, in place; return self.

        In place, because the arrays may be shared (a network's ``params`` are its layers'
        own arrays) and an optimizer's state is keyed by them.

        >>> model = LinearModel(1)
        >>> W = model.params["W"]
        >>> model.set_params({"W": np.array([3.0])}).params["W"] is W, W
        (True, array([3.]))
        """
        for key, value in values.items():
            write(self.params, key, value)
        return self

    def like(self, ref: Array) -> Self:
        """Move ``params`` into the namespace, device and dtype of the array ``ref`` (the data
        to train on, :mod:`descentlab.core.xp`); a NumPy ``ref`` leaves them as they are.

        >>> LinearModel(1).like(np.zeros((2, 1))).params["W"].dtype
        dtype('float64')
        """
        for key, value in list(self.params.items()):
            self.params[key] = like(value, ref)
        return self


class LinearModel(Model):
    r"""Linear regression with ``n_features`` inputs: :math:`\hat y = X W + b`.

    ``params`` holds ``"W"`` (n_features,) and ``"b"`` (a 0-d array), drawn by
    :func:`init_normal` from ``seed`` with standard deviation ``init_scale``.

    >>> model = LinearModel(1, seed=0)  # the article's N(0, 10^2) draws of m and b
    >>> model, model.params["W"].round(3), model.params["b"].round(3)
    (LinearModel(n_features=1, seed=0), array([1.257]), np.float64(-1.321))
    >>> model.forward(np.array([[1.0]])).round(3), model.backward(np.array([2.0]))  # X kept for backward
    (array([-0.064]), {'W': array([2.]), 'b': np.float64(2.0)})
    >>> model.predict(np.array([[0.0]])).round(3)  # b; nothing kept
    array([-1.321])
    """

    def __init__(self, n_features: int, *, seed: int | None = 0, init_scale: float = 10.0) -> None:
        self.n_features = n_features
        self.seed = seed
        self.init_scale = init_scale
        self.params: Params = dict(init_normal(n_features, np.random.default_rng(seed), init_scale))
        self._X: Array | None = None

    def forward(self, X: Array) -> Array:
        """Predict for ``X`` of shape (n_samples, n_features); keep ``X`` for ``backward``."""
        self._X = X
        return linear_forward(X, self.params["W"], self.params["b"])

    def backward(self, dLdY: Array) -> Params:
        """Return ``{"W": dW, "b": db}`` for the last ``forward``."""
        dW, db = linear_backward(self._X, dLdY)
        return {"W": dW, "b": db}

    def predict(self, X: Array) -> Array:
        """Predict without keeping anything for a backward pass."""
        return linear_forward(X, self.params["W"], self.params["b"])

    def __repr__(self) -> str:
        return f"LinearModel(n_features={self.n_features}, seed={self.seed!r})"


def logistic_proba(params: Mapping[str, Array], X: Array) -> Array:
    r"""The probability of class 1, :math:`p = \sigma(XW + b)` of shape (n_samples,), for a
    params dict (a model's, or those of any epoch of a History).

    >>> logistic_proba({"W": np.array([2.0]), "b": 0.0}, np.array([[0.0], [1.0]])).round(3)
    array([0.5  , 0.881])
    """
    from descentlab.core.activations import sigmoid

    return sigmoid(linear_forward(X, params["W"], params["b"]))


class LogisticModel(LinearModel):
    r"""Logistic regression: the linear model's output is a logit, :math:`p = \sigma(XW + b)`.

    ``forward`` returns the logit :math:`z = XW + b` (train it with
    :class:`descentlab.core.losses.BinaryCrossEntropy`, which takes logits);
    ``predict_proba`` returns :math:`\sigma(z)`.

    Examples
    --------
    >>> model = LogisticModel(1).set_params({"W": np.array([2.0]), "b": np.array(0.0)})
    >>> model.forward(np.array([[1.0]])), model.predict_proba(np.array([[1.0]])).round(3)
    (array([2.]), array([0.881]))
    """

    def predict_proba(self, X: Array) -> Array:
        """The probability of class 1 for each row of ``X``."""
        return logistic_proba(self.params, X)

    def __repr__(self) -> str:
        return f"LogisticModel(n_features={self.n_features}, seed={self.seed!r})"


class SoftmaxModel(LinearModel):
    r"""Multinomial logistic regression: :math:`K` linear logits, :math:`P = \operatorname{softmax}(XW + b)`.

    ``params`` holds ``"W"`` (n_features, n_classes) and ``"b"`` (n_classes,). ``forward`` returns the logits :math:`Z = XW + b` (train it with
    :class:`descentlab.core.losses.SoftmaxCrossEntropy`); the affine map and its gradients
    are :func:`linear_forward` and :func:`linear_backward`, as for one output.

    >>> model = SoftmaxModel(1, 3).set_params({"W": np.zeros((1, 3)), "b": np.zeros(3)})
    >>> model.predict_proba(np.array([[1.0]])).round(3)  # equal logits: equal odds
    array([[0.333, 0.333, 0.333]])
    """

    def __init__(self, n_features: int, n_classes: int, *, seed: int | None = 0, init_scale: float = 10.0) -> None:
        super().__init__(n_features, seed=seed, init_scale=init_scale)
        self.n_classes = n_classes
        self.params = dict(init_normal(n_features, np.random.default_rng(seed), init_scale, n_outputs=n_classes))

    def predict_proba(self, X: Array) -> Array:
        """The probability of each class, shape (n_samples, n_classes)."""
        from descentlab.core.activations import softmax

        return softmax(self.predict(X))

    def __repr__(self) -> str:
        return f"SoftmaxModel(n_features={self.n_features}, n_classes={self.n_classes}, seed={self.seed!r})"
