"""scikit-learn's own conformance suite, run over every estimator.

The classifiers take two classes (logistic) or more (multinomial softmax), so the
suite's multi-class checks run on them. Logistic regression without a penalty never
converges on separable data (the weights grow forever), so ConvergenceWarnings from the
suite's toy sets are expected and ignored here.

Every configuration passes every check with no expected failure, ``sample_weight`` equal
to repeated rows included: on the stochastic configurations too (mini-batches, a random
validation split), since integer weights are counts of virtual rows and every random draw
is made over them, in an order that depends on the rows' content only
(:mod:`descentlab.estimators.rows`). scikit-learn's own ``SGDRegressor`` lists that check
as an expected failure; here it holds exactly.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor

STOCHASTIC = [GDRegressor(optimizer="adam", batch_size=16),
              GDClassifier(optimizer="adam", batch_size=16),
              GDClassifier(optimizer="gd", early_stopping=True),
              GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300, batch_size=8),
              GDNetworkClassifier(hidden_layer_sizes=(8,), epochs=300, batch_size=8),
              GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300, early_stopping=True),
              GDNetworkClassifier(hidden_layer_sizes=(8,), epochs=300, batch_size=8,
                                  early_stopping=True)]
# the inner loop (``-m "not slow"``) checks one of each kind; the full run checks them all
ESTIMATORS = [GDRegressor(), GDClassifier(), GDRegressor(solver="gd"),
              GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300),
              GDNetworkClassifier(hidden_layer_sizes=(8,), epochs=300)]
VARIANTS = [*STOCHASTIC,
            GDRegressor(penalty="l2", alpha=0.01), GDRegressor(penalty="l1", alpha=0.01),
            GDRegressor(penalty="elasticnet", alpha=0.01, l1_ratio=0.5, solver="gd"),
            GDClassifier(penalty="l2", alpha=0.01), GDClassifier(penalty="l1", alpha=0.01),
            GDClassifier(penalty="elasticnet", alpha=0.01, class_weight="balanced"),
            GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300, penalty="l2",
                               alpha=0.01),
            GDRegressor(loss="huber"), GDRegressor(loss="quantile", quantile=0.3),
            GDRegressor(loss="epsilon_insensitive", penalty="l2", alpha=0.01),
            GDClassifier(loss="hinge"), GDClassifier(loss="modified_huber", penalty="l1", alpha=0.01)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(VARIANTS)
def test_sklearn_compatible_variants(estimator, check):
    """Mini-batches, early stopping, penalties, class weights and losses: the same checks."""
    check(estimator)


@pytest.mark.numba
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([GDRegressor(solver="fused")])
def test_sklearn_compatible_fused(estimator, check):
    """The fused solver runs the compiled kernel when Numba is installed (one compile per
    dtype for every layout the checks pass: C, Fortran, read-only memmaps)."""
    check(estimator)
