"""Outputs: every bad output path refused before anything runs, inputs never overwritten,
a trained model kept when its save fails, stale files of a previous run removed, and
standard output that fails (full, closed) ending in one line."""

import json
import os
import re
import subprocess
import sys

import pytest

from descentlab.cli import main


def _run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _snapshot(folder):
    """Every file and folder under ``folder``: its kind, size and time of last change."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            s = os.lstat(path)
            found[os.path.relpath(path, folder)] = (s.st_mode, s.st_size, s.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A CSV, a model fitted on it and a tutorial's history.json, made once."""
    d = tmp_path_factory.mktemp("saved")
    rows = [[1, 2, 3], [2, 1, 5], [3, 5, 4], [4, 3, 9], [5, 4, 7], [6, 1, 8]]
    (d / "in.csv").write_text("a,b,y\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    assert main(["fit", str(d / "in.csv"), "--target", "y", "--epochs", "5", "--out",
                 str(d / "fit")]) == 0
    assert main(["tutorial", "--epochs", "3", "--out", str(d / "tut")]) == 0
    return d


# (argv, folders to make first, exit code, what stderr says); x/model.json and
# x/predictions.csv are links to in.csv: inputs where the command would write
BAD_OUTPUTS = [
    (["tutorial", "--out", "{d}/o"], ["o/history.json"], 2, r"history\.json.*it is a folder"),
    (["tutorial", "--out", "{d}/o"], ["o/epoch_030.png"], 2, r"epoch_030\.png.*it is a folder"),
    (["tutorial", "--out", "{d}/o"], ["o/manifest.json"], 2, r"manifest\.json.*it is a folder"),
    (["tutorial", "--out", "{d}/o", "--animate"], ["o/training.gif"], 2,
     r"training\.gif.*it is a folder"),
    (["tutorial", "--out", "{d}/x/in"], [], 2, r"output folder .*x/in.*it is a file"),
    (["tutorial", "--out", "{d}/x/in/sub"], [], 2, r"output folder .*is a file"),
    (["tutorial", "--out", "{d}/o", "--report"], ["o/tutorial_report.html"], 2,
     r"tutorial_report\.html.*is a folder"),
    (["fit", "{d}/x/model.json", "--target", "y", "--out", "{d}/x"], [], 2,
     r"model\.json to .*model\.json.*it is the input .*never overwrites its inputs"),
    (["fit", "{d}/in.csv", "--target", "y", "--out", "{d}/x/../x"], [], 2, r"it is the input"),
    (["fit", "{d}/in.csv", "--target", "y", "--out", "{d}/sub"], ["sub/model.json"], 2, r"it is a folder"),
    (["fit", "{d}/in.csv", "--target", "y", "--out", "{d}/x/in/sub"], [], 2, r"output folder .*is a file"),
    (["predict", "{d}/m.json", "{d}/x/predictions.csv", "--out", "{d}/x"], [], 2,
     r"predictions\.csv to .*predictions\.csv.*it is the input"),
    (["predict", "{d}/m.json", "{d}/in.csv", "--out", "{d}/sub"], ["sub/predictions.csv"], 2,
     r"it is a folder"),
    (["predict", "{d}/m.json", "{d}/in.csv", "--out", os.devnull], [], 2, r"output folder .*is a file"),
    (["animate", "--history", "{d}/h.json", "--out", "{d}/o", "--no-mp4"], ["o/animate.gif"], 2,
     r"animate\.gif.*it is a folder"),
    (["lr-study", "--out", "{d}/o"], ["o/lr_study.png"], 2, r"lr_study\.png.*it is a folder"),
    (["collapse", "--out", "{d}/o"], ["o/collapse.json"], 2, r"collapse\.json.*it is a folder"),
    (["nonlinear", "--out", "{d}/o"], ["o/nonlinear_sine.png"], 2, r"nonlinear_sine\.png.*folder"),
    (["logistic", "--out", "{d}/o", "--animate"], ["o/logistic.gif"], 2, r"logistic\.gif.*folder"),
    (["report", "--history", "{d}/h.json", "--out", "{d}/o"], ["o/report.html"], 2, r"report\.html.*is a folder"),
]


def _setup(saved, tmp_path, folders):
    for name in ("in.csv", "m.json"):
        (tmp_path / name).write_bytes((saved / name.replace("m.json", "fit/model.json")).read_bytes())
    (tmp_path / "h.json").write_bytes((saved / "tut" / "history.json").read_bytes())
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "in").write_text("a file")
    for name in ("model.json", "predictions.csv"):
        (tmp_path / "x" / name).symlink_to(tmp_path / "in.csv")
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)


@pytest.mark.parametrize("argv,folders,code,match", BAD_OUTPUTS,
                         ids=[f"{a[0]}-{i}" for i, (a, *_) in enumerate(BAD_OUTPUTS)])
def test_a_bad_output_is_refused_up_front_and_changes_nothing(saved, tmp_path, capsys, argv,
                                                              folders, code, match):
    _setup(saved, tmp_path, folders)
    before = _snapshot(tmp_path)
    got, out, err = _run([a.format(d=tmp_path) for a in argv], capsys)
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("descentlab: error: ") and "Traceback" not in err
    assert re.search(match, err), err
    assert out == ""  # refused before anything ran
    assert _snapshot(tmp_path) == before


# --out is a folder in every command: a path ending like a file is refused by the parser
FILE_LIKE_OUT = [
    (["tutorial", "--out", "{d}/report.html"], "its figures, history.json and metrics.json", "{d}"),
    (["animate", "--out", "{d}/o/movie.gif"], "animate.gif (and animate.mp4)", "{d}/o"),
    (["report", "--out", "{d}/o/r.html"], "report.html", "{d}/o"),
    (["fit", "{d}/in.csv", "--target", "y", "--out", "{d}/model.json"], "model.json", "{d}"),
    (["fit", "{d}/in.csv", "--target", "y", "--out", "{d}/in.csv"], "model.json", "{d}"),
    (["predict", "{d}/m.json", "{d}/in.csv", "--out", "{d}/p.csv"], "predictions.csv", "{d}"),
    (["exercise", "grade", "{d}/x", "--lesson", "linear_regression", "--out", "{d}/grades.csv"],
     "grades.csv", "{d}"),
]


@pytest.mark.parametrize("argv,writes,suggested", FILE_LIKE_OUT, ids=[a[0] for a, *_ in FILE_LIKE_OUT])
def test_a_file_given_to_out_is_one_line_naming_the_folder_to_give(saved, tmp_path, capsys, argv,
                                                                  writes, suggested):
    _setup(saved, tmp_path, [])
    before = _snapshot(tmp_path)
    got, out, err = _run([a.format(d=tmp_path) for a in argv], capsys)
    assert got == 2 and out == "" and err.count("\n") == 1, err
    command = " ".join(argv[:2]) if argv[0] == "exercise" else argv[0]
    assert err.startswith(f"descentlab {command}: error: argument --out: ")
    assert "looks like a file, but --out is a folder" in err
    assert f"{command} writes {writes} into it" in err
    assert f"give a folder such as --out {suggested.format(d=tmp_path)} " in err
    assert _snapshot(tmp_path) == before


def test_a_save_that_fails_after_training_keeps_the_model(saved, tmp_path, capsys, monkeypatch):
    """The output folder is replaced by a file while training runs: the model is saved
    beside the intended name's folder, or in the temp folder, and the line says where."""
    import descentlab.estimators.workflow as workflow
    from descentlab.estimators.persist import load_model

    out = tmp_path / "models"
    out.mkdir()
    fit_csv = workflow.fit_csv

    def fit_then_break_the_folder(*args, **kwargs):
        result = fit_csv(*args, **kwargs)
        out.rmdir()
        out.write_text("not a folder any more")
        return result

    monkeypatch.setattr(workflow, "fit_csv", fit_then_break_the_folder)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code, out_text, err = _run(["fit", saved / "in.csv", "--target", "y", "--epochs", "5",
                                "--out", out], capsys)
    assert code == 1 and err.count("\n") == 2  # the spent-budget warning, then the error
    line = err.splitlines()[-1]
    assert line.startswith("descentlab: error: cannot write") and "saved in" in line
    recovered = re.search(r"saved in '([^']+)' instead", line).group(1)
    assert recovered.startswith(str(tmp_path / "tmp")) and f"recovered-{os.getpid()}" in recovered
    assert load_model(recovered).n_features_in_ == 2
    assert not [p for p in os.listdir(tmp_path / "tmp") if p.startswith(".")]


def test_a_tutorial_whose_folder_breaks_keeps_its_history(tmp_path, capsys, monkeypatch):
    import descentlab.lessons.article as article  # the tutorial's run looks it up when it runs
    from descentlab.core.history import load_history

    out = tmp_path / "o"
    run_tutorial = article.run_tutorial

    def run_then_break_the_folder(*args, **kwargs):
        result = run_tutorial(*args, **kwargs)
        if out.is_dir():  # the folder is made only once there is something to write (issue 28)
            out.rmdir()
        out.write_text("not a folder any more")
        return result

    monkeypatch.setattr(article, "run_tutorial", run_then_break_the_folder)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code, _, err = _run(["tutorial", "--epochs", "4", "--out", out], capsys)
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert re.match(r"descentlab: error: cannot write '.*history\.json' .*the run's history is "
                    r"saved in '.*' instead", err), err
    recovered = re.search(r"saved in '([^']+)' instead", err).group(1)
    assert load_history(recovered).n_epochs == 4
    assert not [p for p in os.listdir(tmp_path / "tmp") if p.startswith(".")]


def test_the_writer_turns_os_errors_into_one_line_and_leaves_no_temporary_file(tmp_path):
    from descentlab.errors import DescentlabError, SaveError
    from descentlab.files import save_or_recover, write_text

    with pytest.raises(SaveError, match=r"cannot write '.*m\.json' \(folder '.*no' does not exist\)"):
        write_text(tmp_path / "no" / "m.json", "x")
    (tmp_path / "d").mkdir()
    with pytest.raises(SaveError, match=r"\(it is a folder\)") as info:
        write_text(tmp_path / "d", "x")
    assert ".d." not in str(info.value)  # names the file asked for, never the temporary one
    assert isinstance(info.value, DescentlabError)
    calls = []

    def save(path):
        calls.append(path)
        if len(calls) == 1:
            raise SaveError("cannot write it (No space left on device)", path=path)
        return write_text(path, "kept")

    with pytest.raises(SaveError, match="saved in .* instead") as info:
        save_or_recover(save, tmp_path / "m.json")
    assert info.value.recovered.read_text() == "kept"
    assert sorted(os.listdir(tmp_path)) == ["d", f"m.json.recovered-{os.getpid()}.json"]


@pytest.mark.slow
def test_a_second_run_removes_the_first_runs_stale_files_and_nothing_else(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "epoch_999.png").write_text("mine too: never listed by descentlab")
    assert main(["tutorial", "--epochs", "71", "--out", str(out)]) == 0
    assert (out / "epoch_070.png").exists() and (out / "epoch_071.png").exists()
    assert main(["tutorial", "--epochs", "21", "--out", str(out)]) == 0
    capsys.readouterr()
    names = set(os.listdir(out))
    assert {n for n in names if n.startswith("epoch_")} == {"epoch_000.png", "epoch_010.png",
                                                             "epoch_020.png", "epoch_021.png",
                                                             "epoch_999.png"}
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["commands"]["tutorial"]
    assert set(entry["files"]) == names - {"manifest.json", "notes.txt", "epoch_999.png"}
    assert entry["status"] == "completed" and entry["settings"]["epochs"] == 21
    assert entry["argv"][:2] == ["descentlab", "tutorial"]
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 21


@pytest.mark.slow
def test_commands_sharing_a_folder_each_keep_their_own_files(tmp_path, capsys):
    """No command writes another's file names: animate and report beside the tutorial
    leave its training.gif and tutorial_report.html (drawn from its history.json) alone."""
    out = tmp_path / "o"
    assert main(["tutorial", "--epochs", "5", "--out", str(out), "--animate", "--report",
                 "--max-frames", "3"]) == 0
    tutorials = {n: (out / n).read_bytes() for n in ("training.gif", "tutorial_report.html",
                                                     "history.json")}
    assert main(["animate", "--epochs", "4", "--out", str(out), "--no-mp4"]) == 0
    assert main(["report", "--epochs", "4", "--out", str(out), "--max-frames", "3",
                 "--rates", "0.1"]) == 0
    assert main(["lr-study", "--epochs", "5", "--rates", "0.1", "--out", str(out)]) == 0
    capsys.readouterr()
    assert {n: (out / n).read_bytes() for n in tutorials} == tutorials
    commands = json.loads((out / "manifest.json").read_text())["commands"]
    assert {"training.gif", "tutorial_report.html", "history.json"} <= set(commands["tutorial"]["files"])
    assert list(commands["animate"]["files"]) == ["animate.gif"]
    assert list(commands["report"]["files"]) == ["report.html"]
    assert list(commands["lr-study"]["files"]) == ["lr_study.png"]
    assert commands["animate"]["settings"]["epochs"] == 4  # what its GIF was drawn from
    # the tutorial again, without --animate or --report: its own GIF and page go, the others stay
    assert main(["tutorial", "--epochs", "5", "--out", str(out)]) == 0
    names = set(os.listdir(out))
    assert "training.gif" not in names and "tutorial_report.html" not in names
    assert {"animate.gif", "report.html", "lr_study.png"} <= names
    listed = [n for entry in json.loads((out / "manifest.json").read_text())["commands"].values()
              for n in entry["files"]]
    assert sorted(listed) == sorted(names - {"manifest.json"})
    assert len(listed) == len(set(listed))  # every file belongs to one command


def test_a_changed_or_damaged_record_removes_nothing(tmp_path):
    from descentlab.outputs.manifest import OutputFolder

    with OutputFolder(tmp_path, "tutorial", ["a.png", "b.png"]) as f:
        f.write_text("a.png", "a")
        f.write_text("b.png", "b")
    os.utime(tmp_path / "b.png", ns=(1, 1))  # someone else's since
    with pytest.warns(UserWarning, match="changed since descentlab wrote it"):
        with OutputFolder(tmp_path, "tutorial", []):
            pass
    assert sorted(os.listdir(tmp_path)) == ["b.png", "manifest.json"]
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("not in the folder")
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"format": "descentlab-manifest", "commands": {"tutorial": {"files": {
            f"../{outside.name}": None, str(outside): None, "manifest.json": None}}}}))
    with OutputFolder(tmp_path, "tutorial", []):
        pass
    assert outside.exists() and (tmp_path / "manifest.json").exists()
    with OutputFolder(tmp_path, "other", ["c.png"]) as f:
        f.write_text("c.png", "c")
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.warns(UserWarning, match="damaged"):
        with OutputFolder(tmp_path, "other", []):  # c.png is no longer known to be ours
            pass
    assert sorted(os.listdir(tmp_path)) == ["b.png", "c.png", "manifest.json"]


def test_epoch_figures_are_capped_and_the_run_says_so():
    from descentlab.viz.sampling import MAX_FIGURES, drawn_epochs

    assert drawn_epochs(61, 10) == [0, 10, 20, 30, 40, 50, 60]
    assert drawn_epochs(60, 10) == [0, 10, 20, 30, 40, 50, 59]
    many = drawn_epochs(10**9, 10)
    assert len(many) == MAX_FIGURES and many[0] == 0 and many[-1] == 10**9 - 1
    assert all(e % 10 == 0 for e in many[:-1]) and many == sorted(set(many))


def test_an_enormous_run_says_so_up_front(tmp_path, capsys):
    from descentlab.lessons.article import TutorialConfig
    from descentlab.outputs.lessons import size_note

    assert size_note(TutorialConfig()) is None
    note = size_note(TutorialConfig(epochs=10**9))
    assert "history.json will be about 63 GB" in note and "raise --log-every" in note


@pytest.mark.slow
@pytest.mark.parametrize("sink", ["full", "closed"])
def test_standard_output_that_fails_is_one_line(sink, tmp_path):
    cmd = [sys.executable, "-m", "descentlab", "tutorial", "--epochs", "3", "--out", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if sink == "full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full on this system")
        with open("/dev/full", "w") as full:
            proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.returncode == 1
        assert proc.stderr.splitlines()[-1] == ("descentlab: error: cannot write to standard output "
                                                "(No space left on device): redirect it to a file with room")
        assert proc.stderr.count("\n") == 1
    else:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        proc.stdout.close()  # as `| head -1` does once it has its line
        err = proc.stderr.read()
        assert proc.wait() == 141 and err == ""
