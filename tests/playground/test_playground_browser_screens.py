"""The playground page on every screen and for everyone, in a real headless Chromium: a phone
(390 x 844, touch), a tablet, a laptop and a projector (1920 x 1080, larger text); keyboard
only; the rate slider's marks and legend; an axe-core accessibility check (skipped unless
``AXE_CORE_JS`` names axe.min.js, e.g. from ``npm install --prefix /tmp/axe axe-core``).
Screenshots go to test-artifacts/ (the docs' copies: docs/playground-<width>.png)."""

import math
import os
from pathlib import Path

import pytest
from test_playground_browser import Page, wait_for

from helpers import headless_chromium

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from descentlab.playground.server import Background  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENS = {390: 844, 768: 1024, 1400: 900, 1920: 1080}


@pytest.fixture(scope="module")
def page():
    driver = headless_chromium(1400, 900)
    try:
        with Background() as url:
            yield Page(driver, url)
    finally:
        driver.quit()


def screen(page, width, touch=False):
    """Show the page as on a screen ``width`` CSS pixels wide (a phone below 500: mobile, touch)."""
    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": SCREENS[width], "deviceScaleFactor": 1, "mobile": width < 500})
    page.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": touch, "maxTouchPoints": 5})


def rect(page, id_):
    return page.js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                   "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};", id_)


@pytest.mark.parametrize("width", sorted(SCREENS))
def test_no_sideways_scroll_and_readable_plots_at_every_width(page, width):
    screen(page, width, touch=width < 500)
    page.open()
    assert page.js("return document.documentElement.scrollWidth") <= page.js("return innerWidth") == width
    for id_ in ("fit", "loss", "surface"):
        r = rect(page, id_)
        assert r["width"] >= 300 and r["right"] <= width, (id_, r)
        # drawn at the size it is shown: 11 px text stays 11 px
        assert abs(page.js("return document.getElementById(arguments[0]).width", id_) - r["width"]) <= 2
    if width < 500:  # the settings fold into a drawer; the rate slider stays above the plots
        assert not page.js("return document.getElementById('drawer').open")
        assert rect(page, "lr")["bottom"] < rect(page, "fit")["top"] < SCREENS[width]
    if width == 1920:  # a projector: the line, the loss and the surface without scrolling
        for id_ in ("fit", "loss", "surface"):
            assert rect(page, id_)["bottom"] <= SCREENS[width], id_
    page.shot(str(width))
    assert page.errors() == []


def test_larger_text_on_a_projector_keeps_the_plots_in_view(page):
    screen(page, 1920)
    page.open("#text=large")
    assert page.js("return document.getElementById('big-text').checked && document.body.classList.contains('big')")
    assert page.js("return parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    for id_ in ("fit", "loss", "surface"):
        assert rect(page, id_)["bottom"] <= 1080, id_
    assert page.js("return document.documentElement.scrollWidth") <= 1920
    page.shot("1920-large")


def test_a_touch_drag_moves_the_line_on_a_phone(page):
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    screen(page, 390, touch=True)
    page.open("#epoch=0")
    before = page.state()
    canvas = page.driver.find_element("id", "fit")
    page.js("arguments[0].scrollIntoView({block: 'center'})", canvas)
    x, y = page.js(
        "const f = window.playground.fit, c = arguments[0], L = window.playground.line;"
        "const xa = f.inv(Plot.PAD.left, 0)[0], xb = f.inv(f.W - Plot.PAD.right, 0)[0], xc = (xa + xb) / 2;"
        "const k = c.getBoundingClientRect().width / c.width;"
        "return [Math.round(k * (f.sx(xc) - c.width / 2)), Math.round(k * (f.sy(L.m * xc + L.b) - c.height / 2))];", canvas)
    finger = ActionBuilder(page.driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
    finger.pointer_action.move_to(canvas, x, y).pointer_down()
    for _ in range(6):
        finger.pointer_action.move_by(0, -10)
    finger.pointer_action.pointer_up()
    page.after(finger.perform)
    assert wait_for(lambda: (page.state()["settings"]["b"] or 0) > before["line"]["b"] + 10)
    s = page.state()
    assert s["settings"]["m"] == pytest.approx(before["line"]["m"], rel=1e-4)
    assert page.js("return getComputedStyle(document.getElementById('fit')).touchAction") == "none"


def test_keyboard_only_reaches_and_moves_the_rate_with_a_visible_focus_ring(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    screen(page, 1400)
    page.open()
    for _ in range(30):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        if page.js("return document.activeElement.id") == "lr":
            break
    assert page.js("return document.activeElement.id") == "lr"
    assert page.js("return getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.after(lambda: ActionChains(page.driver).send_keys(Keys.ARROW_RIGHT * 20).perform())
    assert wait_for(lambda: page.state()["settings"]["lr"] == pytest.approx(10 ** (math.log10(0.05) + 0.02), rel=2e-3))
    lr = page.state()["settings"]["lr"]
    text = page.js("return document.getElementById('lr').getAttribute('aria-valuetext')")
    assert text.startswith(f"learning rate {lr}") and "too small" in text and "stable bound 1.89)" in text
    page.after(lambda: ActionChains(page.driver).send_keys(Keys.PAGE_UP * 10).perform())  # a decade up
    assert wait_for(lambda: page.state()["settings"]["lr"] == pytest.approx(10 * lr, rel=1e-2)), (lr, page.state()["settings"]["lr"])


def test_the_slider_marks_one_and_two_over_lambda_max_and_each_label_sits_under_its_band(page):
    screen(page, 1400)
    page.open()
    A = page.js("return window.playground.answer")
    lo, hi = page.js("const s = document.getElementById('lr'); return [+s.min, +s.max]")
    track = rect(page, "lr")
    at = lambda v: track["left"] + (math.log10(v) - lo) / (hi - lo) * track["width"]  # noqa: E731
    for id_, v in (("bound-mark", 2 / A["lam_max"]), ("half-mark", 1 / A["lam_max"])):
        r = rect(page, id_)
        assert abs((r["left"] + r["right"]) / 2 - at(v)) < 1.5, id_
    edges = {"r-small": (track["left"], at(0.05 * A["bound"])), "r-good": (at(0.05 * A["bound"]), at(0.8 * A["bound"])),
             "r-near": (at(0.8 * A["bound"]), at(A["bound"])), "r-beyond": (at(A["bound"]), track["right"])}
    bands = page.js("return [...document.querySelectorAll('#lr-legend .band')].map(b => { const r = b.getBoundingClientRect();"
                    "const t = document.createRange(); t.selectNodeContents(b); const q = t.getBoundingClientRect();"
                    "return [b.classList[1], r.left, r.right, (q.left + q.right) / 2, b.textContent]; })")
    assert [b[4] for b in bands] == ["too small", "good", "near the bound", "diverges"]
    for cls, left, right, centre, _ in bands:
        assert abs(left - edges[cls][0]) < 1.5 and abs(right - edges[cls][1]) < 1.5, cls
        assert abs(centre - (left + right) / 2) < 1.5, cls  # the label is centred under its band
    colours = page.js("return getComputedStyle(document.getElementById('lr')).backgroundImage")
    for okabe_ito in ("rgb(86, 180, 233)", "rgb(0, 158, 115)", "rgb(230, 159, 0)", "rgb(213, 94, 0)"):
        assert okabe_ito in colours


def test_at_the_bound_the_factor_is_one_and_the_page_says_why(page):
    screen(page, 1400)
    page.open()
    lam = page.js("return window.playground.answer.lam_max")
    page.open(f"#lr={2 / lam!r}&epochs=200")
    assert page.text("lam-max") == page.js("return Plot.fmt(arguments[0])", lam)
    assert page.text("factor-max") == "1"  # the server's factor |1 - lr lambda_max|
    assert "neither shrinks nor grows" in page.text("why-verdict")
    page.after(lambda: page.set_lr(1.0))
    assert "still shrinks" in page.text("why-verdict") and "overshoots" in page.text("why-verdict")


def test_the_plots_have_text_alternatives_and_the_status_is_announced(page):
    screen(page, 1400)
    page.open("#epochs=20")
    for id_ in ("fit", "loss", "surface"):
        assert page.js("return document.getElementById(arguments[0]).getAttribute('role')", id_) == "img"
    m = page.js("return Plot.fmt(window.playground.line.m)")
    assert f"y = {m} x" in page.js("return document.getElementById('fit').getAttribute('aria-label')")
    # issue 24: a 20-epoch run ends at epoch 20, the trained parameters' loss (final_loss)
    final = page.js("return Plot.fmt(window.playground.answer.final_loss)")
    assert f"{final} at epoch 20." in page.js("return document.getElementById('loss').getAttribute('aria-label')")
    assert page.js("return document.getElementById('status').getAttribute('aria-live')") == "polite"


def test_axe_finds_no_serious_accessibility_violations(page):
    path = os.environ.get("AXE_CORE_JS")
    if not path or not Path(path).is_file():
        pytest.skip("set AXE_CORE_JS to axe.min.js (npm install --prefix /tmp/axe axe-core) to run the axe check")
    source = Path(path).read_text()
    page.driver.set_script_timeout(30)
    for width, fragment in ((1400, "#penalty=l2&title=A%20lesson&prompt=Look&lock=lr"),
                            (390, "#data=scaled&optimizer=momentum&lr=0.015&epochs=300&compare=1")):
        screen(page, width, touch=width < 500)
        page.open(fragment)
        page.js(source)
        result = page.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => "
            "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))));")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert bad == [], (width, bad)


def test_momentum_shows_its_rate_map_and_both_paths(page):
    screen(page, 1400)
    page.open("#data=scaled&optimizer=momentum&momentum=0.9&lr=0.015&epochs=300&compare=1")
    assert wait_for(lambda: page.js("return !!window.playground.comparison"))
    M = page.js("return window.playground.answer.rate_map")
    assert page.driver.find_element("id", "momap").is_displayed()
    label = page.js("return document.getElementById('momap').getAttribute('aria-label')")
    assert f"lr {M['current']['lr']}, beta {M['current']['beta']}" in label and "best point" in label
    # plain GD's path, drawn over this run's: black dashes where it runs (the contours are blue)
    dark = page.js(
        "const F = window.playground.surface, C = window.playground.comparison, c = document.getElementById('surface');"
        "const ctx = c.getContext('2d'); let hits = 0;"
        "for (const k of [40, 80, 160, 240]) { const x = Math.round(F.sx(C.m[k])), y = Math.round(F.sy(C.b[k]));"
        "  const d = ctx.getImageData(x - 3, y - 3, 7, 7).data;"
        "  for (let i = 0; i < d.length; i += 4) if (d[i] < 60 && d[i + 1] < 60 && d[i + 2] < 60) { hits++; break; } }"
        "return hits;")
    assert dark >= 3
    assert "plain GD" in page.text("surface-title") and "Grey dashed: plain gradient descent" in page.text("explain")


def test_the_test_size_slider_splits_the_data_and_the_test_loss_is_drawn(page):
    screen(page, 1400)
    page.open()
    page.after(lambda: page.js("const e = document.getElementById('test_size'); e.value = 0.5; e.dispatchEvent(new Event('input'))"))
    A = page.js("return window.playground.answer")
    assert len(A["data"]["test"]["y"]) == 100 and len(A["data"]["train"]["y"]) == 100
    T = page.js("return window.playground.timeline")
    assert len(T["test"]) == len(T["loss"]) == 61 and "dotted orange test" in page.text("loss-title")
    assert "test_size=0.5" in page.driver.current_url
