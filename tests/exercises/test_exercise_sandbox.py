"""Learner code is untrusted: each fault is that check failing with a clear reason, grading
goes on, and the learner's file is never modified. These tests start real processes."""

import hashlib

import pytest

from descentlab.exercises import Limits, check_file, get_lesson
from exercise_helpers import plant, reference

LESSON = get_lesson("linear_regression")
FAST = Limits(check_timeout=1.5, load_timeout=20.0, memory_mb=512)
GRADIENT = "    dm = np.mean((y_pred - y_train) * X_train)"
BOTH = ("gradient_dm", "gradient_db")


def _in_gradient(code):
    return [(GRADIENT, f"    {code}\n{GRADIENT}")]


def _both(mistake):
    return dict.fromkeys(BOTH, mistake)


# name -> (replacements, {check: mistake} of the failing checks, words in the first message).
# A fault in gradient costs gradient's two checks only: grad_desc, predict and training
# swap in the reference's gradient.
FAULTS = {
    "endless_loop": (_in_gradient("while True: pass"), _both("timeout"), "endless loop"),
    "os_exit": (_in_gradient("import os; os._exit(3)"), _both("crash"), "os._exit"),
    "segfault": (_in_gradient("import ctypes; ctypes.string_at(0)"), _both("crash"), "SIGSEGV"),
    "exception": (_in_gradient("1 / 0"), _both("exception"), "ZeroDivisionError"),
    "sys_exit": (_in_gradient("import sys; sys.exit(1)"), _both("exit"), "sys.exit"),
    # a stray print is not a failure, however long (issue 23): it is counted, not kept
    "prints_megabytes": (_in_gradient("print('x' * 1_000_000)"), {}, None),
    "memory": (_in_gradient("big = np.ones(100_000_000)"),  # 800 MB, over the 512 MB limit
               _both("memory"), "memory"),
    "exception_when_loaded": ([("import numpy as np", "import numpy as np\nprint(undefined_name)")],
                              {name: "load" for name in LESSON.check_names}, "NameError"),
    "missing_function": ([("def gradient(", "def gradient_(")], _both("missing"),
                         "gradient is missing"),
    "syntax_error": ([("def gradient(m, b, X_train, y_train, y_pred):", "def gradient(m, b:")],
                     {name: "syntax" for name in LESSON.check_names}, "syntax error at line"),
    "exit_when_loaded": ([("import numpy as np", "import numpy as np\nimport sys\nsys.exit(0)")],
                         {name: "exit" for name in LESSON.check_names}, "when loaded"),
    "loop_when_loaded": ([("import numpy as np", "import numpy as np\nwhile True:\n    pass")],
                         {name: "timeout" for name in LESSON.check_names}, "while loading"),
}


def write_fault(folder, name):
    replacements = FAULTS[name][0]
    path = folder / f"{name}.py"
    path.write_text(plant(reference("linear_regression"), replacements))
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_check_reports_each_fault_as_the_check_failing(fault, tmp_path):
    path = write_fault(tmp_path, fault)
    before = digest(path)
    limits = Limits(1.5, 3.0, 512) if fault == "loop_when_loaded" else FAST
    results = {r.name: r for r in check_file(path, LESSON, seed=1, limits=limits)[0]}
    _, expected, words = FAULTS[fault]
    assert {n: r.mistake for n, r in results.items() if not r.passed} == expected
    assert all(r.passed for n, r in results.items() if n not in expected)  # grading went on
    if words is not None:
        first = "gradient_dm" if "gradient_dm" in expected else LESSON.check_names[0]
        assert words in results[first].message
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing written beside it


@pytest.mark.slow
def test_output_written_straight_to_the_file_descriptor_is_capped(tmp_path):
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"),
                          _in_gradient("import os; os.write(1, b'x' * 50_000_000)")))
    results = {r.name: r for r in check_file(path, LESSON, seed=1, limits=FAST)[0]}
    assert not results["gradient_dm"].passed
    assert results["forward_prop"].passed and results["update_params"].passed


def test_reference_in_the_sandbox_scores_everything(tmp_path):
    path = tmp_path / "linear_regression.py"
    path.write_text(reference("linear_regression"))
    results, flags = check_file(path, LESSON, seed=4, limits=FAST)
    assert flags == set()
    assert [r.name for r in results] == LESSON.check_names
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
