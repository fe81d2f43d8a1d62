import numpy as np
import pytest

from descentlab.data.synthetic import make_abs, make_blobs, make_sine
from descentlab.errors import DescentlabError
from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear


@pytest.mark.parametrize("activation,lr,factor", [("tanh", 0.2, 8), ("relu", 0.1, 4), ("sigmoid", 0.2, 3)])
def test_nonlinear_network_beats_linear_regression_on_the_sine(activation, lr, factor):
    r = run_nonlinear(NonlinearConfig(activation=activation, widths=(16,), lr=lr, epochs=600))
    linear, linear_net, nonlinear = r.fits
    assert nonlinear.label == f"{activation} network 1-16-1"
    # the linear models plateau at least squares, never below it
    for fit in (linear, linear_net):
        assert r.ls_loss * (1 - 1e-9) <= fit.loss < r.ls_loss * 1.01
        assert min(fit.history.loss) >= r.ls_loss * (1 - 1e-9)
    assert nonlinear.loss < r.ls_loss / factor  # by a wide margin


def test_relu_units_fit_the_v_that_no_line_fits():
    r = run_nonlinear(NonlinearConfig(data="abs", activation="relu", widths=(2,), epochs=300))
    assert r.fits[-1].loss < r.ls_loss / 20
    x, curves = r.curves(50)
    assert x.shape == (50,) and set(curves) == {fit.label for fit in r.fits}
    assert all(c.shape == (50,) for c in curves.values())


@pytest.mark.parametrize("make", [make_sine, make_abs, make_blobs])
def test_generators_are_seeded(make):
    a, b, c = make(random_state=3), make(random_state=3), make(random_state=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (200, 2 if make is make_blobs else 1) and a.y.shape == (200,)


def test_sine_is_a_sine():
    d = make_sine(noise=0.0)
    np.testing.assert_allclose(d.y, np.sin(d.X[:, 0]))
    assert d.X.min() >= -np.pi and d.X.max() <= np.pi


@pytest.mark.parametrize("kwargs,match", [({"activation": "identity"}, "unknown hidden activation"),
                                          ({"activation": "swish"}, "unknown hidden activation"),
                                          ({"widths": ()}, "at least one hidden size"),
                                          ({"widths": (2, 0)}, "hidden size 0"),
                                          ({"data": "cosine"}, "unknown data set"),
                                          ({"lr": -1.0}, "learning rate -1.0"),
                                          ({"noise": -0.1}, "noise")])
def test_bad_config_is_a_one_line_error(kwargs, match):
    with pytest.raises(DescentlabError, match=match):
        NonlinearConfig(**kwargs)
