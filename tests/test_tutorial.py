"""The article's functions, one to one, and their agreement with the library's loop."""

import numpy as np
import pytest

from descentlab import tutorial as t
from descentlab.data.synthetic import make_article_data, split
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train


def test_reset_sizes_makes_columns():
    a, b = t.reset_sizes(np.arange(4), np.ones((2, 2)))
    assert a.shape == (4, 1) and b.shape == (4, 1)


def test_init_params_returns_seeded_floats():
    m, b = t.init_params(np.random.default_rng(3))
    assert isinstance(m, float) and isinstance(b, float)
    assert (m, b) == t.init_params(np.random.default_rng(3))
    assert (m, b) != t.init_params(np.random.default_rng(4))


def test_functions_return_what_the_article_computes():
    # worked by hand: y_pred = 2 x + 1 = [3, 5, 7], residuals y_pred - y = [1, 1, 0]
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([[2.0], [4.0], [7.0]])
    y_pred = t.forward_prop(X, 2.0, 1.0)
    assert y_pred.shape == (3, 1)
    np.testing.assert_array_equal(y_pred, [[3.0], [5.0], [7.0]])
    assert t.compute_loss(y, y_pred) == pytest.approx(1 / 3)  # (1 + 1 + 0) / (2 * 3)
    dm, db = t.gradient(2.0, 1.0, X, y, y_pred)
    assert (dm, db) == pytest.approx((1.0, 2 / 3))  # mean([1, 2, 0]), mean([1, 1, 0])
    assert t.update_params(2.0, 1.0, dm, db, 0.1) == pytest.approx((1.9, 1 - 0.2 / 3))
    assert t.grad_desc(X, y, y_pred, 2.0, 1.0, 0.1) == pytest.approx((1.9, 1 - 0.2 / 3))


def test_the_articles_loop_equals_the_library_trainer():
    data = make_article_data()
    X_train, _, y_train, _ = split(data.X, data.y, 0.2, seed=11)
    # the article's loop, written with the article's functions
    m, b = t.init_params(np.random.default_rng(11))
    Xc, yc = t.reset_sizes(X_train, y_train)
    losses, m, b = t.article_loop(Xc, yc, m, b, l_r=0.05, epochs=61)
    # ... which is the article's four lines, written out
    m0, b0 = t.init_params(np.random.default_rng(11))
    by_hand = []
    for _ in range(61):
        y_pred = t.forward_prop(Xc, m0, b0)
        by_hand.append(t.compute_loss(yc, y_pred))
        m0, b0 = t.grad_desc(Xc, yc, y_pred, m0, b0, 0.05)
    assert list(losses) == by_hand and (m, b) == (m0, b0)
    # the library's one loop
    model = LinearModel(1, seed=11)
    history = train(model, X_train, y_train, optimizer=GradientDescent(0.05), epochs=61)
    np.testing.assert_allclose(history.loss, losses, rtol=1e-12)
    assert model.params["W"][0] == pytest.approx(m, rel=1e-12)
    assert float(model.params["b"]) == pytest.approx(b, rel=1e-12, abs=1e-12)
