"""What a lesson result and an animation show as the last expression of a notebook cell."""

import json
import re

import numpy as np
import pytest

from descentlab.lessons.display import headline_numbers
from descentlab.viz.animation import TrainingAnimation


def _frames(html):
    data = re.search(r'class="frames-data">(.*?)</script>', html).group(1)
    return json.loads(data)


def test_animation_html_holds_every_frame_and_its_player_inline(article_run):
    anim = TrainingAnimation(article_run.history, article_run.X_train, article_run.y_train, max_frames=12)
    html = anim._repr_html_()
    frames = _frames(html)
    assert len(frames) == len(anim) == 12
    assert frames == [__import__("base64").b64encode(p).decode() for p in anim.png_frames()]
    epochs = json.loads(re.search(r'class="frames-epochs">(.*?)</script>', html).group(1))
    assert epochs == anim.epochs_.tolist() and epochs[-1] == article_run.history.n_epochs
    assert "addEventListener" in html and 'type="range"' in html   # the player's JS and slider
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", html)   # nothing fetched
    assert "http" not in html.replace("http-equiv", "")


def test_two_players_in_one_page_have_distinct_ids(article_run):
    anim = TrainingAnimation(article_run.history, article_run.X_train, article_run.y_train, max_frames=3)
    ids = [re.findall(r'id="([^"]+)"', anim._repr_html_()) for _ in range(2)]
    assert not set(ids[0]) & set(ids[1])


def test_result_html_shows_summary_numbers_and_history(article_run):
    html = article_run._repr_html_()
    assert "TutorialResult" in html and "data-kind='tutorial'" in html
    assert f"{article_run.metrics['m']:.6g}" in html
    assert "Mean absolute percentage error" in html
    assert "descentlab-history" in html and "<svg" in html
    names = dict(headline_numbers(article_run))
    assert names["test r2"] == article_run.metrics["test"]["r2"]
    assert all(isinstance(v, (int, float, np.floating, np.integer)) for v in names.values())


def test_ipython_formatter_picks_the_html(article_run):
    formatters = pytest.importorskip("IPython.core.formatters")
    fmt = formatters.DisplayFormatter()
    data, _ = fmt.format(article_run.history)
    assert "descentlab-history" in data["text/html"]
    assert data["text/plain"].startswith("History(")
    data, _ = fmt.format(article_run)
    assert "TutorialResult" in data["text/html"]


@pytest.mark.slow
def test_every_lesson_result_has_html():
    from descentlab.lessons.collapse import CollapseConfig, run_collapse
    from descentlab.lessons.logistic import LogisticConfig, run_logistic
    from descentlab.lessons.lr_study import lr_study
    from descentlab.data.synthetic import make_article_data

    d = make_article_data()
    for result in (run_collapse(CollapseConfig(epochs=20)), run_logistic(LogisticConfig(epochs=20)),
                   lr_study(d.X, d.y, [0.05, 1.0], epochs=10)):
        html = result._repr_html_()
        assert f"data-kind='{result.kind}'" in html
        assert result.summary_lines()[0].split()[0] in html
