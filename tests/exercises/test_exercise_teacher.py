"""The teacher's side (issue 23): the setup is checked once before any learner, Gradescope's
results.json, the CSV escaping every CSV shares, the child without descentlab, and the
fallback isolation where namespaces are not available."""

import json
import subprocess
import sys

import pytest

from descentlab.cli import main
from descentlab.exercises import LESSONS, Limits, check_file
from descentlab.files import escape_csv_cell
from exercise_helpers import plant, reference

LESSON = LESSONS["linear_regression"]


@pytest.mark.parametrize("cell, escaped", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-cmd", "'-cmd"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("ada", "ada"), ("", ""), (-1.5, -1.5), (3, 3)])
def test_escape_csv_cell(cell, escaped):
    assert escape_csv_cell(cell) == escaped


@pytest.mark.parametrize("option, words", [
    (["--seed", "-1"], "--seed -1 must be a whole number from 0"),
    (["--seed", str(2**40)], "must be a whole number from 0"),
    (["--memory", "99999999999999"], "is more than this machine has"),
    (["--memory", "10"], "too little for Python and NumPy"),
])
def test_a_bad_setup_is_the_teachers_error_before_any_learner(option, words, tmp_path, capsys):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ada.py").write_text(reference("linear_regression"))
    code = main(["exercise", "grade", str(tmp_path / "class"), "--lesson", "linear_regression",
                 "--out", str(tmp_path / "out"), *option])
    captured = capsys.readouterr()
    assert code == 2 and words in captured.err and captured.err.count("\n") == 1
    assert "ada" not in captured.out  # no learner was graded
    assert not (tmp_path / "out" / "grades.csv").exists()


@pytest.mark.slow
def test_a_shell_memory_limit_too_low_is_named_once(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ada.py").write_text(reference("linear_regression"))
    command = (f"ulimit -v 900000; {sys.executable} -m descentlab exercise grade "
               f"{tmp_path / 'class'} --lesson linear_regression --out {tmp_path / 'out'}")
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert "ulimit -v" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.slow
def test_limits_the_reference_cannot_meet_are_the_teachers_error(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ada.py").write_text(reference("linear_regression"))
    code = main(["exercise", "grade", str(tmp_path / "class"), "--lesson", "linear_regression",
                 "--out", str(tmp_path / "out"), "--timeout", "0.0001", "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "the reference solution scores" in err and "before any learner" in err


@pytest.mark.slow
def test_gradescope_results_json(tmp_path, capsys):
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")]))
    assert main(["exercise", "check", str(path), "--format", "gradescope", "--seed", "2",
                 "--hint", "2"]) == 1
    results = json.loads(capsys.readouterr().out)
    assert (results["score"], results["max_score"]) == (LESSON.max_points - 1, LESSON.max_points)
    assert [t["name"] for t in results["tests"]] == LESSON.check_names
    assert all(set(t) >= {"name", "score", "max_score", "output"} for t in results["tests"])
    loss = next(t for t in results["tests"] if t["name"] == "compute_loss")
    assert loss["score"] == 0 and loss["output"].endswith("Formula: loss = 1/2 * mean((y_pred - y)**2)")


def test_the_worker_runs_without_descentlab():
    """The child's code imports only the standard library, NumPy and the wire format."""
    import ast

    from descentlab.exercises import wire, worker

    for module in (worker, wire):
        tree = ast.parse(open(module.__file__).read())
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and n.module}
        assert "descentlab" not in names and names <= set(sys.stdlib_module_names) | {"numpy", "wire"}


FALLBACK = {  # what the audit hook refuses and notes when there are no namespaces
    "fork": ("    import os\n    if os.fork() == 0:\n        os._exit(0)", "forked"),
    "write": ("    open('{outside}', 'w').write('x')", "wrote_outside"),
    "kill": ("    import os, signal; os.kill(os.getppid(), signal.SIGKILL)", "signalled"),
    "descentlab": ("    import descentlab.tutorial as t; return t.gradient(m, b, X_train, "
                   "y_train, y_pred)", "used_descentlab"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(FALLBACK))
def test_without_namespaces_the_audit_hook_refuses_and_flags(case, tmp_path, monkeypatch):
    import descentlab.exercises.sandbox as sandbox

    monkeypatch.setattr(sandbox, "isolation", lambda: "process")
    code, flag = FALLBACK[case]
    outside = tmp_path / "outside.txt"
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [
        ("    dm = np.mean", code.format(outside=outside) + "\n    dm = np.mean")]))
    results, flags = check_file(path, LESSON, 1, Limits(3, 20, 512))
    assert flag in flags
    assert not {r.name: r for r in results}["gradient_dm"].passed
    assert {r.name: r for r in results}["compute_loss"].passed
    assert not outside.exists()


def test_text_the_child_sends_never_reaches_a_message():
    """A child that forges its answers can name a type, never write a message."""
    from descentlab.exercises.faults import load_failure, raise_fault
    from descentlab.exercises.judge import Failed
    from descentlab.exercises.wire import Opaque, decode

    secret = "root:x:0:0:root:/root:/bin/bash"
    with pytest.raises(Failed) as caught:
        raise_fault("gradient", {"kind": "exception", "type": secret, "line": "3"}, None)
    assert secret not in caught.value.message and "line" not in caught.value.message
    assert secret not in load_failure({"kind": "load", "type": secret}, set()).message
    assert decode({"__object__": secret}).type_name == "an object"
    assert Opaque("Widget").type_name == "Widget"
    with pytest.raises(ValueError):
        decode({"__array__": ["O", [1], "AAAA"]})  # no object arrays: nothing to unpickle


@pytest.mark.slow
def test_without_namespaces_the_supervisor_outlives_and_ends_everything(tmp_path, monkeypatch):
    """ctypes gets around the audit hook: the shim still stands between the child and the
    grader (killing it kills the child, not the grader) and ends detached grandchildren."""
    import descentlab.exercises.sandbox as sandbox
    from test_exercise_class import sandbox_processes

    monkeypatch.setattr(sandbox, "isolation", lambda: "process")
    # the child as the grader's user: as nobody (a root grader whose Python nobody can run,
    # e.g. a venv under a world-readable folder) its kill is refused: another case, not this one
    monkeypatch.setattr(sandbox, "can_drop", lambda paths: False)
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [
        ("    dm = np.mean", "    import ctypes, os, time\n"
                           "    libc = ctypes.CDLL(None)\n"
                           "    if libc.fork() == 0:\n"
                           "        libc.setsid()\n"
                           "        while True:\n"
                           "            time.sleep(0.05)\n"
                           "    libc.kill(os.getppid(), 9)\n"
                           "    time.sleep(1.0)\n"  # its supervisor's death ends it within this second
                           "    dm = np.mean")]))
    # (without the sleep the child could send its answer before its supervisor's death was seen
    # and it was ended: a race the test lost once on a quiet machine, not a sandbox hole)
    results, flags = check_file(path, LESSON, 1, Limits(3, 20, 512))
    by_name = {r.name: r for r in results}
    assert not by_name["gradient_dm"].passed and by_name["compute_loss"].passed
    assert by_name["grad_desc"].passed  # grading went on after the child killed its parent
    assert "signalled" in flags
    assert sandbox_processes() == []


SYSTEM_PYTHON = "/usr/bin/python3.11"


@pytest.mark.slow
@pytest.mark.skipif(not (sys.platform == "linux" and hasattr(__import__("os"), "geteuid")
                         and __import__("os").geteuid() == 0
                         and __import__("os").path.exists(SYSTEM_PYTHON)
                         and sys.version_info[:2] == (3, 11)),
                    reason="needs root and a system Python 3.11 that nobody can run")
def test_without_namespaces_a_root_grader_runs_the_child_as_nobody(tmp_path, monkeypatch):
    """ctypes writes the teacher's file directly (no audit event): as nobody it cannot."""
    import os

    import descentlab.exercises.sandbox as sandbox
    from descentlab.exercises.shim import can_drop

    monkeypatch.setattr(sandbox, "isolation", lambda: "process")
    monkeypatch.setattr(sandbox, "PYTHON", SYSTEM_PYTHON)
    import numpy

    if not can_drop([SYSTEM_PYTHON, numpy.__file__]):
        pytest.skip("nobody cannot read this NumPy")
    victim = tmp_path / "teacher.txt"
    victim.write_text("grades")
    tmp_path.chmod(0o755)
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [
        ("    dm = np.mean", "    import ctypes, os\n"
                           f"    fd = ctypes.CDLL(None).open({str(victim).encode()!r}, os.O_WRONLY | os.O_TRUNC)\n"
                           "    dm = np.mean")]))
    results, flags = check_file(path, LESSON, 1, Limits(3, 20, 512))
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    assert victim.read_text() == "grades" and os.stat(victim).st_uid == 0


@pytest.mark.slow
def test_a_half_written_answer_cannot_hang_the_grader(tmp_path):
    """The learner writes the start of a message on the answer channel, then loops."""
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [
        ("    dm = np.mean", "    import os\n"
                           "    for fd in range(3, 10):\n"
                           "        try:\n"
                           "            os.write(fd, b'\\x00\\x00\\x10\\x00{')\n"
                           "        except OSError:\n"
                           "            pass\n"
                           "    while True:\n"
                           "        pass\n"
                           "    dm = np.mean")]))
    results, flags = check_file(path, LESSON, 1, Limits(2, 20, 512))
    by_name = {r.name: r for r in results}
    assert by_name["gradient_dm"].mistake == "timeout" and "timed_out" in flags
    assert by_name["grad_desc"].passed
