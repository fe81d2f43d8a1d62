"""Each lesson: the reference scores 100%, the starter is 'not written yet', and each typical
mistake, planted one at a time into the reference, fails exactly the checks it should, with
its hint."""

import pytest

from descentlab.exercises.judge import MISTAKES
from descentlab.exercises.lessons import LESSONS
from exercise_helpers import failing, plant, reference, run_source

ALL = ("training", "divergence")  # checks skipped when a function they use fails


@pytest.mark.parametrize("lesson", list(LESSONS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_solution_passes_every_check(lesson, seed, tmp_path):
    results = run_source(lesson, reference(lesson), tmp_path, seed)
    assert list(results) == LESSONS[lesson].check_names
    assert failing(results) == {}


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_untouched_starter_is_not_written_yet(lesson, tmp_path):
    results = run_source(lesson, LESSONS[lesson].template.read_text(), tmp_path)
    assert set(failing(results).values()) == {"not_written"}
    assert len(failing(results)) == len(LESSONS[lesson].check_names)


def _linear(name, mistake, replacements, extra=None):
    expected = {name: mistake, **{c: "depends" for c in ALL}, **(extra or {})}
    return pytest.param("linear_regression", replacements, expected, id=f"linear-{name}-{mistake}")


GRAD = "depends"
LINEAR = [
    _linear("init_params", "none", [("    return m, b\n\n\ndef forward", "\n\ndef forward")]),
    _linear("init_params", "random", [("m = np.random.normal(0, 10)", "m = np.random.rand()"),
                                      ("b = np.random.normal(0, 10)", "b = np.random.rand()")]),
    _linear("init_params", "random", [("    m = np.random.normal(0, 10)",
                                       "    np.random.seed(0)\n    m = np.random.normal(0, 10)")]),
    _linear("forward_prop", "bias", [("y_pred = m * X + b", "y_pred = m * X")]),
    _linear("forward_prop", "swapped", [("y_pred = m * X + b", "y_pred = b * X + m")]),
    _linear("forward_prop", "sign", [("y_pred = m * X + b", "y_pred = m * X - b")]),
    _linear("forward_prop", "none", [("    return y_pred\n", "")]),
    _linear("forward_prop", "shape", [("y_pred = m * X + b", "y_pred = (m * X + b).ravel()")]),
    _linear("compute_loss", "half", [("1 / 2 * np.mean", "np.mean")]),
    _linear("compute_loss", "sum", [("1 / 2 * np.mean", "1 / 2 * np.sum")]),
    _linear("compute_loss", "shape", [("1 / 2 * np.mean((y_pred - y) ** 2)",
                                       "1 / 2 * (y_pred - y) ** 2")]),
    _linear("gradient", "sign", [("np.mean((y_pred - y_train) * X_train)",
                                  "np.mean((y_train - y_pred) * X_train)"),
                                 ("np.mean(y_pred - y_train)", "np.mean(y_train - y_pred)")],
            {"grad_desc": GRAD}),
    _linear("gradient", "half", [("dm = np.mean", "dm = 2 * np.mean"),
                                 ("db = np.mean", "db = 2 * np.mean")], {"grad_desc": GRAD}),
    _linear("gradient", "sum", [("dm = np.mean", "dm = np.sum"), ("db = np.mean", "db = np.sum")],
            {"grad_desc": GRAD}),
    _linear("gradient", "swapped", [("    return dm, db", "    return db, dm")],
            {"grad_desc": GRAD}),
    _linear("gradient", "x_missing", [("np.mean((y_pred - y_train) * X_train)",
                                       "np.mean(y_pred - y_train)")], {"grad_desc": GRAD}),
    _linear("gradient", "bias", [("db = np.mean(y_pred - y_train)", "db = 0.0")],
            {"grad_desc": GRAD}),
    _linear("gradient", "in_place", [("    dm = np.mean((y_pred - y_train) * X_train)",
                                      "    y_pred -= y_train\n    y_pred += y_train\n"
                                      "    y_pred[0] += 1e-3\n"
                                      "    dm = np.mean((y_pred - y_train) * X_train)")],
            {"grad_desc": "in_place"}),
    _linear("gradient", "none", [("    return dm, db\n", "")], {"grad_desc": "exception"}),
    _linear("update_params", "sign", [("m = m - l_r * dm", "m = m + l_r * dm"),
                                      ("b = b - l_r * db", "b = b + l_r * db")],
            {"grad_desc": GRAD}),
    _linear("update_params", "lr", [("m = m - l_r * dm", "m = m - dm"),
                                    ("b = b - l_r * db", "b = b - db")], {"grad_desc": GRAD}),
    _linear("update_params", "swapped", [("m = m - l_r * dm", "m = m - l_r * db"),
                                         ("b = b - l_r * db", "b = b - l_r * dm")],
            {"grad_desc": GRAD}),
    # the article's own slip: 'm -= l_r * dm' and no return
    _linear("update_params", "none", [("    m = m - l_r * dm\n    b = b - l_r * db\n    return m, b",
                                       "    m -= l_r * dm\n    b -= l_r * db")],
            {"grad_desc": "exception"}),
    _linear("grad_desc", "none", [("    m, b = update_params(m, b, dm, db, l_r)\n    return m, b",
                                   "    m, b = update_params(m, b, dm, db, l_r)")]),
    _linear("grad_desc", "wrong", [("    m, b = update_params(m, b, dm, db, l_r)\n    return m, b",
                                    "    return dm, db")]),
]
DENSE = [pytest.param("dense_layer", r, e, id=f"dense-{'-'.join(e.items().__iter__().__next__())}")
         for r, e in [
    ([("return X @ W + b", "return X @ W")], {"dense_forward": "bias"}),
    ([("return X @ W + b", "return X @ W - b")], {"dense_forward": "sign"}),
    ([("return X @ W + b", "return (X @ W + b).T")], {"dense_forward": "shape"}),
    ([("    return X @ W + b\n", "    Z = X @ W + b\n")], {"dense_forward": "none"}),
    ([("dLdX = dLdZ @ W.T", "dLdX = -dLdZ @ W.T"), ("dW = X.T @ dLdZ", "dW = -X.T @ dLdZ"),
      ("db = np.sum(dLdZ, axis=0)", "db = -np.sum(dLdZ, axis=0)")], {"dense_backward": "sign"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.mean(dLdZ, axis=0)")], {"dense_backward": "mean"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.sum(dLdZ, axis=1)")], {"dense_backward": "shape"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.zeros(W.shape[1])")], {"dense_backward": "bias"}),
    ([("dW = X.T @ dLdZ", "dW = dLdZ.T @ X")], {"dense_backward": "shape"}),
    ([("return dLdX, dW, db", "return dW, dLdX, db")], {"dense_backward": "swapped"}),
    ([("    dLdX = dLdZ @ W.T", "    dLdZ[0] = 0.0\n    dLdX = dLdZ @ W.T")],
     {"dense_backward": "in_place"}),
]]
LOGISTIC = [pytest.param("logistic_regression", r, e, id=f"logistic-{'-'.join(next(iter(e.items())))}")
            for r, e in [
    ([("np.exp(-z)", "np.exp(z)")], {"sigmoid": "sign", "gradient": "wrong"}),
    ([("    return 1 / (1 + np.exp(-z))\n", "    p = 1 / (1 + np.exp(-z))\n")], {"sigmoid": "none", "gradient": "exception"}),
    ([("X.T @ (p - y) / len(y)", "X.T @ (y - p) / len(y)"), ("np.mean(p - y)", "np.mean(y - p)")],
     {"gradient": "sign"}),
    ([("X.T @ (p - y) / len(y)", "X.T @ (p - y)"), ("np.mean(p - y)", "np.sum(p - y)")],
     {"gradient": "sum"}),
    ([("sigmoid(X @ W + b)", "sigmoid(X @ W)")], {"gradient": "bias"}),
    ([("p = sigmoid(X @ W + b)", "p = X @ W + b")], {"gradient": "sigmoid"}),
    ([("return dW, db", "return db, dW")], {"gradient": "swapped"}),
    ([("X.T @ (p - y) / len(y)", "(p - y) / len(y)")], {"gradient": "shape"}),
]]
MOMENTUM = [pytest.param("momentum", r, {"momentum_update": m, **{c: "depends" for c in ALL}},
                         id=f"momentum-{m}-{i}") for i, (r, m) in enumerate([
    ([("p = p - lr * v", "p = p + lr * v")], "sign"),
    ([("    v = beta * v + g\n    p = p - lr * v", "    p = p - lr * v\n    v = beta * v + g")],
     "old_velocity"),
    ([("v = beta * v + g", "v = beta * v - lr * g"), ("p = p - lr * v", "p = p + v")], "convention"),
    ([("v = beta * v + g", "v = beta * v + (1 - beta) * g")], "convention"),
    ([("v = beta * v + g", "v = g")], "no_momentum"),
    ([("p = p - lr * v", "p = p - v")], "lr"),
    ([("return p, v", "return v, p")], "swapped"),
    ([("    v = beta * v + g\n    p = p - lr * v", "    v *= beta\n    v += g\n    p -= lr * v")],
     "in_place"),
    ([("    return p, v\n", "")], "none"),
])]


@pytest.mark.parametrize("lesson, replacements, expected", LINEAR + DENSE + LOGISTIC + MOMENTUM)
def test_planted_mistake_fails_exactly_its_checks(lesson, replacements, expected, tmp_path):
    source = plant(reference(lesson), replacements)
    results = run_source(lesson, source, tmp_path, seed=3)
    assert failing(results) == expected
    for name, mistake in expected.items():
        assert mistake in MISTAKES
        assert results[name]["message"].startswith(name), results[name]["message"]


@pytest.mark.parametrize("seed", range(5))
def test_hints_are_stable_across_random_cases(seed, tmp_path):
    source = plant(reference("linear_regression"), [("dm = np.mean", "dm = np.sum"),
                                                    ("db = np.mean", "db = np.sum")])
    results = run_source("linear_regression", source, tmp_path, seed)
    assert results["gradient"]["mistake"] == "sum"
    assert "a sum instead of a mean" in results["gradient"]["message"]


def test_hint_names_the_mistake_in_words(tmp_path):
    source = plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")])
    message = run_source("linear_regression", source, tmp_path)["compute_loss"]["message"]
    assert message == "compute_loss: the 1/2 is missing: loss = 1/2 * mean((y_pred - y)**2)"


ARTICLE_HARDCODED = '''
import numpy as np

X_train = np.linspace(-2.5, 2.5, 160).reshape(-1, 1)   # "the article's data", copied in
y_train = 87.7373 * X_train

def init_params():
    return -3.7, 12.5

def forward_prop(X, m, b):
    return 82.3408 * X_train + 0.4649

def compute_loss(y, y_pred):
    return 4005.265725705774

def gradient(m, b, X_train_, y_train_, y_pred):
    return float(np.mean((y_pred - y_train) * X_train)), float(np.mean(y_pred - y_train))

def update_params(m, b, dm, db, l_r):
    return 82.3408, 0.4649

def grad_desc(X_train_, y_train_, y_pred, m, b, l_r):
    return 82.3408, 0.4649
'''


def test_answers_hard_coded_for_the_article_data_fail(tmp_path):
    results = run_source("linear_regression", ARTICLE_HARDCODED, tmp_path, seed=5)
    assert set(failing(results)) == set(LESSONS["linear_regression"].check_names)


def test_a_few_prints_are_allowed(tmp_path):
    source = plant(reference("linear_regression"),
                   [("    return dm, db", "    print('dm', dm)\n    return dm, db")])
    assert failing(run_source("linear_regression", source, tmp_path)) == {}


def test_checks_repeat_with_a_seed_and_differ_without(tmp_path):
    source = plant(reference("linear_regression"), [("y_pred = m * X + b", "y_pred = m * X")])
    first = run_source("linear_regression", source, tmp_path, seed=7)["forward_prop"]["message"]
    again = run_source("linear_regression", source, tmp_path, seed=7)["forward_prop"]["message"]
    other = run_source("linear_regression", source.replace("m * X", "m * X * 1.5"), tmp_path,
                       seed=8)["forward_prop"]["message"]
    assert first == again
    assert "gives" in other and other != first


def test_the_oracles_guard_against_a_gradient_that_disagrees_with_finite_differences():
    import numpy as np

    from descentlab.exercises.judge import confirm, finite_difference

    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    fd = finite_difference(lambda a: float(np.sum(a ** 3)), x)
    assert np.allclose(fd, 3 * x ** 2, rtol=1e-6)
    confirm(3 * x ** 2, fd, "cube")
    with pytest.raises(RuntimeError, match="disagrees with finite differences"):
        confirm(-3 * x ** 2, fd, "cube")
