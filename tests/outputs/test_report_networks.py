"""The report with the network studies: their sections, tables and the logistic player.

Small runs keep it quick; the page is also opened in headless chromium (skipped when
there is none), where both players must work.
"""

import json
import re

import numpy as np
import pytest

from descentlab.cli import main
from descentlab.lessons.collapse import CollapseConfig, run_collapse
from descentlab.lessons.logistic import LogisticConfig, run_logistic
from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear
from descentlab.lessons.lr_study import tutorial_study
from descentlab.outputs.report import write_report
from test_report import ARTIFACTS, browser, wait_for

FRAMES = 12
pytestmark = pytest.mark.slow  # every test draws a report with the studies (seconds)


@pytest.fixture(scope="module")
def studies():
    return (run_collapse(CollapseConfig(epochs=150)),
            run_nonlinear(NonlinearConfig(epochs=300, widths=(2, 8), lr=0.2)),
            run_logistic(LogisticConfig(epochs=30, lr=2.0)))


@pytest.fixture(scope="module")
def report(article_run, studies, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(article_run, path, study=tutorial_study(article_run, [0.5]), networks=studies,
                 max_frames=FRAMES)
    return path, path.read_text()


def _json(page, ident):
    return json.loads(re.search(rf'id="{ident}"[^>]*>(.*?)</script>', page).group(1))


def test_sections_follow_the_tutorial_and_stay_self_contained(report):
    _, page = report
    titles = re.findall(r"<h2>(.*?)</h2>", page)
    assert titles[6:] == ["7. Two linear layers are one line",
                          "8. Why hidden layers need nonlinear activations",
                          "9. Logistic regression: the decision boundary over training"]
    alts = re.findall(r'<img [^>]*alt="([^"]+)"', page)
    assert alts[-4:] == ["linear collapse", "nonlinear fits", "logistic animation frame",
                         "logistic snapshots"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert all(s.startswith("data:image/png;base64,") for s in re.findall(r'<img [^>]*src="([^"]+)"', page))


def test_tables_carry_each_studys_key_numbers(report, studies):
    _, page = report
    collapse, nonlinear, logistic = studies
    table = re.search(r'<table id="collapse">.*?</table>', page).group(0)
    assert f"y = {collapse.m:.6f} x + {collapse.intercept:.6f}" in table
    assert f"y = {collapse.ls_m:.6f} x + {collapse.ls_intercept:.6f}" in table
    assert f"below {collapse.stable_lr:.4g}" in table and "W = W1 W2" in table
    rows = re.findall(r"<tr><td>(.*?)</td><td>.*?</td><td>(.*?)</td><td>(.*?)</td></tr>",
                      re.search(r'<table id="nonlinear">.*?</table>', page).group(0))
    assert [label for label, _, _ in rows] == [f.label for f in nonlinear.fits]
    assert [float(v) for _, final, ratio in rows for v in (final, ratio)] == pytest.approx(
        [v for f in nonlinear.fits for v in (f.loss, f.loss / nonlinear.ls_loss)], rel=1e-4, abs=5e-5)
    table = re.search(r'<table id="logistic">.*?</table>', page).group(0)
    assert f"{float(logistic.model.params['b']):.6f}" in table and f"{logistic.reference_b:.6f}" in table
    assert f"{100 * logistic.test_accuracy:.1f}%" in table


def test_logistic_frames_are_capped_and_both_players_have_their_own_parts(report):
    _, page = report
    frames, epochs = _json(page, "logistic-frames-data"), _json(page, "logistic-frames-epochs")
    assert len(frames) == FRAMES and epochs[0] == 0 and epochs[-1] == 30  # epoch 30: trained
    assert np.all(np.diff(epochs) > 0) and all(f.startswith("iVBORw0KGgo") for f in frames)
    assert f'id="logistic-epoch-slider" type="range" min="0" max="{FRAMES - 1}"' in page
    assert len(_json(page, "frames-data")) == FRAMES  # the tutorial's, capped the same
    for part in ("frame", "play", "epoch-slider", "epoch-label", "frames-data"):
        assert page.count(f'id="{part}"') == 1 and page.count(f'id="logistic-{part}"') == 1


@pytest.mark.browser
def test_both_players_work_in_a_headless_browser(report):
    from selenium.webdriver.common.by import By

    path, _ = report
    driver = browser()
    try:
        driver.get(path.as_uri())
        assert [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-players-ready") == "2"
        for name in ("training", "logistic"):
            assert driver.find_element(By.ID, f"player-{name}").get_attribute("data-ready") == str(FRAMES)
        images = driver.find_elements(By.TAG_NAME, "img")
        assert len(images) == 10 and all(driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", i) for i in images)
        slider = driver.find_element(By.ID, "logistic-epoch-slider")
        label = driver.find_element(By.ID, "logistic-epoch-label")
        frame = driver.find_element(By.ID, "logistic-frame")
        first = frame.get_attribute("src")
        assert label.text == f"Epoch 0 (frame 1 of {FRAMES})"
        driver.execute_script("arguments[0].value = 5; arguments[0].dispatchEvent(new Event('input'));",
                              slider)
        assert label.text.endswith(f"(frame 6 of {FRAMES})") and frame.get_attribute("src") != first
        assert driver.find_element(By.ID, "epoch-label").text == f"Epoch 0 (frame 1 of {FRAMES})"
        driver.find_element(By.ID, "logistic-play").click()
        assert wait_for(lambda: int(slider.get_attribute("value")) > 5)
        driver.find_element(By.ID, "logistic-play").click()
        ARTIFACTS.mkdir(exist_ok=True)
        driver.execute_script("document.getElementById('player-logistic').scrollIntoView()")
        driver.save_screenshot(str(ARTIFACTS / "report-logistic-player.png"))
        assert driver.get_log("browser") == []
    finally:
        driver.quit()


def test_report_command_with_a_study(tmp_path, capsys):
    path = tmp_path / "report.html"
    assert main(["report", "--epochs", "5", "--rates", "0.5", "--with", "logistic",
                 "--max-frames", "4", "--out", str(tmp_path)]) == 0
    assert "with logistic" in capsys.readouterr().out
    page = path.read_text()
    assert "9. Logistic" not in page and "7. Logistic regression" in page
    assert len(_json(page, "logistic-frames-data")) == 4
