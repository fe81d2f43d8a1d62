"""Each lesson: the reference scores 100%, the starter is 'not written yet', and each typical
mistake, planted one at a time into the reference, fails exactly the checks it should, with
its hint."""

import pytest

from descentlab.exercises.judge import MISTAKES
from descentlab.exercises.lessons import LESSONS
from exercise_helpers import failing, plant, reference, run_source

BOTH = ("gradient_dm", "gradient_db")
NA = "not_assessed"


def _linear(name, mistake, replacements, extra=None):
    names = BOTH if name == "gradient" else (name,)
    expected = {**{n: mistake for n in names}, **(extra or {})}
    return pytest.param("linear_regression", replacements, expected, id=f"linear-{name}-{mistake}")


# A function's mistake costs its own check only: the checks that call it swap in the
# reference (grad_desc, predict, training), so they pass.
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
                                 ("np.mean(y_pred - y_train)", "np.mean(y_train - y_pred)")]),
    _linear("gradient", "half", [("dm = np.mean", "dm = 2 * np.mean"),
                                 ("db = np.mean", "db = 2 * np.mean")]),
    _linear("gradient", "sum", [("dm = np.mean", "dm = np.sum"), ("db = np.mean", "db = np.sum")]),
    _linear("gradient", "swapped", [("    return dm, db", "    return db, dm")]),
    _linear("gradient_dm", "x_missing", [("np.mean((y_pred - y_train) * X_train)",
                                          "np.mean(y_pred - y_train)")]),
    _linear("gradient_db", "bias", [("db = np.mean(y_pred - y_train)", "db = 0.0")]),
    _linear("gradient", "in_place", [("    dm = np.mean((y_pred - y_train) * X_train)",
                                      "    y_pred -= y_train\n    y_pred += y_train\n"
                                      "    y_pred[0] += 1e-3\n"
                                      "    dm = np.mean((y_pred - y_train) * X_train)")]),
    _linear("gradient", "none", [("    return dm, db\n", "")]),
    _linear("update_params", "sign", [("m = m - l_r * dm", "m = m + l_r * dm"),
                                      ("b = b - l_r * db", "b = b + l_r * db")]),
    _linear("update_params", "lr", [("m = m - l_r * dm", "m = m - dm"),
                                    ("b = b - l_r * db", "b = b - db")]),
    _linear("update_params", "swapped", [("m = m - l_r * dm", "m = m - l_r * db"),
                                         ("b = b - l_r * db", "b = b - l_r * dm")]),
    # the article's own slip: 'm -= l_r * dm' and no return
    _linear("update_params", "none", [("    m = m - l_r * dm\n    b = b - l_r * db\n    return m, b",
                                       "    m -= l_r * dm\n    b -= l_r * db")]),
    _linear("grad_desc", "none", [("    m, b = update_params(m, b, dm, db, l_r)\n    return m, b",
                                   "    m, b = update_params(m, b, dm, db, l_r)")]),
    _linear("grad_desc", "wrong", [("    m, b = update_params(m, b, dm, db, l_r)\n    return m, b",
                                    "    return dm, db")]),
    _linear("accuracy", "mape", [("np.mean(np.fabs((y_pred - y) / y)) * 100",
                                  "np.mean(np.fabs((y_pred - y) / y))")]),
    _linear("accuracy", "mape", [("np.fabs((y_pred - y) / y)", "np.fabs((y_pred - y) / y_pred)")]),
    _linear("predict", "none", [("    return y_pred, loss, accuracy(y_test, y_pred)\n", "")]),
    # every function of the loop wrong: nothing of the learner's left to train
    _linear("init_params", "none", [("    return m, b\n\n\ndef forward", "\n\ndef forward"),
                                    ("    return y_pred\n", ""), ("    return loss\n", ""),
                                    ("    m, b = update_params(m, b, dm, db, l_r)\n    return m, b",
                                     "    pass")],
            {"forward_prop": "none", "compute_loss": "none", "grad_desc": "none",
             "training": NA, "divergence": NA}),
]
DENSE = [pytest.param("dense_layer", r, e, id=f"dense-{'-'.join(next(iter(e.items())))}")
         for r, e in [
    ([("return X @ W + b", "return X @ W")], {"dense_forward": "bias"}),
    ([("return X @ W + b", "return X @ W - b")], {"dense_forward": "sign"}),
    ([("return X @ W + b", "return (X @ W + b).T")], {"dense_forward": "shape"}),
    ([("    return X @ W + b\n", "    Z = X @ W + b\n")], {"dense_forward": "none"}),
    ([("dLdX = dLdZ @ W.T", "dLdX = -dLdZ @ W.T"), ("dW = X.T @ dLdZ", "dW = -X.T @ dLdZ"),
      ("db = np.sum(dLdZ, axis=0)", "db = -np.sum(dLdZ, axis=0)")],
     {"backward_dLdX": "sign", "backward_dW": "sign", "backward_db": "sign"}),
    ([("dW = X.T @ dLdZ", "dW = -X.T @ dLdZ")], {"backward_dW": "sign"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.mean(dLdZ, axis=0)")], {"backward_db": "mean"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.sum(dLdZ, axis=1)")], {"backward_db": "shape"}),
    ([("db = np.sum(dLdZ, axis=0)", "db = np.zeros(W.shape[1])")], {"backward_db": "bias"}),
    ([("dW = X.T @ dLdZ", "dW = dLdZ.T @ X")], {"backward_dW": "shape"}),
    ([("return dLdX, dW, db", "return dW, dLdX, db")],
     {"backward_dLdX": "swapped", "backward_dW": "swapped"}),
    ([("    dLdX = dLdZ @ W.T", "    dLdZ[0] = 0.0\n    dLdX = dLdZ @ W.T")],
     {"backward_dLdX": "in_place", "backward_dW": "in_place", "backward_db": "in_place"}),
]]
GRADS = ("gradient_dW", "gradient_db")
LOGISTIC = [pytest.param("logistic_regression", r, e, id=f"logistic-{'-'.join(next(iter(e.items())))}")
            for r, e in [
    ([("np.exp(-z)", "np.exp(z)")], {"sigmoid": "sign", "sigmoid_extremes": "sign"}),
    ([("    return 1 / (1 + np.exp(-z))\n", "    p = 1 / (1 + np.exp(-z))\n")],
     {"sigmoid": "none", "sigmoid_extremes": "none"}),
    ([("return 1 / (1 + np.exp(-z))", "return np.exp(z) / (1 + np.exp(z))")],
     {"sigmoid_extremes": "wrong"}),
    ([("X.T @ (p - y) / len(y)", "X.T @ (y - p) / len(y)"), ("np.mean(p - y)", "np.mean(y - p)")],
     {**dict.fromkeys(GRADS, "sign"), "training": NA}),
    ([("X.T @ (p - y) / len(y)", "X.T @ (p - y)"), ("np.mean(p - y)", "np.sum(p - y)")],
     {**dict.fromkeys(GRADS, "sum"), "training": NA}),
    ([("sigmoid(X @ W + b)", "sigmoid(X @ W)")], {**dict.fromkeys(GRADS, "bias"), "training": NA}),
    ([("p = sigmoid(X @ W + b)", "p = X @ W + b")],
     {**dict.fromkeys(GRADS, "sigmoid"), "training": NA}),
    ([("return dW, db", "return db, dW")], {**dict.fromkeys(GRADS, "swapped"), "training": NA}),
    ([("X.T @ (p - y) / len(y)", "(p - y) / len(y)")], {"gradient_dW": "shape", "training": NA}),
    ([("np.mean(p - y)", "np.sum(p - y)")], {"gradient_db": "sum", "training": NA}),
]]
MOMENTUM = [pytest.param("momentum", r, {"momentum_update": m, "training": NA, "divergence": NA},
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
        function = name.split("_d")[0] if name.startswith(("gradient_", "backward_")) else name
        function = {"backward": "dense_backward", "sigmoid_extremes": "sigmoid"}.get(function, function)
        if mistake != NA:
            assert results[name]["message"].startswith(function), results[name]["message"]


@pytest.mark.parametrize("seed", range(5))
def test_hints_are_stable_across_random_cases(seed, tmp_path):
    source = plant(reference("linear_regression"), [("dm = np.mean", "dm = np.sum"),
                                                    ("db = np.mean", "db = np.sum")])
    results = run_source("linear_regression", source, tmp_path, seed)
    for name in BOTH:
        assert results[name]["mistake"] == "sum"
        assert "a sum instead of a mean" in results[name]["message"]


def test_hint_names_the_mistake_in_words(tmp_path):
    source = plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")])
    message = run_source("linear_regression", source, tmp_path)["compute_loss"]["message"]
    # hint level 1 names the kind of mistake, not the answer line (issue 23: the formula
    # moved to --hint 2)
    assert message == "compute_loss: the 1/2 of the loss is missing"


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

def accuracy(y, y_pred):
    return 80.1676

def predict(X_test, y_test, m, b):
    return 82.3408 * X_test + 0.4649, 56.53, 80.1676
'''


def test_answers_hard_coded_for_the_article_data_fail(tmp_path):
    results = run_source("linear_regression", ARTICLE_HARDCODED, tmp_path, seed=5)
    assert set(failing(results)) == set(LESSONS["linear_regression"].check_names)
    assert failing(results)["training"] == "not_assessed"  # nothing of the learner's is right


def test_a_few_prints_are_allowed(tmp_path):
    source = plant(reference("linear_regression"),
                   [("    return dm, db", "    print('dm', dm)\n    return dm, db")])
    assert failing(run_source("linear_regression", source, tmp_path)) == {}


def test_checks_repeat_with_a_seed_and_differ_without(tmp_path):
    source = plant(reference("linear_regression"), [("y_pred = m * X + b", "y_pred = m * X")])
    first = run_source("linear_regression", source, tmp_path, seed=7)["forward_prop"]["message"]
    again = run_source("linear_regression", source, tmp_path, seed=7)["forward_prop"]["message"]
    other = run_source("linear_regression", source.replace("m * X\n", "m * X * 1.5\n"),
                       tmp_path, seed=8)["forward_prop"]["message"]
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


ANSWER_LINES = {  # what a starter must not give away (issue 23)
    "linear_regression": ["(y_pred - y) * X", "m - l_r * dm", "np.random.normal(0, 10)",
                          "1/2 * mean", "np.fabs", "/ y)"],
    "dense_layer": ["X @ W + b", "dLdZ @ W.T", "X.T @ dLdZ", "sum(axis=0)"],
    "logistic_regression": ["1 / (1 + exp(-z))", "X.T @ (p - y)", "mean(p - y)"],
    "momentum": ["beta * v + g", "p - lr * v"],
}


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_starters_state_the_task_not_the_answer_lines(lesson):
    text = LESSONS[lesson].template.read_text()
    assert [line for line in ANSWER_LINES[lesson] if line in text] == []
    for name, (params, _) in LESSONS[lesson].signatures.items():
        assert f"def {name}({', '.join(params)}):" in text
        assert "Returns" in text and "shape" in text


@pytest.mark.parametrize("lesson", ["dense_layer", "logistic_regression"])
def test_lessons_have_enough_checks_for_a_graded_score(lesson):
    checks = LESSONS[lesson].checks
    assert len(checks) >= 4 and all(c.points > 0 for c in checks)


def test_the_article_test_step_is_an_exercise():
    assert {"accuracy", "predict"} <= set(LESSONS["linear_regression"].signatures)
