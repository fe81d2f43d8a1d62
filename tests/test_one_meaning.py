"""One meaning per word: the regimes of the step size, and "epoch N" in every view.

* No source, notebook or guide (and no output below) says the bound 2/lambda_max is "the
  largest rate before each step overshoots": steps overshoot from 1/lambda_max on.
* Epoch N is the state after N updates: the printed ``Epoch:`` lines, ``epoch_NNN.png``,
  the animation's frames, ``History.to_frame()`` and ``history.json`` agree on it.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from descentlab.core.regimes import REGIMES, regime_marks, regime_sentence, step_regime

ROOT = Path(__file__).resolve().parents[1]

#: The false sentence about the bound, and its variants.
OLD = re.compile(r"largest[\w\s]*rate[^.;]{0,40}overshoot"
                 r"|above (which|this|it),? (each|every) step overshoots"
                 r"|near (it|the bound),? they overshoot", re.IGNORECASE)


def _texts():
    """Every shipped text a learner reads: sources, notebooks (and their sources), docs, README."""
    globs = [("src", "**/*.py"), ("src", "**/*.js"), ("src", "**/*.html"), ("examples", "**/*.ipynb"),
             ("examples", "**/*.py"), ("docs", "**/*.md"), ("docs", "**/*.rst"), ("docs", "**/*.py")]
    for folder, pattern in globs:
        for path in sorted((ROOT / folder).glob(pattern)):
            if "_build" not in path.parts and "_generated" not in path.parts:
                yield path
    yield ROOT / "README.md"


def test_the_old_sentence_about_the_bound_is_gone_from_every_text():
    found = [f"{p.relative_to(ROOT)}: {m.group(0)!r}" for p in _texts()
             for m in OLD.finditer(p.read_text(encoding="utf-8").replace("\\n", " "))]
    assert found == []


def test_the_pattern_catches_the_old_sentences():
    # a guard on the guard: each phrase the issue found is caught
    for old in ["2 / lambda_max = 1.894, the largest rate before each step overshoots the minimum",
                "largest stable learning rate, above which each step overshoots",
                "stable learning rates: above this, every step overshoots",
                "Below the bound, larger rates learn faster; near it they overshoot"]:
        assert OLD.search(old), old


@pytest.mark.parametrize("ratio,regime", [(0.01, "monotone"), (0.49, "monotone"), (0.5, "monotone"),
                                          (0.51, "oscillates"), (0.99, "oscillates"),
                                          (1.0, "diverges"), (3.0, "diverges")])
def test_step_regime(ratio, regime):
    assert step_regime(ratio * 1.894, 1.894) == regime


def test_the_regime_sentences_name_both_marks():
    text = regime_sentence(1.894)
    assert "1/lambda_max = 0.947" in text and "2/lambda_max = 1.894" in text
    assert all(REGIMES[k][1] in text.replace("1/lambda_max = 0.947", "1/lambda_max")
               .replace("2/lambda_max = 1.894", "2/lambda_max") for k in REGIMES)
    assert regime_marks(1.894).startswith("below 0.947 the steps approach monotonically; from 0.947")
    assert not OLD.search(text) and not OLD.search(regime_marks(1.894))


def test_the_outputs_say_the_regimes(article_run):
    from descentlab.lessons.lr_study import lr_study

    study = lr_study(article_run.X_train, article_run.y_train, [0.05, 1.2, 2.5], epochs=10)
    text = "\n".join(study.summary_lines())
    assert not OLD.search(text)
    assert regime_sentence(study.bound) in text
    rows = study.summary_lines()[3:]
    assert "approach monotonically" in rows[0] and "overshoot, oscillate, converge" in rows[1]
    assert "diverge" in rows[2]


# -- epoch N is the state after N updates, in every view -----------------------------------
@pytest.mark.slow
def test_epoch_n_is_the_same_state_in_every_output(tmp_path, capsys):
    from matplotlib.image import imread

    from descentlab.cli import main
    from descentlab.core.history import load_history
    from descentlab.lessons.article import result_from_history
    from descentlab.viz.animation import TrainingAnimation

    out = tmp_path / "o"
    assert main(["tutorial", "--epochs", "21", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    # the printed lines: "Epoch:  N" then "Loss =  value"
    shown = {int(re.match(r"Epoch:\s+(\d+)", a).group(1)): float(b.split("=")[1])
             for a, b in zip(printed, printed[1:], strict=False) if a.startswith("Epoch:")}
    assert sorted(shown) == [0, 10, 20, 21]
    history = load_history(out / "history.json")
    frame = history.to_frame()
    metrics = json.loads((out / "metrics.json").read_text())
    # the table's last row is the last printed line: epoch 21, the trained line
    assert frame.index[-1] == 21 and frame["loss"].iloc[-1] == shown[21]
    assert frame["W"].iloc[-1] == metrics["m"] and frame["b"].iloc[-1] == metrics["b"]
    assert shown[21] == pytest.approx(metrics["train"]["loss"], rel=1e-12)
    for n, loss in shown.items():
        assert frame.loc[n, "loss"] == loss        # the table and history.json
        assert history.epoch_losses[n] == loss
        assert (out / f"epoch_{n:03d}.png").exists()
    # the animation's frame N: the line after N updates and the printed loss of epoch N
    result = result_from_history(history)
    anim = TrainingAnimation(result.history, result.X_train, result.y_train)
    assert list(anim.epochs_) == list(range(22))
    for n, loss in shown.items():
        anim.draw(n)
        assert f"Loss = {loss:.6g}" in anim._title.get_text()
        assert f"m = {frame.loc[n, 'W']:.4f}" in anim._title.get_text()
    # the figure of epoch N: its loss panel ends at the printed loss of epoch N
    from descentlab.viz.article import epoch_figure

    for n, loss in shown.items():
        fig = epoch_figure(result.history, result.X_train, result.y_train, n)
        assert fig.axes[1].lines[0].get_ydata()[-1] == loss
        assert f"m = {frame.loc[n, 'W']:.4f}" in fig._suptitle.get_text()
    assert imread(out / "epoch_021.png").shape[:2] == (600, 1600)
    assert np.all(np.diff(frame["loss"].to_numpy()) < 0)


def test_one_name_per_number(article_run):
    # the trained line's loss: "epoch 61" in the printed summary, the History's table and
    # repr, the lr-study row of the same rate, metrics.json's train loss
    from descentlab.lessons.lr_study import lr_study

    r = article_run
    trained = r.metrics["train"]["loss"]
    assert r.history.final_loss == pytest.approx(trained, rel=1e-12)
    summary = "\n".join(r.summary_lines())
    assert f"Loss of the trained line (epoch 61) = {trained:.4f}" in summary
    html = r.history._repr_html_()
    assert f"loss at epoch 61</th><td style='text-align:right'>{trained:.6g}" in html
    assert f"lowest loss</th><td style='text-align:right'>{trained:.6g}" in html  # it falls all along
    assert "last loss" not in html and f"loss at epoch 61={trained:.6g}" in repr(r.history)
    row = next(run for run in lr_study(r.X_train, r.y_train, [0.05]).runs)
    assert row.result_text() == f"loss {r.history.loss[0]:.4g} -> {trained:.4g} at epoch 61"
    assert r.history.to_frame().loc[61, "loss"] == r.history.final_loss


def test_result_objects_have_short_reprs(article_run):
    r = article_run
    text = repr(r)
    assert len(text) < 200 and text.startswith("TutorialResult(lr=0.05, epochs=61, status='completed'")
    assert f"m={r.metrics['m']:.4f}" in text and f"test_loss={r.metrics['test']['loss']:.6g}" in text
    assert len(repr(r.history)) < 120 and len(repr(r.data)) < 120 and len(repr(r.config)) < 200
