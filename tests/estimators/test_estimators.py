"""GDRegressor and GDClassifier: oracles, raw data, divergence, interruption, properties."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_diabetes, make_classification
from sklearn.linear_model import LinearRegression, LogisticRegression

from descentlab.core.quadratic import least_squares
from descentlab.errors import DescentlabError, DivergenceError
from descentlab.estimators.linear import GDClassifier, GDRegressor


def test_diabetes_r2_matches_linear_regression_with_default_settings():
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converges within the default budget: no warning
        gd = GDRegressor().fit(X, y)
    ols = LinearRegression().fit(X, y)
    assert abs(gd.score(X, y) - ols.score(X, y)) < 1e-4
    assert gd.history_.status == "converged" and gd.n_iter_ < gd.epochs


def test_raw_unscaled_data_converges_with_defaults_and_reports_data_units():
    rng = np.random.default_rng(0)
    scales = np.array([1e-4, 1.0, 3e4, 250.0])
    X = rng.normal(size=(200, 4)) * scales + [0.0, 5.0, 1e5, -40.0]
    coef = np.array([2e4, -3.0, 1e-3, 0.02])
    y = X @ coef + 1234.5 + rng.normal(size=200)
    gd = GDRegressor().fit(X, y)
    W_ls, b_ls = least_squares(X, y)
    r2_ls = 1 - np.mean((X @ W_ls + b_ls - y) ** 2) / np.var(y)
    assert gd.score(X, y) == pytest.approx(r2_ls, abs=1e-6)
    np.testing.assert_allclose(gd.coef_, W_ls, rtol=1e-2)  # the loss is flat along small terms
    assert gd.intercept_ == pytest.approx(b_ls, rel=1e-3)
    tight = GDRegressor(tol=1e-13).fit(X, y)
    np.testing.assert_allclose(tight.coef_, W_ls, rtol=1e-5)
    np.testing.assert_array_equal(gd.predict(X), X @ gd.coef_ + gd.intercept_)
    assert gd.history_.meta["lr"] > 0


@pytest.mark.parametrize("optimizer,batch_size", [("gd", None), ("momentum", None), ("adam", None),
                                                  ("gd", 16), ("nesterov", 8), ("adam", 32)])
def test_every_optimizer_and_batch_size_fits_diabetes(optimizer, batch_size):
    X, y = load_diabetes(return_X_y=True)
    gd = GDRegressor(optimizer=optimizer, batch_size=batch_size, epochs=3000,
                     schedule="invscaling" if batch_size else "constant").fit(X, y)
    assert gd.score(X, y) > LinearRegression().fit(X, y).score(X, y) - 0.01


def test_classifier_matches_unpenalised_logistic_regression_and_maps_any_labels():
    X, y = make_classification(500, 6, n_informative=4, n_redundant=0, flip_y=0.2, random_state=0)
    X = X * [1, 10, 100, 1e3, 1e-2, 5] + 7  # raw, unscaled columns
    labels = np.where(y == 1, "yes", "no")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = GDClassifier().fit(X, labels)
    ref = LogisticRegression(C=1e12, max_iter=10000, tol=1e-10).fit(X, labels)
    assert list(clf.classes_) == ["no", "yes"]
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-3)  # (1, n) as scikit-learn (issue 26)
    assert clf.score(X, labels) == ref.score(X, labels)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("labels", [(-1, 1), (2.0, 7.0), (True, False), ("no", "yes")])
def test_classifier_accepts_any_two_labels(labels):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=60) > 0, labels[1], labels[0])
    clf = GDClassifier().fit(X, y)
    assert set(clf.predict(X)) <= set(labels) and clf.score(X, y) > 0.75
    assert list(clf.classes_) == sorted(set(labels))


def test_classifier_refuses_one_class_and_takes_three_as_multinomial():
    X = np.random.default_rng(2).normal(size=(9, 2))
    with pytest.raises(ValueError, match="only 1 class"):
        GDClassifier().fit(X, ["a"] * 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = GDClassifier().fit(X, [0, 1, 2] * 3)
    assert clf.coef_.shape == (3, 2) and clf.predict_proba(X).shape == (9, 3)


def test_divergence_names_epoch_bound_and_fix_and_never_leaves_nan():
    X, y = load_diabetes(return_X_y=True)
    gd = GDRegressor(lr=3.0)
    with pytest.raises(DivergenceError, match=r"diverged at epoch \d+: .*learning rate 3 is above 0\.3\d+, "
                                              r"the stable bound of 'nesterov' on the standardised data: "
                                              r"lower the learning rate below"):
        gd.fit(X, y)
    assert not hasattr(gd, "coef_")
    ok = GDRegressor().fit(X, y)
    before = ok.coef_.copy()
    with pytest.raises(DivergenceError):
        ok.set_params(lr=3.0).fit(X, y)
    np.testing.assert_array_equal(ok.coef_, before)  # the old, finite fit is kept


def test_unscaled_divergence_suggests_scaling():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2)) * [1, 1e3]
    with pytest.raises(DivergenceError, match=r"lower the learning rate below .* or scale the features"):
        GDRegressor(standardize=False, lr=0.01, optimizer="gd").fit(X, X[:, 1])


def test_ctrl_c_during_fit_keeps_the_model_so_far():
    X, y = load_diabetes(return_X_y=True)

    def interrupt(epoch, history):
        if epoch == 9:
            raise KeyboardInterrupt

    gd = GDRegressor().fit(X, y, callbacks=[interrupt])
    assert gd.history_.status == "interrupted" and gd.n_iter_ == 10
    assert np.all(np.isfinite(gd.coef_)) and 0 < gd.score(X, y) < 0.52


def test_early_stopping_and_history():
    X, y = load_diabetes(return_X_y=True)
    gd = GDRegressor(early_stopping=True, validation_fraction=0.2).fit(X, y)
    assert gd.history_.status == "early_stopped"
    assert len(gd.history_.val_loss) == gd.n_iter_ == gd.history_.n_epochs
    assert gd.score(X, y) > 0.45


@pytest.mark.parametrize("params,match", [
    ({"optimizer": "sgd"}, "optimizer='sgd'"), ({"lr": -1.0}, "lr=-1.0"), ({"lr": np.nan}, "lr=nan"),
    ({"momentum": 1.0}, "momentum=1.0"), ({"schedule": "fast"}, "schedule='fast'"),
    ({"epochs": 0}, "epochs=0"), ({"epochs": 2.5}, "epochs=2.5"), ({"batch_size": 0}, "batch_size=0"),
    ({"tol": -1.0}, "tol=-1.0"), ({"n_iter_no_change": 0}, "n_iter_no_change=0"),
    ({"validation_fraction": 1.0}, "validation_fraction=1.0")])
def test_bad_hyperparameters_give_one_line_errors(params, match):
    with pytest.raises(DescentlabError, match=match) as info:
        GDRegressor(**params).fit(np.eye(3), [1.0, 2.0, 3.0])
    assert "\n" not in str(info.value)


def test_same_seed_same_fit_and_repr():
    X, y = load_diabetes(return_X_y=True)
    a = GDRegressor(batch_size=32, random_state=4).fit(X, y)
    b = GDRegressor(batch_size=32, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert repr(GDClassifier(optimizer="adam")) == "GDClassifier(optimizer='adam')"


_floats = st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 25), st.integers(1, 5), st.integers(0, 2**31 - 1), st.sampled_from([1e-3, 1, 1e4]))
def test_fit_predict_on_random_shapes(n_samples, n_features, seed, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * scale
    y = rng.normal(size=n_samples) * 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gd = GDRegressor(optimizer="gd", epochs=200).fit(X, y)
    y_pred = gd.predict(X)
    assert y_pred.shape == (n_samples,) and np.all(np.isfinite(y_pred))
    assert gd.coef_.shape == (n_features,) and np.isfinite(gd.intercept_)
    # plain GD from the mean predictor never ends worse than the mean predictor
    assert np.mean((y_pred - y) ** 2) <= np.mean((y - y.mean()) ** 2) * (1 + 1e-9) + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 25), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_classifier_on_random_shapes(n_samples, n_features, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = np.array(["a", "b"])[np.arange(n_samples) % 2]
    rng.shuffle(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = GDClassifier(epochs=100).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (n_samples, 2) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[(proba[:, 1] > 0.5).astype(int)])


def test_a_new_regressor_is_a_thin_subclass():
    """The seam for a network regressor: only ``_build_model`` (the lead adds MLPRegressor)."""
    from descentlab.core.models import LinearModel
    from descentlab.estimators.regressor import StandardizedTargetRegressor

    class ModelRegressor(StandardizedTargetRegressor):
        def _build_model(self, n_features, rng):
            return LinearModel(n_features, seed=int(rng.integers(100)), init_scale=0.1)

    X, y = load_diabetes(return_X_y=True)
    thin = ModelRegressor().fit(X, y)
    assert isinstance(thin.model_, LinearModel)
    assert thin.score(X, y) == pytest.approx(GDRegressor().fit(X, y).score(X, y), abs=1e-4)
