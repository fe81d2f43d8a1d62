"""Ctrl-C (SIGINT) and SIGTERM in a real process: mid-training for ``tutorial`` and ``fit``,
and mid-save. What ran is kept, whole, and no temporary file is left behind."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def _start(argv, **kwargs):
    # a run started in the background inherits SIGINT ignored, and Python then never turns
    # it into KeyboardInterrupt: restore the default, as a terminal's Ctrl-C would find it
    return subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV, **kwargs,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _stop(proc, signum, wait=1.0):
    time.sleep(wait)
    proc.send_signal(signum)
    try:
        return proc.communicate(timeout=120)
    finally:
        proc.kill()  # never leave a hundred-million-epoch run behind


def _no_temporary_files(folder):
    return not [p for p in os.listdir(folder) if p.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_tutorial_stopped_mid_training_keeps_what_ran(tmp_path, signum):
    out = tmp_path / "o"
    proc = _start(["-u", "-m", "descentlab", "tutorial", "--epochs", "100000000", "--log-every",
                   "1000", "--out", str(out)])
    assert proc.stdout.readline() == "Epoch:  0\n"
    stdout, err = _stop(proc, signum)
    assert proc.returncode == 130 and "Traceback" not in err, err
    last = err.splitlines()[-1]
    assert last.startswith("descentlab: interrupted after ") and " of 100000000 epochs; kept " in last
    ran = int(last.split("after ")[1].split(" of")[0])
    history = json.loads((out / "history.json").read_text())
    assert history["status"] == "interrupted" and len(history["loss"]) == ran
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["status"] == "interrupted" and metrics["epochs"] == ran
    assert f"After {ran} epochs gradient descent" in stdout
    entry = json.loads((out / "manifest.json").read_text())["commands"]["tutorial"]
    assert entry["status"] == "interrupted"
    assert set(entry["files"]) == set(os.listdir(out)) - {"manifest.json"}
    assert len([n for n in entry["files"] if n.startswith("epoch_")]) <= 20
    assert _no_temporary_files(out)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 5))
    path = tmp_path_factory.mktemp("data") / "big.csv"
    path.write_text("a,b,c,d,e,y\n" + "".join(",".join(repr(float(v)) for v in [*x, x.sum()]) + "\n" for x in X))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_fit_stopped_mid_training_keeps_a_loadable_model(big_csv, tmp_path, signum):
    from descentlab.estimators.persist import load_model

    model = tmp_path / "model.json"
    proc = _start(["-m", "descentlab", "fit", str(big_csv), "--target", "y", "--optimizer", "gd",
                   "--lr", "1e-6", "--tol", "none", "--epochs", "100000000", "--out", str(tmp_path)])
    assert proc.stdout.readline().startswith("Training GDRegressor on 2000 rows")
    out, err = _stop(proc, signum, wait=1.5)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "interrupted after" in err and "Saved the model" in out
    est = load_model(model)
    assert est.history_.status == "interrupted" and est.n_iter_ == len(est.history_.loss)
    assert _no_temporary_files(tmp_path)


# A child that writes one file over and over, each time with new, large content; the
# parent stops it at a random moment of a write.
_WRITER = """
import sys
from descentlab.cli import _sigterm_interrupts
from descentlab.files import write_text
path = sys.argv[1]
write_text(path, "old " * 1_000_000)
print("ready", flush=True)
with _sigterm_interrupts():
    for i in range(1_000_000):
        write_text(path, f"new{i} " * 1_000_000)
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_save_leaves_a_whole_file_and_no_temporary_one(tmp_path, signum):
    path = tmp_path / "big.txt"
    for wait in (0.05, 0.23, 0.41):
        proc = _start(["-c", _WRITER, str(path)])
        assert proc.stdout.readline() == "ready\n"
        _, err = _stop(proc, signum, wait=wait)
        assert proc.returncode != 0 and err.rstrip().endswith("KeyboardInterrupt")
        words = path.read_text().split()
        assert len(words) == 1_000_000 and len(set(words)) == 1  # one whole version
        assert _no_temporary_files(tmp_path)


_DEFERRED = """
import sys, time
from descentlab.files import deferred_signals, write_text
with deferred_signals():
    print("writing", flush=True)
    time.sleep(1.0)
    write_text(sys.argv[1], "whole")
    print("written", flush=True)
print("not reached")
"""


@pytest.mark.slow
def test_ctrl_c_waits_for_the_protected_writes(tmp_path):
    path = tmp_path / "history.json"
    proc = _start(["-c", _DEFERRED, str(path)])
    assert proc.stdout.readline() == "writing\n"
    out, err = _stop(proc, signal.SIGINT, wait=0.2)
    assert out == "written\n" and "KeyboardInterrupt" in err  # delivered after the block
    assert path.read_text() == "whole"


@pytest.mark.slow
def test_double_ctrl_c_keeps_the_history_and_metrics(tmp_path):
    """Issue 28: a second Ctrl-C 0.3 s after the first, while what ran is being written,
    is held until history.json and metrics.json are whole."""
    out = tmp_path / "o"
    proc = _start(["-u", "-m", "descentlab", "tutorial", "--epochs", "100000000", "--log-every",
                   "100000", "--out", str(out)])
    assert proc.stdout.readline() == "Epoch:  0\n"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    stdout, err = _stop(proc, signal.SIGINT, wait=0)
    assert proc.returncode == 130 and "Traceback" not in err, err
    # the second Ctrl-C is held while the JSON is written, then may stop the figures
    assert re.match(r"descentlab: interrupted.*; kept history.json, metrics.json", err.splitlines()[-1]), err
    history = json.loads((out / "history.json").read_text())
    ran = len(history["loss"])
    assert history["status"] == "interrupted" and ran > 0
    assert json.loads((out / "metrics.json").read_text())["epochs"] == ran
    assert json.loads((out / "manifest.json").read_text())["commands"]["tutorial"]["status"] == "interrupted"
    assert _no_temporary_files(out)


@pytest.mark.slow
def test_the_first_ctrl_c_stops_every_part_of_report(tmp_path):
    """Issue 28: report's learning-rate study and network studies do not start after the
    tutorial was stopped; the page is written from what ran."""
    out = tmp_path / "o"
    proc = _start(["-u", "-m", "descentlab", "report", "--epochs", "100000000", "--with", "collapse",
                   "--out", str(out)])
    assert "records every epoch" in proc.stderr.readline()  # said just before training starts
    stdout, err = _stop(proc, signal.SIGINT, wait=1.5)
    assert proc.returncode == 130 and "Traceback" not in err, err
    last = err.splitlines()[-1]
    assert re.match(r"descentlab: interrupted after \d+ epochs \(1 later part not started: Ctrl-C came "
                    r"first\); kept report.html", last), last
    assert "without collapse, not started after Ctrl-C" in stdout
    assert sorted(os.listdir(out)) == ["manifest.json", "report.html"]


def test_a_ctrl_c_after_training_waits_until_the_run_is_kept(tmp_path):
    """A Ctrl-C between the end of training and the record's writing (metrics being
    computed, lines printed) is held: the command stops only once the record is written."""
    from descentlab.cli import _raise_interrupt
    from descentlab.core.models import LinearModel
    from descentlab.core.trainer import train
    from descentlab.files import interrupts

    X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(-1, 1, 20)
    with interrupts.interrupt_scope():
        interrupts.expect_record()
        train(LinearModel(1), X, y, epochs=3)
        assert interrupts.holding() and not interrupts.stopping()
        _raise_interrupt(signal.SIGINT, None)  # held: no KeyboardInterrupt before the record
        assert not interrupts.stopping()
        with pytest.raises(KeyboardInterrupt):
            interrupts.release_interrupts()  # the record is written: now the command stops
        assert interrupts.stopping() and not interrupts.holding()
        history = train(LinearModel(1), X, y, epochs=3)  # a later part does not start
        assert history.status == "interrupted" and history.n_epochs == 0


def test_a_finished_run_leaves_the_next_training_interruptible():
    from descentlab.core.models import LinearModel
    from descentlab.core.trainer import train
    from descentlab.files import interrupts

    X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(-1, 1, 20)
    with interrupts.interrupt_scope():
        interrupts.expect_record()
        train(LinearModel(1), X, y, epochs=2)
        assert interrupts.holding()
        assert not interrupts.training_starts() and not interrupts.holding()
    train(LinearModel(1), X, y, epochs=2)  # outside a command (a Python session): no holding
    assert not interrupts.holding()
