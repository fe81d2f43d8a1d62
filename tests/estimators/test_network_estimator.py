import numpy as np
import pytest

from descentlab.data.synthetic import make_sine
from descentlab.errors import DescentlabError
from descentlab.estimators.linear import GDRegressor
from descentlab.estimators.network import GDNetworkRegressor
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model


def test_a_tanh_network_fits_the_sine_that_a_line_cannot():
    d = make_sine()
    line = GDRegressor().fit(d.X, d.y)
    net = GDNetworkRegressor().fit(d.X, d.y)  # the defaults
    assert line.score(d.X, d.y) < 0.6  # a line explains about half of a sine's variance
    assert net.score(d.X, d.y) > 0.95
    assert net.n_iter_ == net.history_.n_epochs


def test_an_identity_network_is_no_better_than_linear_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] + 0.1 * rng.normal(size=200)
    lin = GDRegressor(tol=1e-12, epochs=5000).fit(X, y)
    net = GDNetworkRegressor(hidden_layer_sizes=(4, 4), activation="identity", epochs=3000,
                             tol=1e-12).fit(X, y)
    assert net.score(X, y) <= lin.score(X, y) + 1e-9


def test_save_and_load_predict_bit_identically(tmp_path):
    d = make_sine()
    net = GDNetworkRegressor(hidden_layer_sizes=(5, 3), activation="relu", epochs=50).fit(d.X, d.y)
    path = save_model(net, tmp_path / "net.json")
    back = load_model(path)
    assert isinstance(back, GDNetworkRegressor) and back.hidden_layer_sizes == [5, 3]
    np.testing.assert_array_equal(back.predict(d.X), net.predict(d.X))


def test_a_hand_edited_weight_count_is_refused(tmp_path):
    import json

    d = make_sine()
    net = GDNetworkRegressor(hidden_layer_sizes=(3,), epochs=5).fit(d.X, d.y)
    path = save_model(net, tmp_path / "net.json")
    doc = json.loads(path.read_text())
    doc["attributes"]["weights_"]["data"].pop()
    doc["attributes"]["weights_"]["shape"] = [len(doc["attributes"]["weights_"]["data"])]
    path.write_text(json.dumps(doc))
    with pytest.raises(DescentlabError, match="weights_ must hold"):
        load_model(path)


@pytest.mark.parametrize("kwargs,match", [
    ({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": 16}, "hidden_layer_sizes"),
    ({"activation": "swish"}, "activation=.swish. is not one of identity, sigmoid, tanh, relu"),
    ({"init": "zeros"}, "init="),
    ({"solver": "moments"}, "solver="),
])
def test_bad_hyperparameters_are_one_line_errors(kwargs, match):
    d = make_sine()
    with pytest.raises(DescentlabError, match=match):
        GDNetworkRegressor(**kwargs).fit(d.X, d.y)
