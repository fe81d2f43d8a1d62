"""The learning-rate figure: log axis, every run drawn, the diverging one flagged, axes intact."""

import numpy as np
import pytest

from descentlab.lessons.lr_study import lr_study
from descentlab.viz.lr_study import lr_study_figure


@pytest.fixture(scope="module")
def study(article_run):
    return lr_study(article_run.X_train, article_run.y_train, epochs=61, seed=7)


def test_every_rate_has_a_curve_on_a_log_axis(study):
    fig = lr_study_figure(study)
    ax, ax_rates = fig.axes
    assert ax.get_yscale() == "log" and ax_rates.get_xscale() == "log"
    assert ax.get_title().startswith("Loss per epoch for each learning rate")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Epoch (after N updates)", "Loss (log scale)")
    curves = [l for l in ax.lines if l.get_label().startswith("lr = ")]
    assert len(curves) == len(study.runs) == 5  # the defaults and the article's 0.05
    for line, run in zip(curves, study.runs):
        np.testing.assert_allclose(line.get_ydata(), run.history.epoch_losses)


def test_the_diverging_run_is_flagged_and_does_not_set_the_axis(study):
    fig = lr_study_figure(study)
    ax, ax_rates = fig.axes
    curves = [l for l in ax.lines if l.get_label().startswith("lr = ")]
    flagged = [l for l in curves if "DIVERGED" in l.get_label()]
    assert len(flagged) == 1 and flagged[0].get_linestyle() == "--"
    diverged = study.runs[-1]
    assert f"epoch {diverged.history.meta['diverged_at_epoch']}" in flagged[0].get_label()
    assert max(diverged.history.loss) > 1e6
    bottom, top = ax.get_ylim()
    kept = np.concatenate([r.history.epoch_losses for r in study.runs[:-1]])
    assert top == pytest.approx(kept.max() * 5) and bottom == pytest.approx(kept.min() / 2)
    markers = [l for l in ax.lines if l.get_marker() == "X"]
    # the mark sits just inside the top edge, above every kept curve, off the title
    mark = markers[0].get_ydata()[0] if len(markers) == 1 else None
    assert mark is not None and kept.max() < mark < top
    assert np.log(top / mark) / np.log(top / bottom) == pytest.approx(0.04)
    # ... at the epoch where its curve leaves the plot, not where training stopped
    leaves = markers[0].get_xdata()[0]
    loss = np.asarray(diverged.history.loss)
    assert loss[leaves] > mark and np.all(loss[:leaves] <= mark)
    assert any("diverges" in t.get_text() for t in ax.texts)
    # the rate axis: both marks, 1 / lambda_max and the bound 2 / lambda_max, one marker per rate
    assert any(np.allclose(l.get_xdata(), study.bound) for l in ax_rates.lines)
    assert any(np.allclose(l.get_xdata(), study.bound / 2) for l in ax_rates.lines)
    rates = [l.get_xdata()[0] for l in ax_rates.lines if l.get_marker() in ("o", "v")]
    assert rates == pytest.approx([r.lr for r in study.runs])


def test_all_runs_diverging_still_draws(article_run):
    study = lr_study(article_run.X_train, article_run.y_train, [3.0, 5.0], epochs=30)
    ax = lr_study_figure(study).axes[0]
    assert all(np.isfinite(ax.get_ylim()))
    assert sum("DIVERGED" in l.get_label() for l in ax.lines) == 2
