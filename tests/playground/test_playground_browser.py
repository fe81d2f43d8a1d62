"""The playground page in a real headless Chromium (Debian's chromium and chromium-driver,
through selenium), against a real uvicorn server. Skips when no browser is installed.
Screenshots go to test-artifacts/."""

import math
import time
from pathlib import Path

import pytest

from helpers import headless_chromium

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from descentlab.playground.server import Background  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def wait_for(condition, timeout=20.0):
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; return its last value."""
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.05)
    return condition()


def shown_bound(page, bound):
    """The bound as the answer says to show it: rounded down (issue 22), never above its value."""
    shown = page.js("return window.playground.answer.bound_display")
    assert float(shown) <= bound < float(shown) * 1.01
    return shown


def make_driver():
    return headless_chromium(1500, 1000)


@pytest.fixture(scope="module")
def page():
    driver = make_driver()
    try:
        with Background() as url:
            yield Page(driver, url)
    finally:
        driver.quit()


class Page:
    """The driver, the server's URL and the few things the tests ask of the page."""

    def __init__(self, driver, url):
        self.driver, self.url = driver, url

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def answers(self):
        return int(self.js("return +(document.body.dataset.answers || 0)"))

    def open(self, fragment=""):
        self.driver.get("about:blank")
        self.driver.get_log("browser")  # start each page with an empty console log
        self.driver.get(self.url + fragment)
        assert wait_for(lambda: self.answers() >= 1), "the page drew no answer"

    def after(self, action, count=1):
        """Do ``action`` and wait for ``count`` more answers to be drawn."""
        n = self.answers()
        action()
        assert wait_for(lambda: self.answers() >= n + count), "no answer after the action"

    def set_lr(self, lr):
        self.js("const s = document.getElementById('lr'); s.value = Math.log10(arguments[0]);"
                "s.dispatchEvent(new Event('input'));", lr)

    def state(self):
        return self.js("const p = window.playground; return {settings: p.settings, line: p.line, "
                       "loss: p.timeline.loss, cursor: p.cursor, changes: p.timeline.changes, "
                       "status: p.answer.status, bound: p.answer.bound};")

    def text(self, id_):
        return self.driver.find_element("id", id_).text

    def errors(self):
        return [e for e in self.driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]

    def shot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / f"playground-{name}.png"))


def test_the_page_loads_offline_with_no_console_errors(page):
    page.open()
    assert page.errors() == []
    s = page.state()
    assert s["settings"]["lr"] == 0.05 and len(s["loss"]) == 61 and s["status"] == "completed"
    assert page.text("bound-value") == shown_bound(page, s["bound"]) and page.text("regime") == "too small"
    assert "Caps: 3000 epochs" in page.text("caps")
    resources = page.js("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(r.startswith(page.url) for r in resources), resources
    page.shot("article")


def test_the_last_frame_is_epoch_61_the_trained_state(page, article_run):
    """Issue 24: the player ends at epoch 61 (after 61 updates) with the trained loss."""
    page.open()
    assert wait_for(lambda: page.js("return window.playground.cursor") == 61)
    shown = f"{float(f'{article_run.history.final_loss:.4g}'):g}"  # Plot.fmt: 4 significant digits
    status = page.text("status")
    assert "epoch 61 of 61 (after 61 updates)" in status and "start of epoch" not in status
    assert f"training loss at epoch 61: {shown}" in status and page.text("loss-now") == shown, status
    assert "approach it monotonically" in page.text("steps")


def test_moving_the_rate_slider_changes_the_line_and_the_loss(page):
    page.open()
    before = page.state()
    page.after(lambda: page.set_lr(0.5))
    after = page.state()
    assert after["settings"]["lr"] == 0.5 and page.text("lr-out") == "0.5"
    assert after["line"]["m"] != before["line"]["m"] and after["loss"][-1] < before["loss"][-1]
    assert page.text("regime") == "good" and "lr=0.5" in page.driver.current_url
    assert page.errors() == []
    page.shot("rate-0.5")


def test_only_the_latest_answer_is_drawn_while_the_slider_moves(page):
    import json
    import urllib.request

    page.open()
    rates = [0.1 + 0.05 * k for k in range(12)]
    page.js("const s = document.getElementById('lr');"
            "for (const lr of arguments[0]) { s.value = Math.log10(lr); s.dispatchEvent(new Event('input')); }", rates)
    assert wait_for(lambda: page.state()["settings"]["lr"] == rates[-1])
    req = urllib.request.Request(page.url + "api/train", data=json.dumps({"lr": rates[-1]}).encode())
    with urllib.request.urlopen(req, timeout=60) as r:
        expected = json.loads(r.read())["loss"]
    assert wait_for(lambda: page.state()["loss"] == expected)
    time.sleep(0.5)  # an older answer arriving late must not replace it
    assert page.state()["loss"] == expected and page.errors() == []


def test_a_rate_above_the_bound_shows_divergence(page):
    page.open()
    bound = page.state()["bound"]
    page.after(lambda: page.set_lr(1.2 * bound))
    s = page.state()
    assert s["status"] == "diverged" and len(s["loss"]) < 61
    assert "training diverged at epoch" in page.text("message").lower() and page.text("regime") == "beyond the bound"
    page.shot("diverged")


def test_an_l2_penalty_pulls_the_line_and_lowers_the_bound(page):
    page.open("#lr=0.15&epochs=300")
    before = page.state()
    assert page.js("return document.getElementById('field-alpha').classList.contains('hidden')")

    def choose(id_, value):
        page.js("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                "e.dispatchEvent(new Event('input'));", id_, value)

    page.after(lambda: choose("penalty", "l2"))
    assert not page.js("return document.getElementById('field-alpha').classList.contains('hidden')")
    page.after(lambda: choose("alpha", "10"))
    after = page.state()
    assert after["settings"]["penalty"] == "l2" and after["settings"]["alpha"] == 10
    lam = 2.0 / before["bound"]
    assert after["bound"] == pytest.approx(2.0 / (lam + 10.0), rel=1e-9)
    assert page.text("bound-value") == shown_bound(page, after["bound"]) and "penalty" in page.text("bound-line")
    star = page.js("return window.playground.answer.surface.least_squares")
    assert star["penalized"] and abs(after["line"]["m"] - star["m"]) < 1e-3 * abs(before["line"]["m"])
    assert abs(after["line"]["m"]) < 0.5 * abs(before["line"]["m"])  # pulled towards a flat line
    assert "penalty=l2" in page.driver.current_url and "alpha=10" in page.driver.current_url
    assert "penalty on m" in page.text("explain") and page.errors() == []
    page.shot("ridge-l2")
    page.open("#lr=0.15&epochs=300&penalty=l2&alpha=10")  # the URL brings it back
    assert page.state()["bound"] == pytest.approx(after["bound"], rel=1e-12)


def test_a_url_with_settings_restores_them(page):
    page.open("#lr=0.3&optimizer=momentum&momentum=0.5&epochs=100&seed=3&epoch=40&log=0")
    s = page.state()
    assert s["settings"]["optimizer"] == "momentum" and s["settings"]["momentum"] == 0.5
    assert s["settings"]["lr"] == 0.3 and s["settings"]["seed"] == 3 and len(s["loss"]) == 100
    assert s["cursor"] == 40 and page.text("epoch-label") == "epoch 40 of 100"
    assert page.js("return document.getElementById('optimizer').value") == "momentum"
    assert page.js("return document.getElementById('log-scale').checked") is False
    page.shot("from-url")


def test_an_uploaded_csv_trains_and_its_errors_show(page, tmp_path):
    page.open()
    good = tmp_path / "study.csv"
    good.write_text("hours,score\n" + "".join(f"{x / 10},{2 * x / 10 + 1 + (x % 3 - 1) * 0.1}\n" for x in range(50)))
    page.after(lambda: page.driver.find_element("id", "csv-file").send_keys(str(good)))
    s = page.state()
    assert s["settings"]["data"] == "csv" and s["settings"]["feature"] == "hours"
    assert "study.csv: 50 rows" in page.text("csv-status")
    assert s["settings"]["standardize"] is True  # by default, with the reason beside the switch
    assert page.driver.find_element("id", "standardise-why").text.startswith("Why: standardise")
    sc, L = page.js("return window.playground.answer.data.scaling"), s["line"]
    assert f"= {page.js('return Plot.fmt(arguments[0])', L['m'] / sc['scale'])} hours" in page.text("raw-line")
    page.after(lambda: page.driver.find_element("id", "csv-standardise").click())
    assert page.state()["settings"]["standardize"] is False and "standardize=false" in page.driver.current_url
    ls = page.js("return window.playground.answer.surface.least_squares")
    assert math.isclose(ls["m"], 2.0, rel_tol=0.05) and page.js("return window.playground.answer.data.train.y.length") == 40
    page.shot("csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("hours,score\n1,2\n2,lots\n")  # (the browser logs the 422 answer as an error)
    page.driver.find_element("id", "csv-file").send_keys(str(bad))
    assert wait_for(lambda: "non-numeric value 'lots' at line 3" in page.text("csv-status"))
    assert "non-numeric value 'lots'" in page.text("message")
    # a text column is refused, but the other columns can still be picked
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("name,hours,score\n" + "".join(f"p{x},{x},{3 * x + (x % 2)}\n" for x in range(20)))
    page.driver.find_element("id", "csv-file").send_keys(str(mixed))
    assert wait_for(lambda: "non-numeric value 'p0'" in page.text("csv-status"))
    from selenium.webdriver.support.ui import Select

    page.after(lambda: Select(page.driver.find_element("id", "csv-feature")).select_by_value("hours"))
    s = page.state()
    assert s["settings"]["feature"] == "hours" and s["settings"]["target"] == "score" and s["status"] in ("completed", "diverged")


def test_play_then_a_rate_change_continues_without_a_reset(page):
    page.open("#epochs=3000&lr=0.002")
    first = page.state()["loss"]
    page.driver.find_element("id", "play").click()
    assert wait_for(lambda: page.state()["cursor"] > 200)
    page.after(lambda: page.set_lr(0.02))
    s = page.state()
    k = s["changes"][0]
    assert s["changes"] == [k] and 200 < k < 3000 and s["cursor"] >= k
    assert s["loss"][:k] == first[:k] and len(s["loss"]) == 3000
    assert s["loss"][k] == pytest.approx(first[k], rel=1e-9)  # the same point, the new rate not yet applied
    assert s["loss"][-1] < first[-1]
    page.shot("continued")
    page.driver.find_element("id", "play").click()


def test_momentum_keeps_its_velocity_when_the_rate_changes_mid_run(page):
    page.open("#optimizer=momentum&lr=0.05&epochs=200&epoch=50")
    first = page.state()["loss"]
    page.after(lambda: page.set_lr(0.05))  # the same rate again: the run must not change
    s = page.state()
    assert s["changes"] == [50]
    assert s["loss"] == pytest.approx(first, rel=1e-9)


def test_clicking_the_surface_sets_the_start(page):
    page.open()
    canvas = page.driver.find_element("id", "surface")
    from selenium.webdriver.common.action_chains import ActionChains

    page.after(lambda: ActionChains(page.driver).move_to_element_with_offset(canvas, -100, 60).click().perform())
    s = page.state()
    m0 = page.js("return window.playground.timeline.m[0]")
    assert s["settings"]["m"] == pytest.approx(m0) and m0 < s["line"]["m"]
    assert page.errors() == []


def test_dragging_the_middle_of_the_line_moves_its_start(page):
    from selenium.webdriver.common.action_chains import ActionChains

    page.open()
    page.after(lambda: page.driver.find_element("id", "reset").click())
    before = page.state()
    assert before["cursor"] == 0
    canvas = page.driver.find_element("id", "fit")
    # the pixel of the line in the middle of the plot (offsets are from the canvas's centre)
    x_px, y_px = page.js(
        "const f = window.playground.fit, c = arguments[0], L = window.playground.line;"
        "const xa = f.inv(Plot.PAD.left, 0)[0], xb = f.inv(f.W - Plot.PAD.right, 0)[0], xc = (xa + xb) / 2;"
        "const k = c.getBoundingClientRect().width / c.width;"
        "return [Math.round(k * (f.sx(xc) - c.width / 2)), Math.round(k * (f.sy(L.m * xc + L.b) - c.height / 2))];", canvas)
    page.after(lambda: ActionChains(page.driver).move_to_element_with_offset(canvas, x_px, y_px)
               .click_and_hold().move_by_offset(0, -60).release().perform())
    s = page.state()
    assert s["settings"]["b"] is not None and s["settings"]["b"] > before["line"]["b"] + 10
    assert s["settings"]["m"] == pytest.approx(before["line"]["m"], rel=1e-4)
    assert s["line"]["b"] == pytest.approx(s["settings"]["b"]) and s["cursor"] == 0


def test_step_and_reset(page):
    page.open("#epochs=100&epoch=10")
    page.driver.find_element("id", "step").click()
    assert page.state()["cursor"] == 11 and "epoch=11" in page.driver.current_url
    page.after(lambda: page.driver.find_element("id", "reset").click())
    assert page.state()["cursor"] == 0 and page.text("epoch-label") == "epoch 0 of 100"


@pytest.mark.parametrize("preset, check", [
    ("below", lambda s, a: a["regime"] == "near the bound" and a["status"] == "completed"),
    ("above", lambda s, a: a["status"] == "diverged"),
    ("momentum", lambda s, a: s["optimizer"] == "momentum" and s["data"] == "scaled"),
    ("collapse", lambda s, a: s["activation"] == "identity" and "m" in a["frames"]),
    ("nonlinear", lambda s, a: s["data"] == "sine" and a["bound"] is None),
    ("logistic", lambda s, a: a["model"] == "logistic"),
    ("ridge", lambda s, a: s["penalty"] == "l2" and a["surface"]["least_squares"]["penalized"]),
])
def test_each_preset_draws_without_errors(page, preset, check):
    page.open()
    count = 2 if preset in ("below", "above") else 1
    page.after(lambda: page.driver.find_element("css selector", f'button[data-preset="{preset}"]').click(), count)
    assert check(page.js("return window.playground.settings"), page.js("return window.playground.answer"))
    assert page.errors() == []
    if preset == "momentum":
        assert wait_for(lambda: "Grey dashed: plain gradient descent" in page.text("explain"))
    page.shot(f"preset-{preset}")
