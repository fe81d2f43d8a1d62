"""Issue 26 item 7: coef_/intercept_ shapes as scikit-learn's, float32 in -> float32 out."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from descentlab.estimators import (
    GDClassifier,
    GDNetworkClassifier,
    GDNetworkRegressor,
    GDRegressor,
)

rng = np.random.default_rng(0)
X = rng.normal(size=(120, 3))
y_reg = X @ [1.0, 2.0, 3.0] + 0.1 * rng.normal(size=120)
y_two = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
y_three = np.digitize(X[:, 0] + rng.normal(size=120), [-0.5, 0.5])


@pytest.mark.parametrize("y", [y_two, y_three])
def test_classifier_coef_and_intercept_have_logistic_regressions_shapes(y):
    ours = GDClassifier().fit(X, y)
    ref = LogisticRegression().fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape and ours.intercept_.shape == ref.intercept_.shape
    assert ours.decision_function(X).shape == ref.decision_function(X).shape


def test_regressor_shapes_are_ridges():
    ours, ref = GDRegressor().fit(X, y_reg), Ridge().fit(X, y_reg)
    assert ours.coef_.shape == ref.coef_.shape and np.ndim(ours.intercept_) == np.ndim(ref.intercept_)


@pytest.mark.parametrize("make, y", [(GDRegressor, y_reg), (GDClassifier, y_two), (GDClassifier, y_three),
                                     (GDNetworkRegressor, y_reg), (GDNetworkClassifier, y_three)])
def test_float32_in_gives_float32_out(make, y):
    X32 = X.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = make(epochs=50).fit(X32, y)
    if hasattr(est, "coef_"):
        assert est.coef_.dtype == np.float32
    outputs = [est.predict(X32)] if y is y_reg else [est.predict_proba(X32), est.decision_function(X32)]
    assert all(out.dtype == np.float32 for out in outputs)
    assert est.predict(X).dtype == (np.float64 if y is y_reg else y.dtype)  # float64 stays float64
    np.testing.assert_allclose(est.predict(X32), est.predict(X.astype(np.float32).astype(np.float64)),
                               rtol=1e-5, atol=1e-5)


def test_a_binary_model_file_of_the_old_shape_still_loads(tmp_path):
    import json

    from descentlab.estimators import load_model
    from descentlab.outputs.models import save_model

    clf = GDClassifier().fit(X, y_two)
    save_model(clf, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    attrs = doc["attributes"]
    attrs["coef_"] = {"shape": [3], "data": clf.coef_.ravel().tolist()}
    attrs["intercept_"] = float(clf.intercept_[0])  # as files of before issue 26 held them
    (tmp_path / "old.json").write_text(json.dumps(doc))
    old = load_model(tmp_path / "old.json")
    assert old.coef_.shape == (1, 3)
    np.testing.assert_allclose(old.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("solver", ["moments", "gd"])
def test_fit_intercept_false_is_linear_regression_through_the_origin(solver):
    from sklearn.linear_model import LinearRegression

    Xs = X * [1, 10, 100] + [5, -3, 50]  # far from the origin: centring would move it
    y = Xs @ [1.0, 2.0, 3.0] + 7 + rng.normal(size=len(Xs))
    gd = GDRegressor(fit_intercept=False, solver=solver).fit(Xs, y)
    ref = LinearRegression(fit_intercept=False).fit(Xs, y)
    assert gd.intercept_ == 0.0 and gd.history_.status == "converged"
    assert np.linalg.norm(gd.coef_ - ref.coef_) <= 1e-4 * np.linalg.norm(ref.coef_)


@pytest.mark.parametrize("y", [y_two, y_three])
def test_fit_intercept_false_is_logistic_regression_through_the_origin(y):
    Xs = X + [2.0, 0.0, -1.0]
    gd = GDClassifier(fit_intercept=False, penalty="l2", alpha=1e-3).fit(Xs, y)
    ref = LogisticRegression(fit_intercept=False, C=1 / (len(y) * 1e-3), tol=1e-12).fit(Xs, y)
    assert np.all(gd.intercept_ == 0) and gd.history_.status == "converged"
    assert np.linalg.norm(gd.coef_ - ref.coef_) <= 1e-4 * np.linalg.norm(ref.coef_)


def test_fit_intercept_false_with_partial_fit_and_where_it_cannot_go():
    from descentlab.errors import DescentlabError

    Xs = X + 3.0
    inc = GDRegressor(fit_intercept=False)
    for _ in range(300):
        inc.partial_fit(Xs, Xs @ [1.0, 2.0, 3.0])
    np.testing.assert_allclose(inc.coef_, [1.0, 2.0, 3.0], rtol=1e-3)
    assert inc.intercept_ == 0.0
    with pytest.raises(DescentlabError, match="fit_intercept=False trains on rows or moments"):
        GDRegressor(fit_intercept=False, solver="fused").fit(Xs, Xs @ [1.0, 2.0, 3.0])
