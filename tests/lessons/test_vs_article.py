"""descentlab tutorial --vs-article: the article's numbers beside this run's, and what drives MAPE."""

import numpy as np
import pytest

from descentlab.lessons.vs_article import (
    ARTICLE,
    mape_contributions,
    mape_drivers,
    vs_article_lines,
)


def test_the_shares_add_up_to_the_mape(article_run):
    r = article_run
    parts = mape_contributions(r.y_test, r.model.predict(r.X_test))
    assert parts.sum() == pytest.approx(r.metrics["test"]["mape_percent"], rel=1e-12)
    top, share = mape_drivers(r.y_test, r.model.predict(r.X_test))
    # three targets near zero give about half of the 52 points
    assert np.all(np.abs(r.y_test[top]) < 20) and share > 0.4 * parts.sum()
    assert mape_contributions([0.0, 2.0], [1.0, 1.0]).tolist() == [0.0, 50.0]  # a 0 target is left out


def test_each_article_number_sits_beside_this_runs_with_its_reason(article_run):
    lines = vs_article_lines(article_run)
    text = "\n".join(lines)
    for epoch, loss in ARTICLE["loss"].items():
        row = next(line for line in lines if line.startswith(f"loss at epoch {epoch} "))
        assert f"{loss:.2f}" in row and f"{article_run.history.loss[epoch]:.2f}" in row
    assert "not seeded" in text and "loss before each update" in text
    assert f"{ARTICLE['accuracy_percent']:.2f}" in text and "52.04" in text
    assert "27.4 of its 52.0 points" in text and "mape.png" in text


@pytest.mark.slow
def test_the_command_prints_the_comparison_and_draws_the_drivers(tmp_path, capsys):
    from matplotlib.image import imread

    from descentlab.cli import main

    assert main(["tutorial", "--vs-article", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "This run beside the article's" in out and "Accuracy = MAPE (%)" in out
    img = imread(tmp_path / "mape.png")
    red = (img[..., 0] > 0.75) & (img[..., 1] < 0.3) & (img[..., 2] < 0.3)
    assert img.shape[:2] == (500, 900) and red.sum() > 100   # the three drivers, marked red
