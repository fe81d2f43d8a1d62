"""Fair scores and hints that name the mistake: dm and db diagnosed apart, each vague case
of issue 23 its own hint, two hint levels; a pair may be any length-2 sequence, a stray
print is not a failure, float32 passes."""

import pytest

from exercise_helpers import failing, plant, reference, run_source

DM = "    dm = np.mean((y_pred - y_train) * X_train)"
DB = "    db = np.mean(y_pred - y_train)"
UPDATE = "    m = m - l_r * dm\n    b = b - l_r * db"
GRAD_DESC = "    dm, db = gradient(m, b, X_train, y_train, y_pred)\n    m, b = update_params(m, b, dm, db, l_r)"

# case -> (replacements, {check: mistake}, words of the hint at level 1)
CASES = {
    "sign_in_dm_only": ([(DM, "    dm = np.mean((y_train - y_pred) * X_train)")],
                        {"gradient_dm": "sign"}, "a sign error in dm"),
    "sign_in_db_only": ([(DB, "    db = np.mean(y_train - y_pred)")],
                        {"gradient_db": "sign"}, "a sign error in db"),
    "no_1_over_n_in_dm": ([(DM, "    dm = np.sum((y_pred - y_train) * X_train)")],
                          {"gradient_dm": "sum"}, "a sum instead of a mean in dm"),
    "db_with_X": ([(DB, "    db = np.mean((y_pred - y_train) * X_train)")],
                  {"gradient_db": "x_in_db"}, "db is computed with X"),
    "half_kept": ([(DM, "    dm = 0.5 * np.mean((y_pred - y_train) * X_train)"),
                   (DB, "    db = 0.5 * np.mean(y_pred - y_train)")],
                  {"gradient_dm": "half_kept", "gradient_db": "half_kept"}, "the 1/2 kept"),
    "rate_twice_in_update": ([(UPDATE, "    m = m - l_r * l_r * dm\n    b = b - l_r * l_r * db")],
                             {"update_params": "lr_twice"}, "applied twice"),
    "rate_twice_in_grad_desc": (
        [(GRAD_DESC, "    dm, db = gradient(m, b, X_train, y_train, y_pred)\n"
                     "    m, b = update_params(m, b, l_r * dm, l_r * db, l_r)")],
        {"grad_desc": "lr_twice"}, "applied twice"),
    "m_before_db": (
        [(GRAD_DESC, "    dm, _ = gradient(m, b, X_train, y_train, y_pred)\n"
                     "    m = m - l_r * dm\n    y_pred = m * X_train + b\n"
                     "    _, db = gradient(m, b, X_train, y_train, y_pred)\n"
                     "    b = b - l_r * db")],
        {"grad_desc": "order"}, "m is updated before db is computed"),
    "integer_division": ([(DM, "    dm = np.sum((y_pred - y_train) * X_train) // len(X_train)")],
                         {"gradient_dm": "int_div"}, "integer division"),
    "n_against_n1": ([(DM, "    dm = np.mean((y_pred.ravel() - y_train) * X_train)")],
                     {"gradient_dm": "broadcast"}, "N x N"),
    "clipped_step": ([(UPDATE, "    m = m - l_r * np.clip(dm, -10, 10)\n"
                               "    b = b - l_r * np.clip(db, -10, 10)")],
                     {"update_params": "clip"}, "clipped"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_vague_case_gets_its_own_hint(case, tmp_path):
    replacements, expected, words = CASES[case]
    results = run_source("linear_regression", plant(reference("linear_regression"), replacements),
                         tmp_path, seed=2)
    assert failing(results) == expected  # one mistake costs its own checks only
    for name in expected:
        assert words in results[name]["message"], results[name]["message"]


def test_hint_two_adds_the_formula_of_the_value_that_is_wrong(tmp_path):
    results = run_source("linear_regression", plant(reference("linear_regression"),
                                                    CASES["sign_in_db_only"][0]), tmp_path)
    from descentlab.exercises.runner import CheckResult

    r = results["gradient_db"]
    check = CheckResult("gradient_db", False, r["message"], r["mistake"], formula=r["formula"])
    assert "mean(y_pred - y)" not in check.hint(1)
    assert check.hint(2).endswith("Formula: db = mean(y_pred - y)")


def test_one_sign_error_costs_only_its_own_points(tmp_path):
    from descentlab.exercises.lessons import get_lesson

    results = run_source("linear_regression", plant(reference("linear_regression"),
                                                    CASES["sign_in_dm_only"][0]), tmp_path)
    lesson = get_lesson("linear_regression")
    points = sum(r["points"] for r in results.values())
    assert points == lesson.max_points - 1
    assert results["grad_desc"]["passed"] and "reference's gradient" in results["grad_desc"]["message"]
    assert results["training"]["passed"]


FAIR = {
    "pair_as_array": [("    return dm, db", "    return np.array([dm, db])"),
                      ("    return m, b\n\n\ndef grad_desc", "    return np.array([m, b])\n\n\ndef grad_desc")],
    "pair_as_list": [("    return dm, db", "    return [dm, db]")],
    "stray_prints": [("    return dm, db", "    print('dm is', dm, 'db is', db)\n    return dm, db"),
                     ("    loss = 1 / 2", "    print('x' * 200_000)\n    loss = 1 / 2")],
    "float32": [("    y_pred = m * X + b", "    y_pred = np.float32(m) * X.astype(np.float32) + np.float32(b)"),
                (DM, "    dm = np.mean(((y_pred - y_train) * X_train).astype(np.float32))"),
                (DB, "    db = np.mean((y_pred - y_train).astype(np.float32))"),
                ("    loss = 1 / 2 * np.mean((y_pred - y) ** 2)",
                 "    loss = np.float32(0.5) * np.mean(((y_pred - y) ** 2).astype(np.float32))")],
}


@pytest.mark.parametrize("case", list(FAIR))
def test_fair_variants_pass(case, tmp_path):
    results = run_source("linear_regression", plant(reference("linear_regression"), FAIR[case]),
                         tmp_path, seed=1)
    assert failing(results) == {}


def test_a_stray_print_is_shown_not_failed(tmp_path):
    results = run_source("linear_regression", plant(reference("linear_regression"),
                                                    [("    return dm, db", "    print('dm', dm)\n    return dm, db")]),
                         tmp_path)
    assert results["gradient_dm"]["passed"] and "dm" in results["gradient_dm"]["output"]
