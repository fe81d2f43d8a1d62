"""scikit-learn's own conformance suite, run over every estimator.

No check is listed as an expected failure. The classifiers take two classes (logistic)
or more (multinomial softmax), so the suite's multi-class checks run on them. Logistic regression without a penalty never
converges on separable data (the weights grow forever), so ConvergenceWarnings from the
suite's toy sets are expected and ignored here.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

ESTIMATORS = [GDRegressor(), GDClassifier(), GDClassifier(optimizer="adam", batch_size=16), GDRegressor(optimizer="adam", batch_size=16),
              GDClassifier(optimizer="gd", early_stopping=True),
              GDRegressor(solver="gd"),
              GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300),
              GDNetworkClassifier(hidden_layer_sizes=(8,), epochs=300)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.numba
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([GDRegressor(solver="fused")])
def test_sklearn_compatible_fused(estimator, check):
    """The fused solver runs the compiled kernel when Numba is installed (one compile per
    dtype for every layout the checks pass: C, Fortran, read-only memmaps)."""
    check(estimator)
