"""Issue 28, "Nothing lost, round two": one row per defect found, each checking the exit
code, the one-line message (no traceback) and the files left behind.

The command-line rows run ``main()`` in this process from a fresh folder; the few that need
a real process (stdout closed) are marked slow. Ctrl-C in a real process is in
tests/files/test_interrupts.py.
"""

import http.server
import json
import os
import re
import threading
import time
import warnings

import numpy as np
import pytest

from descentlab.cli import main

# ---------------------------------------------------------------------------- fixtures


def _model(folder, name="model.json", labels=None):
    """A small fitted model saved with save_model; a classifier when ``labels`` are given."""
    from descentlab.estimators.linear import GDClassifier, GDRegressor
    from descentlab.outputs.models import save_model

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 1))
    warnings.simplefilter("ignore")  # too few epochs to converge: not what is tested
    if labels is None:
        est = GDRegressor(epochs=20).fit(X, 2 * X[:, 0] + 1)
    else:
        est = GDClassifier(epochs=20).fit(X, np.where(X[:, 0] > 0, *labels))
    save_model(est, folder / name)
    return folder / name


def _edit_model(folder, edit, name="edited.json"):
    doc = json.loads(_model(folder).read_text())
    edit(doc)
    (folder / name).write_text(json.dumps(doc))
    return name


def _history(folder, name="h.json", big=False):
    from descentlab.lessons.article import TutorialConfig, run_tutorial

    doc = run_tutorial(TutorialConfig(epochs=3), log=None).history.to_dict()
    if big:
        doc["loss"] = [1e308] * 3
        doc["params"] = {"W": [[1e308]] * 3, "b": [1e308] * 3}
    (folder / name).write_text(json.dumps(doc))
    return name


def _csv(folder, name="data.csv", text="x,y\n1,3\n2,5\n3,7\n4,9\n5,11\n"):
    (folder / name).write_text(text)
    return name


def _fifo(folder, name):
    os.mkfifo(folder / name)
    return name


def _folder_of_csvs(folder):
    (folder / "parts").mkdir()
    (folder / "parts" / "1.csv").write_text("a,b,y\n1,2,3\n4,5,6\n")
    (folder / "parts" / "2.csv").write_text("a,c,y\n1,2,3\n4,5,6\n")
    return "parts"


# ------------------------------------------------------------------- the CLI table

#: id, setup(tmp) -> dict of names used in argv, argv template, exit code, regex of the
#: error line, the names (top level of the folder) left behind besides the setup's own.
CASES = [
    ("refused-seed-creates-no-folder", lambda t: {}, "animate --seed -1", 2,
     r"seed -1 must be a whole number", set()),
    ("refused-samples-creates-no-folder", lambda t: {}, "report --samples 1 --epochs 1", 2,
     r"1 samples with test fraction", set()),
    ("out-name-over-255-bytes", lambda t: {}, "tutorial --epochs 2 --out " + "a" * 300, 2,
     r"a name of 300 bytes; file systems allow 255\): choose a shorter --out", set()),
    ("out-name-over-255-bytes-nested", lambda t: {}, "lr-study --epochs 2 --out x/" + "a" * 300, 2,
     r"file systems allow 255", set()),
    ("host-empty", lambda t: {}, ["playground", "--host", "", "--no-browser"], 2,
     r"--host is empty, which would listen on every network", set()),
    ("fifo-csv-fit", lambda t: {"csv": _fifo(t, "in.csv")}, "fit {csv} --target y", 2,
     r"cannot read CSV file 'in.csv': it is a FIFO", set()),
    ("fifo-csv-predict", lambda t: {"m": _model(t).name, "csv": _fifo(t, "in.csv")},
     "predict {m} {csv}", 2, r"it is a FIFO", set()),
    ("fifo-model-predict", lambda t: {"m": _fifo(t, "m.json"), "csv": _csv(t)},
     "predict {m} {csv}", 2, r"cannot read model 'm.json': it is a FIFO or a socket", set()),
    ("fifo-history-animate", lambda t: {"h": _fifo(t, "h.json")}, "animate --history {h} --no-mp4", 2,
     r"it is a FIFO or a socket", set()),
    ("model-intercept-10-400", lambda t: {"m": _edit_model(t, lambda d: d["attributes"].update(
        intercept_=10**400)), "csv": _csv(t)}, "predict {m} {csv}", 2, r"intercept_ is beyond a float's range",
     set()),
    ("model-coef-as-text", lambda t: {"m": _edit_model(t, lambda d: d["attributes"]["coef_"].update(
        data=["1.5"])), "csv": _csv(t)}, "predict {m} {csv}", 2, r"coef_ data must be a list of numbers",
     set()),
    ("model-coef-with-a-dtype", lambda t: {"m": _edit_model(t, lambda d: d["attributes"].update(
        coef_={"dtype": "str", "values": ["a"]})), "csv": _csv(t)}, "predict {m} {csv}", 2,
     r"coef_ must be \{\"shape\"", set()),
    ("model-n-iter-as-text", lambda t: {"m": _edit_model(t, lambda d: d["attributes"].update(
        n_iter_="20")), "csv": _csv(t)}, "predict {m} {csv}", 2, r"n_iter_ must be a number", set()),
    ("model-with-bom-is-read", lambda t: {"m": _bom(_model(t)), "csv": _csv(t, text="x\n1\n2\n")},
     "predict {m} {csv}", 0, None, set()),
    ("history-1e308-animate", lambda t: {"h": _history(t, big=True)}, "animate --history {h} --no-mp4", 2,
     r"cannot draw history 'h.json': its values are too large", set()),
    ("history-1e308-report", lambda t: {"h": _history(t, big=True)}, "report --history {h}", 2,
     r"cannot draw history 'h.json': its values are too large", set()),
    pytest.param(("dask-folder-headers-differ", lambda t: {"d": _folder_of_csvs(t)}, "fit {d} --target y", 2,
                  r"'2.csv' has the columns \['a', 'c', 'y'\] but '1.csv' has \['a', 'b', 'y'\]", set()),
                 marks=pytest.mark.slow, id="dask-folder-headers-differ"),
    pytest.param(("nonlinear-one-sample", lambda t: {}, "nonlinear --samples 1 --epochs 1 --widths 1", 0, None,
                  {"descentlab-out"}), marks=pytest.mark.slow, id="nonlinear-one-sample"),
    ("logistic-one-class", lambda t: {}, "logistic --samples 5 --epochs 1", 2,
     r"are all of one class", set()),
    ("tutorial-one-sample", lambda t: {}, "tutorial --samples 1 --epochs 1", 2,
     r"each side needs at least 2: use more samples", set()),
    ("fit-two-rows-one-epoch", lambda t: {"csv": _csv(t, text="x,y\n1,2\n2,4\n")},
     "fit {csv} --target y --epochs 1", 0, None, {"descentlab-out"}),
    ("fit-huge-epochs-warns-first", lambda t: {"csv": _csv(t)},
     "fit {csv} --target nope --epochs 99999999999999999999", 2, r"no column 'nope'|'nope'", set()),
]


def _bom(path):
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return path.name


@pytest.mark.parametrize("case", CASES, ids=[c[0] if isinstance(c, tuple) else None for c in CASES])
def test_issue_28_cli_row(case, tmp_path, monkeypatch, capsys):
    name, setup, argv, code, message, left = case
    monkeypatch.chdir(tmp_path)
    names = setup(tmp_path)
    before = set(os.listdir(tmp_path))
    argv = argv if isinstance(argv, list) else [a.format(**names) for a in argv.split()]
    try:
        got = main(argv)
    except SystemExit as exc:
        got = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert got == code, err
    errors = [line for line in err.splitlines() if "error" in line]
    if message is None:
        assert not errors, err
    else:
        assert len(errors) == 1 and re.search(message, errors[0]), err
    assert set(os.listdir(tmp_path)) - before == left
    if name == "fit-huge-epochs-warns-first":
        assert "descentlab: warning: --epochs 99999999999999999999 records every epoch" in err


def test_predictions_csv_escapes_formulas(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    model = _model(tmp_path, labels=("=HYPERLINK(\"x\")", "@SUM(A1)"))
    _csv(tmp_path, text="x\n-2\n2\n")
    assert main(["predict", model.name, "data.csv", "--out", "o"]) == 0
    text = (tmp_path / "o" / "predictions.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert not [line for line in text.splitlines() if line[:1] in "=+-@" or ",=" in line or ",@" in line]
    numbers = _model(tmp_path, "numbers.json", labels=(-1, 1))  # numeric classes stay numbers
    assert main(["predict", numbers.name, "data.csv", "--out", "o2"]) == 0
    text = (tmp_path / "o2" / "predictions.csv").read_text()
    assert "'-1" not in text and "-1" in [cell for line in text.splitlines() for cell in line.split(",")]
    capsys.readouterr()


@pytest.mark.parametrize("value, escaped", [("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-x", "'-x"),
                                            ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("-1.5", "'-1.5"),
                                            (-1.5, -1.5), (3, 3), ("plain", "plain"), ("", "")])
def test_escape_csv_cell(value, escaped):
    from descentlab.files import escape_csv_cell

    assert escape_csv_cell(value) == escaped


# ------------------------------------------------- item 1: the Python API's writers

@pytest.mark.parametrize("target", ["/dev/null", "fifo"])
@pytest.mark.parametrize("writer", ["save_model", "save_history", "write_text", "save_figure"])
def test_every_writer_refuses_a_non_regular_target(writer, target, tmp_path):
    from descentlab.errors import SaveError
    from descentlab.files import save_figure, write_text

    path = tmp_path / "fifo" if target == "fifo" else target
    if target == "fifo":
        os.mkfifo(path)
    before = os.stat(path)
    with pytest.raises(SaveError, match=r"it is (a character device|a FIFO).*descentlab writes only "
                                         r"regular files; choose another path") as info:
        if writer == "save_model":
            from descentlab.outputs.models import save_model

            est = _load(_model(tmp_path))
            save_model(est, path)
        elif writer == "save_history":
            from descentlab.core.history import History
            from descentlab.outputs.lessons import save_history

            save_history(History(loss=[1.0]), path)
        elif writer == "write_text":
            write_text(path, "x")
        else:
            import matplotlib.figure

            save_figure(matplotlib.figure.Figure(), path)
    assert "\n" not in str(info.value)
    after = os.stat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)  # the node is untouched
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]


def _load(path):
    from descentlab.estimators.persist import load_model

    return load_model(path)


def test_save_history_writes_atomically_and_reads_back(tmp_path):
    from descentlab.core.history import History, load_history
    from descentlab.outputs.lessons import save_history

    h = History(loss=[3.0, 2.0], params={"b": [np.array(1.0), np.array(2.0)]}, status="completed")
    assert save_history(h, tmp_path / "h.json") == tmp_path / "h.json"
    assert load_history(tmp_path / "h.json").loss == [3.0, 2.0]
    assert os.listdir(tmp_path) == ["h.json"]


# ------------------------------------------------------ item 3: capped histories

def test_a_history_past_the_cap_is_sampled_and_says_so(tmp_path):
    from descentlab.core.history import History, load_history

    h = History(status="interrupted")
    for i in range(1000):
        h.record(float(1000 - i), {"W": np.ones(3) * i, "b": np.array(float(i))})
    doc = h.to_dict(max_numbers=600)
    assert doc["meta"]["sampled_epochs"] == {"kept": 100, "of": 1000}
    assert doc["meta"]["epoch_numbers"][0] == 0 and doc["meta"]["epoch_numbers"][-1] == 999
    (tmp_path / "h.json").write_text(json.dumps(doc))
    back = load_history(tmp_path / "h.json")
    assert back.n_epochs == 100 and back.loss[-1] == 1.0 and back.params["W"][-1][0] == 999
    assert History(loss=[1.0] * 10).to_dict(max_numbers=600)["loss"] == [1.0] * 10  # under the cap: whole


# --------------------------------------------------- item 3: composite commands

def test_after_a_caught_ctrl_c_no_later_training_starts():
    from descentlab.core.models import LinearModel
    from descentlab.core.trainer import train
    from descentlab.files.interrupts import holding, interrupt_scope, note_interrupt, release_interrupts

    X, y = np.arange(10.0)[:, None], np.arange(10.0)
    with interrupt_scope():
        assert train(LinearModel(1), X, y, epochs=5).n_epochs == 5
        note_interrupt()
        assert holding()
        h = train(LinearModel(1), X, y, epochs=5)
        assert h.status == "interrupted" and h.n_epochs == 0
        release_interrupts()
        assert not holding()
    note_interrupt()  # outside a command (a Python session): later calls train as usual
    assert train(LinearModel(1), X, y, epochs=5).n_epochs == 5


def test_lr_study_on_bad_data_is_one_line():
    from descentlab.errors import DescentlabError
    from descentlab.lessons.lr_study import lr_study

    for X, y, message in [(np.full((5, 1), np.nan), np.ones(5), "NaN or infinite"),
                          (np.empty((0, 1)), np.empty(0), "got no data"),
                          (np.ones(5), np.ones(5), "needs X of shape")]:
        with pytest.raises(DescentlabError, match=message) as info:
            lr_study(X, y, epochs=3)
        assert "\n" not in str(info.value)


# ------------------------------------------------------------ item 2: manifests

def _tutorial(out, capsys, *extra):
    code = main(["tutorial", "--epochs", "3", "--out", str(out), *extra])
    return code, capsys.readouterr().err


def test_a_null_or_edited_manifest_entry_deletes_nothing(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "mydata.csv").write_text("x,y\n1,2\n")
    (out / "notes.txt").write_text("mine")
    (out / "forged.png").write_text("also mine")
    forged = {"bytes": 9, "mtime_ns": os.stat(out / "forged.png").st_mtime_ns, "sha256": "0" * 64}
    (out / "manifest.json").write_text(json.dumps({
        "format": "descentlab-manifest", "version": 1, "folder": {"dev": os.stat(out).st_dev,
                                                                  "ino": os.stat(out).st_ino},
        "commands": {"tutorial": {"files": {"mydata.csv": None, "notes.txt": {"bytes": None},
                                            "forged.png": forged}}}}))
    from descentlab.outputs.manifest import OutputFolder

    with OutputFolder(out, "tutorial", ["history.json"]) as f:  # the next tutorial's record
        f.write_text("history.json", "{}")
    assert sorted(os.listdir(out)) == ["forged.png", "history.json", "manifest.json", "mydata.csv", "notes.txt"]


def test_a_manifest_copied_from_another_folder_is_not_followed(tmp_path):
    from descentlab.outputs.manifest import OutputFolder

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    with OutputFolder(a, "tutorial", ["data.png", "history.json"]) as f:
        f.write_text("data.png", "png")
        f.write_text("history.json", "{}")
    b.mkdir()
    for name in os.listdir(a):  # the same files, times and hashes: only the folder differs
        os.link(a / name, b / f"{name}")
    (b / "manifest.json").unlink()
    (b / "manifest.json").write_text((a / "manifest.json").read_text())
    doc = json.loads((b / "manifest.json").read_text())
    doc["commands"]["tutorial"]["files"]["zzz.png"] = doc["commands"]["tutorial"]["files"]["data.png"]
    (b / "manifest.json").write_text(json.dumps(doc))
    os.link(b / "data.png", b / "zzz.png")
    with pytest.warns(UserWarning, match="made in another folder"):
        with OutputFolder(b, "tutorial", []):
            pass
    assert (b / "zzz.png").exists() and (b / "data.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"format": "descentlab-manifest", "commands": ' + "[" * 50_000])
def test_a_deeply_nested_or_damaged_manifest_is_replaced(tmp_path, capsys, text):
    out = tmp_path / "o"
    out.mkdir()
    (out / "manifest.json").write_text(text)
    (out / "mine.txt").write_text("x")
    code, err = _tutorial(out, capsys)
    assert code == 0 and "Traceback" not in err and "RecursionError" not in err
    assert "is damaged or foreign" in err
    assert (out / "history.json").exists() and (out / "mine.txt").exists()
    assert json.loads((out / "manifest.json").read_text())["commands"]["tutorial"]["status"] == "completed"


def test_stale_temporary_files_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    dead = 2**22 + 12345  # above any pid_max in use here: no such process
    stale = out / f".descentlab-tmp.{dead}.history.abcd1234.json"
    live = out / f".descentlab-tmp.{os.getppid()}.history.abcd1234.json"  # a live writer's
    other = out / ".history.abcd1234.json"  # not our pattern: a user's hidden file
    for p in (stale, live, other):
        p.write_text("{")
        os.utime(p, ns=(1, 1))
    from descentlab.outputs.manifest import OutputFolder

    with OutputFolder(out, "tutorial", ["history.json"]) as f:  # the next run's record
        f.write_text("history.json", "{}")
    assert not stale.exists() and live.exists() and other.exists()


def test_two_writers_into_one_folder_take_turns(tmp_path, capsys):
    import fcntl

    from descentlab.outputs.manifest import OutputFolder

    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another run is writing into the folder
    threading.Timer(0.3, lambda: os.close(fd)).start()  # ... and finishes
    with OutputFolder(tmp_path, "tutorial", ["a.png"]) as f:
        f.write_text("a.png", "a")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "another descentlab run is writing into" in err
    assert "waiting for it to finish" in err
    doc = json.loads((tmp_path / "manifest.json").read_text())
    assert doc["commands"]["tutorial"]["status"] == "completed" and list(doc["commands"]["tutorial"]["files"]) == ["a.png"]


# ---------------------------------------------- item 4: a scheduler that is not Dask

@pytest.mark.slow
def test_a_web_server_as_scheduler_is_one_line(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.chdir(tmp_path)
    _csv(tmp_path)
    try:
        code = main(["fit", "data.csv", "--target", "y", "--scheduler",
                     f"tcp://127.0.0.1:{server.server_port}"])
    finally:
        server.shutdown()
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert re.search(r"does not answer as a Dask scheduler within 2 s \(something else listens there", err)
    assert os.listdir(tmp_path) == ["data.csv"]


@pytest.mark.parametrize("command", ["collapse", "nonlinear", "logistic", "lr-study"])
def test_every_lesson_warns_before_an_enormous_run(command, tmp_path, monkeypatch, capsys):
    import importlib

    from descentlab.errors import DescentlabError

    module = importlib.import_module(f"descentlab.cli.{command.replace('-', '_')}")

    def refuse(config):
        raise DescentlabError("stopped by the test before training")

    lesson = importlib.import_module(f"descentlab.lessons.{command.replace('-', '_')}")
    for where in (module, lesson):  # the command passes its run, or the run looks it up
        if hasattr(where, f"run_{command.replace('-', '_')}"):
            monkeypatch.setattr(where, f"run_{command.replace('-', '_')}", refuse)
    monkeypatch.chdir(tmp_path)
    assert main([command, "--epochs", "99999999999999999999"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("descentlab: warning: --epochs 99999999999999999999 records every epoch")
    assert os.listdir(tmp_path) == []


# -------------------------------------------------------- item 5: stdout closed

@pytest.mark.slow
def test_stdout_closed_is_one_line_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "descentlab", "tutorial", "--epochs", "2"], cwd=tmp_path,
                          stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1),
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["descentlab: error: standard output is closed, so nothing "
                                                "could be printed: redirect it to a file or to /dev/null "
                                                "instead (> out.txt)"]
    assert os.listdir(tmp_path) == []


def test_ctrl_c_is_held_while_what_was_trained_is_written(capsys):
    import signal

    from descentlab.cli import _held_interrupts
    from descentlab.files.interrupts import interrupt_scope, note_interrupt, release_interrupts

    with interrupt_scope(), _held_interrupts():
        note_interrupt()  # a training loop caught the first Ctrl-C
        for _ in range(3):  # any number of them now: held
            signal.raise_signal(signal.SIGINT)
        release_interrupts()  # history and metrics are written
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    err = capsys.readouterr().err
    assert err == "descentlab: still writing what was trained; it stops once that is saved\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_two_runs_at_once_never_mix_their_files(tmp_path):
    """Two writers started together: the folder ends with exactly one run's files and a
    manifest that lists exactly them (the lock makes one wait for the other)."""
    from descentlab.outputs.manifest import OutputFolder

    def run(tag, names):
        with OutputFolder(tmp_path, "tutorial", names) as f:
            for name in names:
                f.write_text(name, tag)
                time.sleep(0.02)

    runs = [threading.Thread(target=run, args=("A", [f"epoch_{i:03d}.png" for i in range(0, 10)])),
            threading.Thread(target=run, args=("B", [f"epoch_{i:03d}.png" for i in range(0, 10, 3)]))]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    listed = json.loads((tmp_path / "manifest.json").read_text())["commands"]["tutorial"]["files"]
    on_disk = sorted(set(os.listdir(tmp_path)) - {"manifest.json"})
    assert sorted(listed) == on_disk
    assert len({(tmp_path / n).read_text() for n in on_disk}) == 1  # one run's files only


def test_the_largest_history_written_can_be_read_again(tmp_path):
    """The cap, measured: the bytes per number of the densest history (a network's many
    weights per epoch, indented as written) times the cap stay under what is read back."""
    from descentlab.core.history import History
    from descentlab.core.history_schema import MAX_SAVED_NUMBERS
    from descentlab.memory import MAX_JSON_BYTES

    rng = np.random.default_rng(0)
    h = History(status="interrupted")
    for _ in range(2000):
        h.record(float(rng.random()) * 1e-7, {"W": rng.normal(size=(20, 1)) / 3, "b": rng.normal(size=1)})
    doc = h.to_dict(max_numbers=20_000)
    numbers = len(doc["loss"]) * 23
    text = json.dumps(doc, indent=1)
    assert numbers <= 20_000 and doc["meta"]["sampled_epochs"]["of"] == 2000
    assert MAX_SAVED_NUMBERS * (len(text) / numbers) < MAX_JSON_BYTES


def test_a_deeply_nested_manifest_is_read_as_none_without_recursion_error(tmp_path):
    from descentlab.outputs.manifest import read_manifest

    (tmp_path / "manifest.json").write_text("{" + '"a":{' * 100_000 + "}" * 100_001)
    with pytest.warns(UserWarning, match=r"nested too deeply\); it is written anew and no old file is removed"):
        assert read_manifest(tmp_path)["commands"] == {}


def test_logistic_accuracy_trace_is_accuracy_at_every_epoch():
    """The trace is computed in chunks (a long run stopped by Ctrl-C is written in seconds):
    the very same numbers as :func:`accuracy` epoch by epoch."""
    from descentlab.core.metrics import accuracy
    from descentlab.core.models import logistic_proba
    from descentlab.lessons.logistic import LogisticConfig, _accuracy_trace, run_logistic

    r = run_logistic(LogisticConfig(epochs=60, lr=2.0))
    h = r.history
    expected = [accuracy(r.y_train, logistic_proba(h.params_at(e), r.X_train)) for e in range(h.n_epochs + 1)]
    assert r.accuracy_trace.tolist() == expected
    assert _accuracy_trace(h, r.X_train, r.y_train, chunk=7).tolist() == expected
    assert len(set(expected)) > 2  # the accuracy moves, so the comparison means something
