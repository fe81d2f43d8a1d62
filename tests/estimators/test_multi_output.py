"""Multi-output regression: ``GDRegressor`` on ``y`` of shape (n_samples, k), as scikit-learn's."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LinearRegression, Ridge

from descentlab.errors import DescentlabError
from descentlab.estimators import GDRegressor


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((200, 5)) * [1.0, 5.0, 0.2, 3.0, 10.0] + 4.0
    Y = X @ rng.standard_normal((5, 3)) + 10 * rng.standard_normal(3) + rng.standard_normal((200, 3))
    Y[:, 2] *= 100.0  # targets of unlike scales: each is standardised on its own
    return X, Y, rng


def _close(est, ref):
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-8 * np.abs(ref.coef_).max())
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=0, atol=1e-8 * np.abs(ref.intercept_).max())


@pytest.mark.parametrize("kwargs, ref", [({}, LinearRegression()),
                                         ({"penalty": "l2", "alpha": 0.01}, Ridge(alpha=200 * 0.01))])
def test_multi_output_equals_scikit_learn(kwargs, ref):
    X, Y, rng = _data()
    w = rng.integers(1, 4, X.shape[0]).astype(float)
    est = GDRegressor(epochs=20_000, gtol=1e-10, **kwargs).fit(X, Y, sample_weight=w)
    ref = ref.set_params(**({"alpha": w.sum() * 0.01} if kwargs else {})).fit(X, Y, sample_weight=w)
    assert est.coef_.shape == (3, 5) and est.intercept_.shape == (3,)
    _close(est, ref)
    assert est.predict(X).shape == (200, 3)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8 * np.abs(Y).max())


def test_one_column_and_one_dimensional_targets_keep_their_shapes():
    X, Y, _ = _data()
    one = GDRegressor().fit(X, Y[:, :1])
    flat = GDRegressor().fit(X, Y[:, 0])
    assert one.coef_.shape == (1, 5) and one.intercept_.shape == (1,) and one.predict(X).shape == (200, 1)
    assert flat.coef_.shape == (5,) and np.ndim(flat.intercept_) == 0 and flat.predict(X).shape == (200,)
    np.testing.assert_allclose(one.coef_[0], flat.coef_, rtol=1e-10)


def test_multi_output_on_sparse_rows_and_mini_batches():
    X, Y, _ = _data()
    dense = GDRegressor(epochs=50, batch_size=32, tol=None).fit(X, Y)
    csr = GDRegressor(epochs=50, batch_size=32, tol=None).fit(sp.csr_matrix(X), Y)
    np.testing.assert_allclose(csr.coef_, dense.coef_, rtol=1e-10)
    assert csr.predict(sp.csr_matrix(X)).shape == (200, 3)


def test_fast_solvers_refuse_several_targets_in_one_line():
    X, Y, _ = _data()
    with pytest.raises(DescentlabError, match="solver='moments' fits one target") as info:
        GDRegressor(solver="moments").fit(X, Y)
    assert "\n" not in str(info.value)
    with pytest.raises(DescentlabError, match="loss='huber' fits one target") as info:
        GDRegressor(loss="huber").fit(X, Y)
    assert "\n" not in str(info.value)
    assert GDRegressor().__sklearn_tags__().target_tags.multi_output
    assert not GDRegressor(loss="huber").__sklearn_tags__().target_tags.multi_output
    assert not GDRegressor(solver="moments").__sklearn_tags__().target_tags.multi_output


def test_multi_output_model_saves_and_loads(tmp_path):
    from descentlab.estimators import load_model
    from descentlab.outputs.models import save_model

    X, Y, _ = _data()
    est = GDRegressor().fit(X, Y)
    save_model(est, tmp_path / "m.json")
    np.testing.assert_array_equal(load_model(tmp_path / "m.json").predict(X), est.predict(X))


def test_one_column_target_takes_the_one_target_path_on_mini_batches():
    """The k-target model draws nothing from the fit's generator: (n, 1) shuffles as (n,) does."""
    X, Y, _ = _data()
    one = GDRegressor(batch_size=16, optimizer="adam", epochs=20, tol=None).fit(X, Y[:, :1])
    flat = GDRegressor(batch_size=16, optimizer="adam", epochs=20, tol=None).fit(X, Y[:, 0])
    np.testing.assert_allclose(one.predict(X)[:, 0], flat.predict(X), rtol=1e-12)
