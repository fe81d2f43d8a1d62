"""Extreme but finite numbers: columns near 1e300 or 1e-300 fit what LinearRegression fits,
metrics scale before squaring, overflowing predictions are errors, a fit that did not learn
says so; and the feature names a model file keeps."""

import json
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression

from descentlab.cli import main
from descentlab.core.metrics import regression_metrics
from descentlab.data.magnitude import exponents, scaled
from descentlab.errors import DescentlabError
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model
from descentlab.estimators.workflow import FitConfig, fit_csv, predict_csv

RNG = np.random.default_rng(0)
x = RNG.normal(size=60)
y = 3.0 * x + 1.0 + 0.1 * RNG.normal(size=60)


def _csv(path, **columns):
    rows = zip(*columns.values())
    path.write_text(",".join(columns) + "\n" + "".join(",".join(repr(float(v)) for v in r) + "\n" for r in rows))
    return str(path)


@pytest.mark.parametrize("sx,sy", [(1e300, 1e300), (1e-300, 1e-300), (1e300, 1.0), (1.0, 1e300),
                                   (1e-300, 1.0), (1.0, 1e-300), (1e-15, 1e290)])
def test_columns_near_the_float_limits_fit_what_least_squares_fits(tmp_path, sx, sy):
    X, t = x * sx, y * sy
    path = _csv(tmp_path / "d.csv", x=X, y=t)
    result = fit_csv(FitConfig(csv=path, target="y"))
    est = result.estimator
    with np.errstate(over="ignore"):  # the oracle squares its residuals
        ols = LinearRegression().fit(X[:, None], t)
    assert est.coef_[0] == pytest.approx(ols.coef_[0], rel=1e-3)
    assert est.intercept_ == pytest.approx(ols.intercept_, rel=1e-2)
    r2_ols = LinearRegression().fit(x[:, None], y).score(x[:, None], y)  # R^2 does not see the units
    assert result.metrics["train"]["r2"] == pytest.approx(r2_ols, abs=1e-4)
    assert np.all(np.isfinite(est.predict(X[:, None])))


def test_a_coefficient_beyond_float_range_is_refused_in_one_line(tmp_path):
    path = _csv(tmp_path / "d.csv", x=x * 1e-300, y=y * 1e300)
    with pytest.raises(DescentlabError, match="coefficient of 'x' would be about 1e600"):
        fit_csv(FitConfig(csv=path, target="y"))


def test_scaling_by_powers_of_two_is_exact_and_leaves_ordinary_columns_alone():
    A = np.column_stack([x, x * 1e300, x * 1e-300])
    k = exponents(A)
    assert k[0] == 0 and k[1] > 900 and k[2] < -900
    assert np.array_equal(np.ldexp(scaled(A, k), k), A)
    assert scaled(x, exponents(x)) is x


def test_metrics_of_huge_targets_are_those_of_the_same_targets_near_one():
    near = regression_metrics(y, y + 0.1)
    far = regression_metrics(y * 2.0**1000, (y + 0.1) * 2.0**1000)
    assert far["r2"] == near["r2"] and far["rmse"] == near["rmse"] * 2.0**1000
    assert far["mape_percent"] == near["mape_percent"] and far["loss"] is None  # 1e600 is no float


def test_predictions_that_overflow_are_an_error_naming_the_line(tmp_path, capsys):
    model = tmp_path / "model.json"
    assert main(["fit", _csv(tmp_path / "d.csv", x=x, y=y * 1e300), "--target", "y",
                 "--out", str(tmp_path)]) == 0
    rows = _csv(tmp_path / "new.csv", x=[1.0, 2.0, 1e300])
    with pytest.raises(DescentlabError, match="at line 4 is inf"):
        predict_csv(str(model), rows)
    capsys.readouterr()
    assert main(["predict", str(model), rows]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1


def test_a_fit_that_did_not_learn_warns_instead_of_reporting_success(tmp_path):
    path = _csv(tmp_path / "d.csv", x=x, y=y)
    # issue 26: the distance to the optimum now keeps such a fit from "converged" at all ...
    with pytest.warns(ConvergenceWarning, match="estimated 0.99 .* from the optimum"):
        result = fit_csv(FitConfig(csv=path, target="y", params={"lr": 1e-6, "tol": 1000.0}))
    assert result.estimator.history_.status == "completed"
    # ... and without it (gtol=None) the R^2 check still catches the loss rule's false "converged"
    config = FitConfig(csv=path, target="y", params={"lr": 1e-6, "tol": 1000.0, "gtol": None})
    with pytest.warns(ConvergenceWarning, match="R\\^2 = 0.00.* where least squares reaches 0.99"):
        result = fit_csv(config)
    assert result.estimator.history_.status == "converged"
    with pytest.warns(ConvergenceWarning, match="never went below its first value"):
        fit_csv(FitConfig(csv=path, target="y", params={"lr": 1e-300, "epochs": 20}))


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["tutorial", "--lr", "1e308"], ["lr-study", "--rates", "1e308,0.5"]])
def test_a_huge_learning_rate_gives_one_line_and_no_numpy_warnings(tmp_path, capsys, argv):
    code = main(argv + ["--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert "Warning" not in err and "warning" not in err
    assert (code, err.count("\n")) == ((1, 1) if argv[0] == "tutorial" else (0, 0))


def test_the_feature_names_of_a_dataframe_round_trip_and_are_checked(tmp_path):
    pd = pytest.importorskip("pandas")
    from descentlab.estimators.linear import GDClassifier, GDRegressor
    from descentlab.estimators.network import GDNetworkRegressor

    X = pd.DataFrame(RNG.normal(size=(50, 3)), columns=["a", "b", "c"])
    t = 2 * X["a"] - X["c"]
    for est in (GDRegressor(epochs=30), GDNetworkRegressor(epochs=30), GDClassifier(epochs=30)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, t if not isinstance(est, GDClassifier) else t > 0)
        loaded = load_model(save_model(est, tmp_path / "m.json"))
        assert list(loaded.feature_names_in_) == ["a", "b", "c"]
        assert loaded.predict(X).tobytes() == est.predict(X).tobytes()
        with pytest.raises(ValueError, match=r"X has the columns c, b, a .*the same columns in another order"):
            loaded.predict(X[["c", "b", "a"]])
        with pytest.raises(DescentlabError, match="missing a; not seen in fit z"):
            loaded.predict(X.rename(columns={"a": "z"}))
    doc = json.loads((tmp_path / "m.json").read_text())
    doc["attributes"]["feature_names_in_"]["values"] = ["a", "a", "c"]
    (tmp_path / "m.json").write_text(json.dumps(doc))
    with pytest.raises(DescentlabError, match="feature_names_in_ must hold 3 different column names"):
        load_model(tmp_path / "m.json")


def test_the_estimator_in_python_standardises_huge_columns_or_says_why_it_cannot():
    """The rows path scales before squaring; the moments path names the overflow, not NaN."""
    from sklearn.linear_model import LinearRegression

    from descentlab.errors import DescentlabError
    from descentlab.estimators import GDRegressor

    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 2)) * [1e300, 1.0]
    y = X @ [2e-300, 3.0] + rng.normal(size=200)
    est = GDRegressor(solver="gd").fit(X, y)
    unit = X * [1e-300, 1.0]  # R^2 does not change when a column is rescaled
    assert est.score(X, y) == pytest.approx(LinearRegression().fit(unit, y).score(unit, y), abs=1e-6)
    # issue 26 item 2: the estimator now scales such columns itself (as the CLI does), so the
    # moments path fits them too instead of naming the overflow
    moments = GDRegressor(solver="moments").fit(X, y)
    assert moments.score(X, y) == pytest.approx(est.score(X, y), abs=1e-6)
    with pytest.raises(DescentlabError, match="the squares of X or y overflow a float"):
        from descentlab.fast.objectives import moments_of

        moments_of(X, y)  # what the moments pass still says where nothing scaled the columns


def test_the_estimator_itself_rescales_extreme_columns_like_the_cli():
    """Issue 26 item 2: GDRegressor().fit(X * 1e-200, y) reported "converged" with R^2 0."""
    from descentlab.estimators import GDClassifier, GDRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X @ [1.0, 2.0, 3.0] + 0.01 * rng.normal(size=300)
    for scales in ([1e-200] * 3, [1e-200, 1.0, 1e200]):
        Xs = X * scales
        gd = GDRegressor().fit(Xs, y)
        assert gd.history_.status == "converged"
        assert gd.score(Xs, y) == pytest.approx(LinearRegression().fit(X, y).score(X, y), abs=1e-6)
        ref = LinearRegression().fit(X, y).coef_
        assert np.linalg.norm(gd.coef_ * scales - ref) <= 1e-4 * np.linalg.norm(ref)  # gtol's meaning
    labels = np.digitize(X[:, 0] + rng.normal(size=300), [-0.5, 0.5])  # not separable
    clf = GDClassifier().fit(X * 1e-200, labels)
    ref = GDClassifier().fit(X, labels)
    np.testing.assert_allclose(clf.predict_proba(X * 1e-200), ref.predict_proba(X), atol=1e-8)
    np.testing.assert_allclose(clf.coef_ * 1e-200, ref.coef_, rtol=1e-8)
