"""``descentlab exercise new|list|check|grade`` end to end."""

import csv
import hashlib
import json

import pytest

from descentlab.cli import main
from descentlab.exercises import LESSONS
from descentlab.exercises.starter import notebook
from exercise_helpers import failing, plant, reference, run_source
from test_exercise_sandbox import FAULTS, write_fault

FAST = ["--timeout", "1.5", "--load-timeout", "6", "--memory", "512"]


def test_list_names_every_lesson(capsys):
    assert main(["exercise", "list"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(LESSONS)


@pytest.mark.parametrize("lesson", list(LESSONS))
def test_new_writes_the_starter_file_notebook_and_readme(lesson, tmp_path, capsys):
    assert main(["exercise", "new", str(tmp_path / "ex"), "--lesson", lesson]) == 0
    names = sorted(p.name for p in (tmp_path / "ex").iterdir())
    assert names == sorted([f"{lesson}.py", f"{lesson}.ipynb", f"README_{lesson}.md"])
    source = (tmp_path / "ex" / f"{lesson}.py").read_text()
    assert source.count("    raise NotImplementedError\n") == len(LESSONS[lesson].signatures)
    nb = json.loads((tmp_path / "ex" / f"{lesson}.ipynb").read_text())
    assert nb["nbformat"] == 4 and nb["cells"][0]["cell_type"] == "markdown"
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for name in LESSONS[lesson].signatures:
        assert f"def {name}(" in code


def test_the_notebook_is_valid_nbformat_v4(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    main(["exercise", "new", str(tmp_path)])
    nbformat.validate(nbformat.read(tmp_path / "linear_regression.ipynb", as_version=4))


def test_a_notebook_is_checked_like_a_py_file(tmp_path):
    lesson = LESSONS["linear_regression"]
    path = tmp_path / "linear_regression.ipynb"
    path.write_text(json.dumps(notebook(reference("linear_regression"), lesson)))
    assert failing(run_source("linear_regression", reference("linear_regression"), tmp_path)) == {}
    from descentlab.exercises.runner import run_local

    assert all(r.passed for r in run_local(lesson, path, 0))


def test_new_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    assert main(["exercise", "new", str(tmp_path)]) == 0
    target = tmp_path / "linear_regression.py"
    target.write_text("# my work\n")
    capsys.readouterr()
    assert main(["exercise", "new", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert target.read_text() == "# my work\n"
    assert main(["exercise", "new", str(tmp_path), "--force"]) == 0
    assert "NotImplementedError" in target.read_text()


def test_unknown_lesson_and_missing_file_are_one_line_errors(tmp_path, capsys):
    assert main(["exercise", "new", str(tmp_path), "--lesson", "nope"]) == 2
    assert main(["exercise", "check", str(tmp_path / "absent.py")]) == 2
    (tmp_path / "mine.py").write_text("")
    assert main(["exercise", "check", str(tmp_path / "mine.py")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("descentlab: error: ") for line in err)
    assert "exercise list" in err[0] and "--lesson" in err[2]


def test_new_then_check_reports_every_function_not_written(tmp_path, capsys):
    main(["exercise", "new", str(tmp_path)])
    capsys.readouterr()
    assert main(["exercise", "check", str(tmp_path / "linear_regression.py"), "--seed", "1"]) == 1
    out = capsys.readouterr().out
    for name in LESSONS["linear_regression"].signatures:
        assert f"{name} is not written yet" in out
    assert "Score: 0/12 points (0%)" in out and "--seed 1" in out
    training = next(line for line in out.splitlines() if " training " in line)
    assert training.split()[0] == "N/A" and "not assessed" in training  # nothing to train yet


@pytest.mark.slow
def test_check_json_shape_and_exit_code(tmp_path, capsys):
    path = tmp_path / "linear_regression.py"
    path.write_text(plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")]))
    assert main(["exercise", "check", str(path), "--json", "--seed", "2"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"score", "points", "max_points", "seed", "flags", "checks"}
    assert (report["points"], report["max_points"]) == (11, 12)
    assert report["score"] == pytest.approx(100 * 11 / 12, abs=0.05)
    assert [c["name"] for c in report["checks"]] == LESSONS["linear_regression"].check_names
    assert all(set(c) >= {"name", "passed", "message"} for c in report["checks"])
    loss = next(c for c in report["checks"] if c["name"] == "compute_loss")
    assert not loss["passed"] and "1/2 of the loss is missing" in loss["message"]
    path.write_text(reference("linear_regression"))
    assert main(["exercise", "check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 100.0


def _digests(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_grade_a_class_folder(tmp_path, capsys):
    subs = tmp_path / "class"
    subs.mkdir()
    (subs / "ada.py").write_text(reference("linear_regression"))
    (subs / "bob").mkdir()
    (subs / "bob" / "linear_regression.py").write_text(
        plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")]))
    (subs / "bob" / "notes.txt").write_text("not code")
    (subs / "cy.py").write_text(plant(reference("linear_regression"), [("1 / 2 * np.mean", "np.mean")]))
    (subs / "empty").mkdir()
    for fault in FAULTS:
        write_fault(subs, fault)
    before = _digests(subs)
    out = tmp_path / "marks" / "grades.csv"  # --out is a folder, made if missing
    code = main(["exercise", "grade", str(subs), "--lesson", "linear_regression", "--out", str(out.parent),
                 "--seed", "3", *FAST])
    assert code == 0
    assert _digests(subs) == before and not list(subs.rglob("__pycache__"))
    rows = {row["learner"]: row for row in csv.DictReader(out.open())}
    names = LESSONS["linear_regression"].check_names
    header = list(next(iter(rows.values())))
    assert header[:9] == ["learner", "file", "lesson", "seed", "graded_at", "seconds", "points",
                          "max_points", "score"]
    assert header[9:13] == ["init_params_points", "init_params_max", "init_params_result",
                            "init_params_message"]
    assert header[-2:] == ["flags", "isolation"] and len(header) == 11 + 4 * len(names)
    assert set(rows) == {"ada", "bob", "cy", "empty", *FAULTS}
    assert rows["ada"]["score"] == "100" and rows["ada"]["points"] == "12"
    assert rows["bob"]["compute_loss_result"] == "half" and rows["bob"]["points"] == "11"
    assert all(rows["empty"][f"{n}_result"] == "missing" for n in names)
    for fault, (_, expected, _) in FAULTS.items():
        results = {n: rows[fault][f"{n}_result"] for n in names}
        assert {n: r for n, r in results.items() if r != "pass"} == expected
    printed = capsys.readouterr().out
    assert "Most common mistakes:" in printed
    assert "compute_loss: missing 1/2 (or a factor 2 too many) (2 learners)" in printed
    assert not list(out.parent.glob(".grades.csv.*"))  # the temporary file was moved into place


def test_grade_refuses_to_write_inside_the_submissions_or_over_a_file(tmp_path, capsys):
    (tmp_path / "ada.py").write_text(reference("linear_regression"))
    args = ["exercise", "grade", str(tmp_path), "--lesson", "linear_regression"]
    assert main([*args, "--out", str(tmp_path / "marks")]) == 2
    assert not (tmp_path / "marks").exists()  # no folder made inside the submissions
    other = tmp_path.parent / f"{tmp_path.name}-marks"
    other.mkdir()
    (other / "grades.csv").write_text("old")
    assert main([*args, "--out", str(other)]) == 2
    assert (other / "grades.csv").read_text() == "old"
    err = capsys.readouterr().err.splitlines()
    assert "inside the submissions folder" in err[0] and "--force" in err[1]
    (other / "grades.csv").unlink()
    other.rmdir()


@pytest.mark.parametrize("args", [[], ["-j", "0"]])
def test_a_refused_grade_leaves_no_output_folder_behind(tmp_path, capsys, args):
    empty, out = tmp_path / "class", tmp_path / "marks" / "today"
    empty.mkdir()
    if args:  # a refusal after the submissions are found
        (empty / "ada.py").write_text(reference("linear_regression"))
    assert main(["exercise", "grade", str(empty), "--lesson", "linear_regression", "--out", str(out), *args]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class"]  # neither marks/ nor marks/today/
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_class_summary_counts_each_learner_once_and_skips_consequences():
    from descentlab.exercises import CheckResult, Report, common_mistakes

    names = LESSONS["linear_regression"].check_names
    syntax = Report("dee", "linear_regression", 0,
                    [CheckResult(n, False, "syntax error at line 2", "syntax") for n in names])
    sign = Report("cy", "linear_regression", 0,
                  [CheckResult(n, n not in ("gradient_dm", "training"), "m",
                               {"gradient_dm": "sign", "training": "depends"}.get(n)) for n in names])
    assert common_mistakes([syntax, sign, sign]) == [("gradient_dm", "sign error", 2),
                                                     ("file", "syntax error", 1)]
    # ties keep one order, run after run: the lesson's order of the checks, then the name
    half = Report("bo", "linear_regression", 0,
                  [CheckResult(n, n != "compute_loss", "m", "half" if n == "compute_loss" else None)
                   for n in names])
    assert common_mistakes([sign, half]) == common_mistakes([half, sign]) == [
        ("compute_loss", "missing 1/2 (or a factor 2 too many)", 1),
        ("gradient_dm", "sign error", 1)]


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["os_exit", "exit_when_loaded", "exception"])
def test_check_command_reports_a_fault_in_one_line_per_check(fault, tmp_path, capsys):
    path = write_fault(tmp_path, fault)
    assert main(["exercise", "check", str(path), "--lesson", "linear_regression", "--seed", "1",
                 *FAST]) == 1
    captured = capsys.readouterr()
    assert captured.err == "" and "Traceback" not in captured.out
    lines = [ln for ln in captured.out.splitlines() if "(it printed: " not in ln]
    assert len(lines) == 2 + len(LESSONS["linear_regression"].check_names)
    assert all(len(ln) < 300 for ln in captured.out.splitlines())  # prints shown truncated
    assert FAULTS[fault][2] in captured.out


def test_a_folder_submission_may_import_its_own_helper_module(tmp_path):
    (tmp_path / "mathbits.py").write_text("import numpy as np\n\ndef half_mse(y, y_pred):\n"
                                          "    return 0.5 * np.mean((y_pred - y) ** 2)\n")
    source = plant(reference("linear_regression"),
                   [("    loss = 1 / 2 * np.mean((y_pred - y) ** 2)",
                     "    from mathbits import half_mse\n    loss = half_mse(y, y_pred)")])
    assert failing(run_source("linear_regression", source, tmp_path)) == {}
