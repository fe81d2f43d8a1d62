"""A class folder graded end to end (issue 23): correct variants, planted mistakes, cheats,
saboteurs and broken files. Every verdict and flag is asserted, and that grading changed no
file outside its own temporary folders, leaked no file's contents into the grades, and left
no process behind. One grading run (-j 2) serves every test of this file."""

import csv
import hashlib
import json
import os
import time

import pytest

from descentlab.cli import main
from descentlab.exercises import LESSONS, isolation
from descentlab.exercises.namespaces import PACKAGE
from exercise_helpers import plant, reference

pytestmark = pytest.mark.slow
LESSON = LESSONS["linear_regression"]
FULL = LESSON.max_points
NAMESPACES = isolation() == "namespaces"
SECRET = "teacher-secret-6f1d2c"
SOL = reference("linear_regression")
DM = "    dm = np.mean((y_pred - y_train) * X_train)"


def _in_gradient(code):
    return plant(SOL, [(DM, f"{code}\n{DM}")])


def class_files(root):
    """``{learner: (source, expected points, expected flags)}``; None: any points below FULL."""
    victim = root / "class" / "ada.py"
    secret = root / "secret.txt"
    files = {
        # correct variants
        "ada": (SOL, FULL, set()),
        "arr": (plant(SOL, [("    return dm, db", "    return np.array([dm, db])")]), FULL, set()),
        "chatty": (plant(SOL, [("    return dm, db", "    print('dm', dm)\n    return dm, db")]),
                   FULL, set()),
        # planted mistakes: one check each
        "bob": (plant(SOL, [("1 / 2 * np.mean", "np.mean")]), FULL - 1, set()),
        "cy": (plant(SOL, [(DM, "    dm = np.mean((y_train - y_pred) * X_train)")]), FULL - 1, set()),
        # cheats
        "cheat_import": ("from descentlab.exercises.solutions.linear_regression import *\n", 0,
                         {"used_descentlab"}),
        "cheat_tutorial": (SOL.replace("import numpy as np", "import numpy as np\n"
                                       "from descentlab.tutorial import gradient as _g")
                           .replace(DM + "\n    db = np.mean(y_pred - y_train)",
                                    "    dm, db = _g(m, b, X_train, y_train, y_pred)"),
                           FULL - 2, {"used_descentlab"}),
        "cheat_exec": ("import descentlab, os\n"
                       "exec(open(os.path.join(os.path.dirname(descentlab.__file__) or '.', "
                       "'exercises/solutions/linear_regression.py')).read())\n", 0,
                       {"used_descentlab"}),
        "cheat_exec_path": (f"exec(open({str(LESSON.solution)!r}).read())\n", 0,
                            {"used_descentlab"}),
        "cheat_checks": ("import descentlab.exercises.checks.linear_regression as c\n"
                         "c.CHECKS = []\n", 0, {"used_descentlab"}),
        "cheat_forge": ("import os, sys, json\n"
                        "for a in sys.argv[1:]:\n"
                        "    try:\n"
                        "        open(a + '/results.jsonl', 'a').write(json.dumps("
                        "{'event': 'check', 'passed': True}))\n"
                        "    except OSError:\n"
                        "        pass\n"
                        "os._exit(0)\n", 0, {"wrote_outside"}),
        "cheat_allclose": ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                           "np.testing.assert_allclose = lambda *a, **k: None\n"
                           + "".join(f"def {n}(*a):\n    return 0.0, 0.0\n" for n in LESSON.signatures),
                           0, set()),
        "cheat_frames": ("import sys\n"
                         "def gradient(*a):\n"
                         "    f = sys._getframe(1)\n"
                         "    while f is not None:\n"
                         "        for k in ('dm', 'expected'):\n"
                         "            if k in f.f_locals:\n"
                         "                return f.f_locals[k]\n"
                         "        f = f.f_back\n"
                         "    return 0.0, 0.0\n", 0, set()),
        # harm to others
        "saboteur": (_in_gradient(f"    open({str(victim)!r}, 'w').write('broken')\n"
                                  "    open('../../../ada.py', 'a').write('#')"),
                     None, {"wrote_outside"}),
        "leaker": (_in_gradient(f"    raise ValueError(open({str(secret)!r}).read() + "
                                "open('/etc/passwd').read())"), None, set()),
        "killer": (_in_gradient("    import os, signal; os.kill(os.getppid(), signal.SIGKILL)"),
                   None, {"signalled"}),  # refused: the learner's gradient raises
        "forker": (_in_gradient("    import os, time\n"
                                "    if not os.environ.get('FORKED'):\n"
                                "        os.environ['FORKED'] = '1'\n"
                                "        if os.fork() == 0:\n"
                                "            os.setsid()\n"
                                "            while True:\n"
                                "                open('heartbeat', 'a').write('.')\n"
                                "                time.sleep(0.05)"),
                   FULL if NAMESPACES else None, {"forked"}),
        "networker": (_in_gradient("    import socket\n"
                                   "    try:\n"
                                   "        socket.create_connection(('127.0.0.1', 9), 0.2)\n"
                                   "    except OSError:\n"
                                   "        pass"), FULL, {"network"}),
        "=HYPERLINK(\"x\",\"y\")": (SOL, FULL, set()),
        # broken files
        "syntax": (SOL.replace("def gradient(m, b, X_train, y_train, y_pred):", "def gradient(m, b:"),
                   0, set()),
        "looper": (_in_gradient("    while True: pass"), None, {"timed_out"}),
    }
    if NAMESPACES:  # ctypes gets around the audit hook: only the namespaces contain it
        files["killer_ctypes"] = (_in_gradient(
            "    import ctypes, os; ctypes.CDLL(None).kill(os.getppid(), 9)"), None, set())
        files["forker_ctypes"] = (_in_gradient(
            "    import ctypes, os, time\n"
            "    if not os.environ.get('FORKED'):\n"
            "        os.environ['FORKED'] = '1'\n"
            "        if ctypes.CDLL(None).fork() == 0:\n"
            "            ctypes.CDLL(None).setsid()\n"
            "            while True:\n"
            "                time.sleep(0.05)"), FULL, {"forked"})
    return files


def _tree(folder, skip=()):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(p.is_relative_to(s) for s in skip)}


def sandbox_processes():
    """Pids of live processes started by a sandbox (their environment carries the marker)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"DESCENTLAB_SANDBOX=1" in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    (root / "class").mkdir()
    (root / "secret.txt").write_text(SECRET + "\n")
    files = class_files(root)
    for name, (source, _, _) in files.items():
        (root / "class" / f"{name}.py").write_text(source)
    (root / "out").mkdir()
    before = _tree(root, skip=[root / "out"])
    package = _tree(PACKAGE, skip=list(PACKAGE.rglob("__pycache__")))
    code = main(["exercise", "grade", str(root / "class"), "--lesson", "linear_regression",
                 "--out", str(root / "out"), "--seed", "3", "-j", "2", "--timeout", "3",
                 "--load-timeout", "20", "--memory", "512"])
    time.sleep(0.3)
    rows = {r["learner"]: r for r in csv.DictReader((root / "out" / "grades.csv").open())}
    return {"code": code, "root": root, "files": files, "before": before, "rows": rows,
            "after": _tree(root, skip=[root / "out"]), "left": sandbox_processes(),
            "package": package,
            "package_after": _tree(PACKAGE, skip=list(PACKAGE.rglob("__pycache__")))}


def _learner(name):
    return name if not name.startswith("=") else "'" + name


def test_every_learner_gets_the_expected_points_and_flags(graded):
    assert graded["code"] == 0
    rows = graded["rows"]
    assert set(rows) == {_learner(n) for n in graded["files"]}
    for name, (_, points, flags) in graded["files"].items():
        row = rows[_learner(name)]
        got = float(row["points"])
        assert got == points if points is not None else got < FULL, (name, row)
        assert flags <= set(row["flags"].split()), (name, row["flags"])
        assert row["max_points"] == f"{FULL:g}"


def test_cheats_get_the_descentlab_verdict(graded):
    rows = graded["rows"]
    assert rows["cheat_import"]["gradient_dm_result"] == "descentlab"
    assert rows["cheat_tutorial"]["gradient_dm_result"] == "descentlab"
    assert rows["cheat_tutorial"]["update_params_result"] == "pass"
    assert rows["cheat_tutorial"]["gradient_dm_message"] == (
        "gradient uses descentlab's own code: write it yourself")


def test_no_file_outside_the_graders_folders_changed(graded):
    assert graded["after"] == graded["before"]
    assert graded["package_after"] == graded["package"]  # descentlab's own files, solutions too
    assert not os.path.exists("/ada.py")  # the saboteur's '../../../ada.py' from its folder


def test_no_process_outlives_grading(graded):
    assert graded["left"] == []
    time.sleep(0.3)
    assert sandbox_processes() == []


def test_no_file_contents_reach_the_grades(graded):
    text = (graded["root"] / "out" / "grades.csv").read_text()
    assert SECRET not in text and "root:" not in text
    message = graded["rows"]["leaker"]["gradient_dm_message"]
    assert "ValueError" in message and "line" in message


def test_cells_that_would_be_formulas_are_escaped(graded):
    rows = list(csv.reader((graded["root"] / "out" / "grades.csv").open()))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(row[0] == "'=HYPERLINK(\"x\",\"y\")" for row in rows)


def test_grades_carry_seed_path_time_and_a_message_per_check(graded):
    row = graded["rows"]["bob"]
    assert row["seed"] == "3" and row["file"].endswith("bob.py")
    assert row["graded_at"].endswith("+00:00") and float(row["seconds"]) > 0
    assert row["compute_loss_points"] == "0" and row["compute_loss_max"] == "1"
    assert row["compute_loss_result"] == "half"
    assert row["compute_loss_message"] == "compute_loss: the 1/2 of the loss is missing"
    assert row["gradient_dm_message"] == "dm matches the library and finite differences"


def test_the_json_report_has_the_same_grades(graded, tmp_path):
    root = graded["root"]
    sub = tmp_path / "few"
    sub.mkdir()
    for name in ("ada", "bob"):
        (sub / f"{name}.py").write_text(graded["files"][name][0])
    assert main(["exercise", "grade", str(sub), "--lesson", "linear_regression", "--out",
                 str(tmp_path / "o"), "--seed", "3", "--format", "json"]) == 0
    report = json.loads((tmp_path / "o" / "grades.json").read_text())
    points = {r["learner"]: r["points"] for r in report["learners"]}
    assert points == {n: float(graded["rows"][n]["points"]) for n in ("ada", "bob")}
    assert root.exists()
