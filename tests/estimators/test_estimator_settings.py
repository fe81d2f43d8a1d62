"""Every estimator's settings come from one declaration: its ``_parameter_constraints``.

``__init__``'s signature, ``get_params()``, the checks in ``fit``, the defaults and the
options of ``descentlab fit`` are all read from the table, so none can drift from another.
"""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from descentlab.estimators.constraints import FIT_PARAMS
from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

ESTIMATORS = [GDRegressor, GDClassifier, GDNetworkRegressor, GDNetworkClassifier]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_the_constraints_are_the_parameters(cls):
    table = cls._parameter_constraints
    params = cls().get_params()
    assert set(table) == set(params)
    assert list(inspect.signature(cls).parameters) == list(cls._positional) + [
        n for n in table if n not in cls._positional]
    for name, value in params.items():
        assert value == table[name].default, name
        assert table[name].problem(value) is None, f"{cls.__name__}: default {name}={value!r} refused"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_a_setting_not_in_the_table_is_refused_by_name(cls):
    with pytest.raises(TypeError, match=f"{cls.__name__}\\(\\): .*'colour'"):
        cls(colour="red")
    est = cls(epochs=7, random_state=3)
    assert clone(est).get_params() == est.get_params()


def test_the_fit_command_has_an_option_for_each_declared_cli_setting():
    from descentlab.cli import build_parser

    fit = build_parser()._subparsers._group_actions[0].choices["fit"]
    options = {a.dest for a in fit._actions}
    assert set(FIT_PARAMS) <= options
    assert set(FIT_PARAMS) <= set(GDRegressor._parameter_constraints) | set(GDClassifier._parameter_constraints)
    assert "class_weight" in FIT_PARAMS and "warm_start" not in FIT_PARAMS


def test_a_classifier_warm_start_continues():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X @ [1.0, -2.0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    clf = GDClassifier(optimizer="gd", epochs=5, tol=None, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
        end = clf.history_.loss[-1]
        clf.fit(X, y)
    assert clf.history_.loss[0] < end  # went on from where it stopped
    assert clf.t_ == 10 and len(clf.loss_curve_) == 10
