"""The estimators on other array-API namespaces (the ``array-api`` extra): array-api-strict,
the standard's reference namespace, and JAX's CPU arrays, both float64; each fit equals the
NumPy fit, and its attributes and outputs stay in the input's namespace and device."""

import numpy as np
import pytest

pytest.importorskip("array_api_strict")
pytest.importorskip("array_api_compat")

import sklearn  # noqa: E402
from sklearn.utils.estimator_checks import (  # noqa: E402
    check_array_api_input,
    check_array_api_same_namespace,
)

from descentlab.core.xp import device, namespace, to_numpy  # noqa: E402
from descentlab.errors import DescentlabError  # noqa: E402
from descentlab.estimators import (  # noqa: E402
    GDClassifier,
    GDNetworkClassifier,
    GDNetworkRegressor,
    GDRegressor,
)

# JAX runs each operation eagerly, some 10 to 50 us each: its fits take seconds (the slow tier)
# (PyTorch is no part of the extra: its CPU arrays are tested where it is installed)
NAMESPACES = ["array_api_strict", pytest.param("jax.numpy", marks=pytest.mark.slow), "array_api_compat.torch"]
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(params=NAMESPACES)
def xp(request):
    if request.param == "jax.numpy":
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)  # float64, as the NumPy fit
    if request.param == "array_api_compat.torch":
        pytest.importorskip("torch")
    return pytest.importorskip(request.param)


def _data(kind, n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 3.0, 0.5, 10.0] + [0.0, 5.0, -2.0, 100.0]
    if kind == "regression":
        return X, X @ [1.0, -0.5, 2.0, 0.1] + 3.0 + 0.3 * rng.normal(size=n)
    if kind == "binary":
        return X, (X[:, 0] - 0.2 * X[:, 1] + rng.normal(size=n) > -1).astype(int)
    return X, np.digitize(X[:, 0] + 0.3 * rng.normal(size=n), [-0.5, 0.5])


CASES = [
    (GDRegressor(), "regression"),                                         # the moments pass
    (GDRegressor(solver="gd", optimizer="momentum", epochs=200), "regression"),
    (GDRegressor(batch_size=32, optimizer="gd", epochs=20, tol=None), "regression"),
    (GDRegressor(penalty="elasticnet", alpha=0.05), "regression"),         # the proximal step
    (GDClassifier(epochs=200), "binary"),
    (GDClassifier(epochs=200, class_weight="balanced", penalty="l2", alpha=0.01), "multiclass"),
    (GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=30), "regression"),  # Adam, mini-batches
    (GDNetworkClassifier(hidden_layer_sizes=(6, 5), activation="relu", epochs=30), "multiclass"),
    (GDNetworkRegressor(hidden_layer_sizes=(5,), activation="sigmoid", optimizer="nesterov",
                        batch_size=None, epochs=40), "regression"),
]


def _in(xp, A):
    return xp.asarray(A)


@pytest.mark.parametrize("estimator, kind", CASES, ids=lambda c: repr(c)[:60] if not isinstance(c, str) else c)
def test_fit_on_a_namespace_equals_the_numpy_fit(xp, estimator, kind):
    X, y = _data(kind)
    ref = sklearn.clone(estimator).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        est = sklearn.clone(estimator).fit(_in(xp, X), _in(xp, y))
        outputs = {"predict": est.predict(_in(xp, X))}
        if hasattr(est, "predict_proba"):
            outputs["predict_proba"] = est.predict_proba(_in(xp, X))
            outputs["predict_log_proba"] = est.predict_log_proba(_in(xp, X))
        score = est.score(_in(xp, X), _in(xp, y))
    assert est.n_iter_ == ref.n_iter_
    for name, out in outputs.items():
        assert namespace(out).__name__ == xp.__name__, name
        assert device(out) == device(_in(xp, X))
        np.testing.assert_allclose(to_numpy(out), getattr(ref, name)(X), rtol=1e-10, atol=1e-10,
                                   err_msg=name)
    # (scikit-learn's accuracy on PyTorch's integer labels is a float32 division)
    assert score == pytest.approx(ref.score(X, y), abs=1e-7 if "torch" in xp.__name__ else 1e-10)
    for name in ("coef_", "x_mean_", "x_scale_", "weights_"):
        if hasattr(ref, name):
            value = getattr(est, name)
            assert namespace(value).__name__ == xp.__name__, name
            np.testing.assert_allclose(to_numpy(value), getattr(ref, name), rtol=1e-10, atol=1e-10)


def test_sample_weight_on_a_namespace_equals_numpy(xp):
    X, y = _data("regression")
    w = np.random.default_rng(1).uniform(0.2, 3.0, size=len(y))
    ref = GDRegressor().fit(X, y, sample_weight=w)
    with sklearn.config_context(array_api_dispatch=True):
        est = GDRegressor().fit(_in(xp, X), _in(xp, y), sample_weight=_in(xp, w))
    np.testing.assert_allclose(to_numpy(est.coef_), ref.coef_, rtol=1e-10)
    assert est.intercept_ == pytest.approx(ref.intercept_, rel=1e-10)


def test_without_dispatch_other_arrays_take_the_numpy_path(xp):
    X, y = _data("regression")
    est = GDRegressor().fit(_in(xp, X) if xp.__name__ != "array_api_strict" else X, y)
    assert isinstance(est.coef_, np.ndarray)


def test_y_follows_x_and_other_arrays_at_predict_are_a_one_line_error(xp):
    X, y = _data("regression")
    w = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(array_api_dispatch=True):
        est = GDRegressor().fit(_in(xp, X), _in(xp, y), sample_weight=_in(xp, w))
        mixed = GDRegressor().fit(_in(xp, X), y, sample_weight=w)  # scikit-learn: y follows X
        assert namespace(mixed.coef_).__name__ == xp.__name__
        np.testing.assert_array_equal(to_numpy(mixed.coef_), to_numpy(est.coef_))
        with pytest.raises(DescentlabError, match=r"GDRegressor\.predict\(\): .* same namespace") as info:
            est.predict(X)
        assert "\n" not in str(info.value)
    with pytest.raises(DescentlabError, match="array_api_dispatch=True"):
        est.predict(_in(xp, X))


def test_options_that_read_rows_on_the_host_are_one_line_errors(xp):
    X, y = _data("regression")
    with sklearn.config_context(array_api_dispatch=True):
        for est in (GDRegressor(early_stopping=True), GDRegressor(solver="fused")):
            with pytest.raises(DescentlabError) as info:
                est.fit(_in(xp, X), _in(xp, y))
            assert "\n" not in str(info.value)
        with pytest.raises(DescentlabError, match="partial_fit takes NumPy arrays"):
            GDRegressor().partial_fit(_in(xp, X), _in(xp, y))


def test_the_moments_pass_on_a_device_equals_the_blocked_pass(xp):
    from descentlab.fast.moments import Moments

    X, y = _data("regression", n=3000)
    ref = Moments.from_arrays(X, y)
    m = Moments.from_device(_in(xp, X), _in(xp, y))
    assert m.n == ref.n and m.mean_y == pytest.approx(ref.mean_y, rel=1e-12)
    for name in ("mean_x", "cov", "cross"):
        np.testing.assert_allclose(to_numpy(getattr(m, name)), getattr(ref, name), rtol=1e-10)


ESTIMATORS = [GDRegressor(), GDClassifier(epochs=100), GDNetworkRegressor(hidden_layer_sizes=(4,), epochs=20),
              GDNetworkClassifier(hidden_layer_sizes=(4,), epochs=20)]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_scikit_learn_array_api_checks(estimator):
    assert estimator.__sklearn_tags__().array_api_support
    name = type(estimator).__name__
    check_array_api_input(name, estimator, "array_api_strict", dtype_name="float64", check_values=True)
    check_array_api_same_namespace(name, estimator, "array_api_strict")


def test_a_model_fitted_on_a_namespace_saves_and_loads_as_numpy(xp, tmp_path):
    from descentlab.estimators import load_model
    from descentlab.outputs.models import save_model

    X, y = _data("multiclass")
    with sklearn.config_context(array_api_dispatch=True):
        est = GDNetworkClassifier(hidden_layer_sizes=(4,), epochs=10).fit(_in(xp, X), _in(xp, y))
        expected = to_numpy(est.predict_proba(_in(xp, X)))
    save_model(est, tmp_path / "model.json")
    loaded = load_model(tmp_path / "model.json")
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-12)
