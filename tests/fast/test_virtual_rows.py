"""Integer sample weights are counts of virtual rows, on mini-batches and a validation split
too; the rows' canonical order makes a stochastic fit independent of the input's order."""

import numpy as np
import pytest

from descentlab.core.batches import RowSet, _split_positions, split
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import make_optimizer
from descentlab.core.trainer import train
from descentlab.estimators import rows as rows_module
from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor
from descentlab.estimators.rows import content_order, row_counts, virtual_rows

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=40, seed=0, classes=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1, 10, 0.5, 2] + [0, 5, 1, -3]
    y = X @ [1.0, 0.2, -3.0, 0.5] + 20 + rng.normal(size=n)  # far from 0: relative errors mean something
    if classes:
        y = np.digitize(y, np.quantile(y, np.linspace(0, 1, classes + 1)[1:-1]))
    counts = rng.integers(0, 4, size=n)
    return X, y, counts


def _outputs(est, X):
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


STOCHASTIC = [
    GDRegressor(optimizer="adam", batch_size=8, epochs=200),
    GDRegressor(early_stopping=True, validation_fraction=0.2, epochs=300),
    GDClassifier(optimizer="adam", batch_size=8, epochs=200),
    GDClassifier(optimizer="gd", early_stopping=True, validation_fraction=0.2, epochs=300),
    GDNetworkRegressor(hidden_layer_sizes=(6,), batch_size=8, epochs=150),
    GDNetworkRegressor(hidden_layer_sizes=(6,), batch_size=16, early_stopping=True, epochs=150),
    GDNetworkClassifier(hidden_layer_sizes=(6,), batch_size=8, epochs=150),
]


@pytest.mark.parametrize("est", STOCHASTIC, ids=lambda e: repr(e).replace("\n", ""))
def test_integer_weights_on_shuffled_rows_equal_the_rows_repeated(est):
    from sklearn.base import clone

    X, y, counts = _data(classes=3 if hasattr(est, "predict_proba") else None)
    perm = np.random.default_rng(1).permutation(len(X))  # the weighted rows come shuffled
    weighted = clone(est).fit(X[perm], y[perm], sample_weight=counts[perm])
    repeated = clone(est).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(_outputs(weighted, X), _outputs(repeated, X), rtol=1e-7)
    assert weighted.n_iter_ == repeated.n_iter_ and weighted.t_ == repeated.t_
    # the run is stochastic: another seed lands elsewhere, so the equality above is no accident
    other = clone(est).set_params(random_state=1).fit(X[perm], y[perm], sample_weight=counts[perm])
    assert np.max(np.abs(_outputs(other, X) - _outputs(weighted, X))) > 1e-6


def test_an_epoch_counts_the_virtual_rows_and_fractional_weights_count_the_rows():
    X, y, counts = _data()
    kw = dict(optimizer="adam", batch_size=8, epochs=5, tol=None)
    integer = GDRegressor(**kw).fit(X, y, sample_weight=counts)
    assert integer.t_ == 5 * -(-counts.sum() // 8)  # batches of the sum(counts) virtual rows
    fractional = GDRegressor(**kw).fit(X, y, sample_weight=counts + 0.5)
    assert fractional.t_ == 5 * -(-len(X) // 8)  # batches of the rows, each weighted


def test_integer_weights_decide_full_batch_or_mini_batches_on_the_virtual_rows():
    """A network's default batch of 200 rows is a full batch of 150 rows, mini-batches of
    the 300 rows they stand for with weight 2: the weighted fit follows the repeated one."""
    X, y, _ = _data(150)
    kw = dict(hidden_layer_sizes=(4,), epochs=3, tol=None)
    weighted = GDNetworkRegressor(**kw).fit(X, y, sample_weight=np.full(150, 2))
    repeated = GDNetworkRegressor(**kw).fit(np.repeat(X, 2, axis=0), np.repeat(y, 2))
    assert weighted.t_ == repeated.t_ == 3 * 2
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)


@pytest.mark.parametrize("est", [GDRegressor(optimizer="adam", batch_size=8, epochs=100),
                                 GDClassifier(early_stopping=True, epochs=200),
                                 GDNetworkRegressor(hidden_layer_sizes=(5,), batch_size=8, epochs=60)],
                         ids=["adam-minibatch", "early-stopping", "network-minibatch"])
def test_an_unweighted_stochastic_fit_does_not_depend_on_the_order_of_the_rows(est):
    from sklearn.base import clone

    X, y, _ = _data(classes=2 if isinstance(est, GDClassifier) else None)
    perm = np.random.default_rng(2).permutation(len(X))
    a, b = clone(est).fit(X, y), clone(est).fit(X[perm], y[perm])
    np.testing.assert_allclose(_outputs(a, X), _outputs(b, X), rtol=1e-7)
    assert a.n_iter_ == b.n_iter_


def test_fractional_weights_still_train_towards_the_weighted_optimum():
    """Weights of 0.7 times the counts are no counts: each row's term is weighted in its
    batch, equal to repetition in expectation, so the fit nears the same optimum."""
    from sklearn.linear_model import LinearRegression

    X, y, counts = _data(200)
    w = 0.7 * counts
    assert row_counts(w) is None
    est = GDRegressor(optimizer="adam", batch_size=16, epochs=300, tol=None, lr=0.003).fit(
        X, y, sample_weight=w)
    assert est.history_.loss[-1] < est.history_.loss[0] / 5
    ref = LinearRegression().fit(X, y, sample_weight=counts)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0.05, atol=0.02)


def test_row_counts_takes_whole_numbers_only_and_up_to_the_cap(monkeypatch):
    np.testing.assert_array_equal(row_counts(np.array([0.0, 2.0, 3.0])), [0, 2, 3])
    np.testing.assert_array_equal(row_counts(np.array([1.0, 2.0]), np.array([3.0, 0.5])), [3, 1])
    np.testing.assert_array_equal(row_counts(None, np.array([2.0, 1.0])), [2, 1])
    assert row_counts(np.array([1.0, 2.5])) is None and row_counts(None) is None
    monkeypatch.setattr(rows_module, "MAX_VIRTUAL_ROWS", 4)
    assert row_counts(np.array([2.0, 3.0])) is None  # 5 virtual rows: taken as weights


def test_the_canonical_order_depends_on_the_rows_content_only():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 5))
    y = rng.integers(0, 3, size=30).astype(float)
    X[7], y[7] = X[3], y[3]          # one duplicate row ...
    X[12], y[12] = X[3], 1 - y[3]    # ... and one with the same features but another target
    perm = rng.permutation(30)
    a, b = content_order(X, y), content_order(X[perm], y[perm])
    np.testing.assert_array_equal(X[a], X[perm][b])
    np.testing.assert_array_equal(y[a], y[perm][b])
    where = {int(i) for i in np.flatnonzero(np.all(X[a] == X[3], axis=1) & (y[a] == y[3]))}
    assert len(where) == 2 and max(where) - min(where) == 1  # identical rows are neighbours


def test_overflowing_keys_fall_back_to_the_lexicographic_order():
    rng = np.random.default_rng(4)
    v = np.random.default_rng(rows_module._KEY_SEED).standard_normal(8)  # the key's direction
    X = np.sign(v) * rng.uniform(1.0, 1.7, size=(20, 8)) * 1e308  # keys sum past the largest float
    perm = rng.permutation(20)
    a, b = content_order(X), content_order(X[perm])
    np.testing.assert_array_equal(X[a], X[perm][b])
    np.testing.assert_array_equal(a, np.lexsort(X.T[::-1]))


def test_virtual_rows_repeat_each_row_its_count_in_order():
    order = np.array([2, 0, 1, 3])
    np.testing.assert_array_equal(virtual_rows(order, np.array([1, 0, 3, 2])), [2, 2, 2, 0, 3, 3])
    assert virtual_rows(order) is order


def test_training_on_repeating_rows_is_training_on_the_rows_repeated():
    """The trainer's ``rows``: the same mini-batches, split and losses as the repeated rows."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(25, 3)), rng.normal(size=25)
    counts = rng.integers(0, 4, size=25)
    kw = dict(epochs=40, batch_size=6, validation_fraction=0.25, tol=None, seed=7)
    runs = []
    for Xs, ys, rows in [(X, y, np.repeat(np.arange(25), counts)),
                         (np.repeat(X, counts, axis=0), np.repeat(y, counts), None)]:
        runs.append(train(LinearModel(3, seed=0), Xs, ys, rows=rows,
                          optimizer=make_optimizer("adam", 0.01), **kw))
    np.testing.assert_allclose(runs[0].loss, runs[1].loss, rtol=1e-12)
    np.testing.assert_allclose(runs[0].val_loss, runs[1].val_loss, rtol=1e-12)
    np.testing.assert_allclose(runs[0].final_params["W"], runs[1].final_params["W"], rtol=1e-12)


def test_a_full_batch_of_repeating_rows_weighs_each_row_by_its_count():
    rng = np.random.default_rng(6)
    X, y, w = rng.normal(size=(6, 2)), rng.normal(size=6), rng.uniform(0.5, 2.0, size=6)
    rows = np.array([4, 1, 1, 5, 1, 4])
    Xf, yf, wf = RowSet(X, y, w, rows).full()
    expected = np.sum(w[rows] * y[rows] ** 2) / np.sum(w[rows])  # the mean over the virtual rows
    assert np.mean(wf * yf ** 2) == pytest.approx(expected, rel=1e-12)
    fit, val = split(X, y, None, rows, validation_fraction=0.5, seed=0)
    assert fit.n_samples == val.n_samples == 3
    assert sorted(np.concatenate([fit.rows, val.rows]).tolist()) == sorted(rows.tolist())


def test_held_out_rows_of_weight_zero_fail_in_one_line():
    from descentlab.errors import DescentlabError

    X, y = np.arange(8.0)[:, None], np.arange(8.0)
    w = np.ones(8)
    w[_split_positions(8, 0.25, 0)[0]] = 0.0  # the rows the split holds out weigh nothing
    with pytest.raises(DescentlabError, match="held-out validation rows' sample weights are all 0"):
        split(X, y, w, None, validation_fraction=0.25, seed=0)
