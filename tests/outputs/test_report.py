"""The HTML report: self-contained, every figure embedded, the frames and the slider there.

The page is also opened in a real headless browser (Debian's chromium with its
chromedriver, through selenium); that test skips when no browser is installed.
"""

import html
import json
import re
import time
from pathlib import Path

import pytest

from helpers import headless_chromium

from descentlab.lessons.lr_study import tutorial_study
from descentlab.outputs.report import write_report


def wait_for(condition, timeout=10.0):
    """Poll ``condition`` until it holds or ``timeout`` seconds pass (a busy machine can
    delay the page's timers); return its last value."""
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.05)
    return condition()

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def report(article_run, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    study = tutorial_study(article_run)
    assert write_report(article_run, path, study=study) == path
    return path, path.read_text(), study


def test_report_is_self_contained(report):
    _, page, _ = report
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)


def test_report_has_every_section_figure_and_the_metrics(report, article_run):
    _, page, study = report
    for title in ("1. The data", "2. Watch it learn, epoch by epoch", "3. Cost against one parameter",
                  "4. The loss surface over (m, b)", "5. The learning rate", "6. Prediction on the test set"):
        assert f"<h2>{title}</h2>" in page
    alts = re.findall(r'<img [^>]*alt="([^"]+)"', page)
    assert alts == ["data", "training animation frame", "cost against m", "loss surface",
                    "learning-rate study", "fit on the test set"]
    assert '<table id="metrics">' in page and '<table id="parameters">' in page
    assert f"{article_run.metrics['test']['r2']:.6g}" in page
    assert f"2 / lambda_max = {study.bound:.4g}" in page and "beyond the bound" in page


def test_report_studies_the_runs_own_learning_rate_too(report, article_run):
    """The report's learning-rate section, like ``lr-study``, has the run's own rate (the
    article's 0.05) beside the rates around the bound, and the page lists its result."""
    _, page, study = report
    rates = [run.lr for run in study.runs]
    assert article_run.config.lr in rates and len(rates) == 5
    row = next(run for run in study.runs if run.lr == article_run.config.lr)
    assert row.result_text() in html.unescape(page)  # the loss at epoch 61, the trained line


def test_report_embeds_one_frame_per_epoch_and_a_slider(report):
    _, page, _ = report
    frames = json.loads(re.search(r'id="frames-data"[^>]*>(.*?)</script>', page).group(1))
    epochs = json.loads(re.search(r'id="frames-epochs"[^>]*>(.*?)</script>', page).group(1))
    assert len(frames) == 62 and epochs == list(range(62))  # epochs 0 .. 61: after N updates
    assert all(f.startswith("iVBORw0KGgo") for f in frames)  # PNG signature in base64
    assert '<input id="epoch-slider" type="range" min="0" max="61"' in page
    assert '<button id="play"' in page


def browser():
    """A headless chromium driven by selenium, or skip when there is none."""
    return headless_chromium(1200, 900)


@pytest.mark.browser
@pytest.mark.slow
def test_report_in_a_headless_browser(report):
    from selenium.webdriver.common.by import By

    path, _, _ = report
    driver = browser()
    try:
        driver.get(path.as_uri())
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        body = driver.find_element(By.TAG_NAME, "body")
        assert body.get_attribute("data-players-ready") == "1"
        assert driver.find_element(By.ID, "player-training").get_attribute("data-ready") == "62"
        images = driver.find_elements(By.TAG_NAME, "img")
        assert len(images) == 6
        assert all(driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)
                   for i in images)
        slider = driver.find_element(By.ID, "epoch-slider")
        label = driver.find_element(By.ID, "epoch-label")
        frame = driver.find_element(By.ID, "frame")
        assert (slider.get_attribute("max"), label.text) == ("61", "Epoch 0 (frame 1 of 62)")
        first_src = frame.get_attribute("src")
        driver.execute_script("arguments[0].value = 30; arguments[0].dispatchEvent(new Event('input'));",
                              slider)
        assert label.text == "Epoch 30 (frame 31 of 62)" and frame.get_attribute("src") != first_src
        driver.find_element(By.ID, "play").click()
        assert wait_for(lambda: int(slider.get_attribute("value")) > 30)
        driver.find_element(By.ID, "play").click()
        # the player's own keys (JupyterLab would take them otherwise): arrows step, Home jumps
        from selenium.webdriver.common.keys import Keys

        player = driver.find_element(By.ID, "player-training")
        at = int(slider.get_attribute("value"))
        player.send_keys(Keys.ARROW_RIGHT)
        assert int(slider.get_attribute("value")) == min(at + 1, 61)
        player.send_keys(Keys.HOME)
        assert label.text == "Epoch 0 (frame 1 of 62)"
        # the "needs JavaScript" line is gone once the player runs
        assert not driver.find_elements(By.CLASS_NAME, "needs-javascript")
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (r) { return r.name; })")
        assert not [r for r in resources if r.startswith("http")]
        ARTIFACTS.mkdir(exist_ok=True)
        driver.execute_script("document.getElementById('frame').scrollIntoView()")
        driver.save_screenshot(str(ARTIFACTS / "report-player.png"))
        driver.set_window_size(1200, driver.execute_script("return document.body.scrollHeight") + 100)
        driver.save_screenshot(str(ARTIFACTS / "report-full.png"))
        assert driver.get_log("browser") == []
    finally:
        driver.quit()
