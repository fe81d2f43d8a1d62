"""The playground page under a class, in a real headless Chromium against a real server:
requests while a slider moves, typed numbers, lesson links, refusals, taking the run home.
Skips when no browser is installed (one browser for the module)."""

import csv
import io
import re
import struct
import time

import pytest
from test_playground_browser import Page, wait_for

from helpers import headless_chromium

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from descentlab.playground.server import Background  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    driver = headless_chromium(1400, 900)
    downloads = tmp_path_factory.mktemp("downloads")
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        with Background() as url:
            p = Page(driver, url)
            p.downloads = downloads
            yield p
    finally:
        driver.quit()


def sent(page, key):
    """The values of ``key`` in every request the page sent to /api/train, in order."""
    return page.js("return window.playground.requests.filter(r => r.url === '/api/train')"
                   ".map(r => r.body[arguments[0]])", key)


def type_into(page, field, text, enter=False):
    from selenium.webdriver.common.keys import Keys

    e = page.driver.find_element("id", field)
    e.click()
    e.send_keys(Keys.CONTROL, "a")
    e.send_keys(Keys.DELETE)
    e.send_keys(text + (Keys.ENTER if enter else ""))
    return e


def test_a_slider_drag_sends_few_requests_each_with_the_client_id_and_the_latest_wins(page):
    page.open()
    page.js("const f = window.fetch; window.__headers = [];"
            "window.fetch = (u, o) => { window.__headers.push((o && o.headers) || {}); return f(u, o); }; window.__t1 = undefined;")
    n = len(sent(page, "lr"))
    rates = [round(0.1 + 0.02 * k, 2) for k in range(29)] + [0.5]  # 0.5: exact on the slider's log steps
    # 30 positions over 0.6 s, as a hand drags the slider
    page.js("const s = document.getElementById('lr'), r = arguments[0]; let i = 0; window.__t0 = performance.now();"
            "const t = setInterval(() => { s.value = Math.log10(r[i++]); s.dispatchEvent(new Event('input'));"
            " if (i === r.length) { clearInterval(t); window.__t1 = performance.now(); } }, 20);", rates)
    # the drag passes 0.5 on its way too (0.1 + 0.02 * 20): wait for its end before asking for the last
    assert wait_for(lambda: page.js("return window.__t1 !== undefined"))
    assert wait_for(lambda: page.state()["settings"]["lr"] == rates[-1]), (page.state()["settings"]["lr"], sent(page, "lr"), page.errors())
    assert wait_for(lambda: sent(page, "lr")[-1] == rates[-1])
    lrs = sent(page, "lr")[n:]
    took = page.js("return window.__t1 - window.__t0")  # ms, about 600 (more on a busy machine)
    assert 2 <= len(lrs) <= took / 120 + 2 and len(lrs) < 30, (lrs, took)  # at most one every 120 ms
    headers = page.js("return window.__headers")
    ids = {h.get("X-Client-Id") for h in headers}
    assert len(ids) == 1 and None not in ids and len(ids.pop()) >= 8
    time.sleep(0.4)
    assert page.state()["settings"]["lr"] == rates[-1] and page.errors() == []


def test_a_slow_answer_shows_training_then_clears(page):
    page.open()
    page.js("window.__busy = []; new MutationObserver(() => window.__busy.push(document.getElementById('busy').textContent))"
            ".observe(document.getElementById('busy'), {childList: true, characterData: true, subtree: true});")
    page.after(lambda: page.js("location.hash = '#model=network&hidden=32&epochs=3000'"))
    seen = page.js("return window.__busy")
    assert "training..." in seen
    assert any(re.fullmatch(r"training\.\.\. epoch \d+ of 3000", t) for t in seen), seen  # GET /api/progress
    assert page.text("busy") == "" and page.js("return document.getElementById('busy').getAttribute('aria-live')") == "polite"


def test_a_newer_setting_aborts_the_slow_request_before_it(page):
    page.open()
    page.js("const f = window.fetch; window.__signals = [];"
            "window.fetch = (u, o) => { if (o && o.signal) window.__signals.push(o.signal); return f(u, o); };")
    page.js("location.hash = '#model=network&hidden=32&epochs=3000'")  # seconds of training
    assert wait_for(lambda: page.js("return window.__signals.length") == 1)
    page.after(lambda: page.set_lr(0.3))
    assert page.js("return window.__signals.map(s => s.aborted)") == [True, False]
    s = page.state()
    assert s["settings"]["model"] == "network" and s["settings"]["lr"] == 0.3 and page.text("busy") == ""


@pytest.mark.parametrize("field, typed, value", [("m", "-50", -50), ("b", "0.5", 0.5), ("alpha", "1e2", 100.0),
                                                  ("alpha", "0,5", 0.5)])  # a phone's decimal comma
def test_a_typed_number_is_sent_as_typed_and_the_field_is_not_rewritten(page, field, typed, value):
    page.open("#penalty=l2")
    n = len(sent(page, field))
    page.after(lambda: type_into(page, field, typed))
    assert page.state()["settings"][field] == value
    assert sent(page, field)[n:] == [value]  # not -5, 0, 1 on the way
    assert page.js("return document.getElementById(arguments[0]).value", field) == typed
    if field != "alpha":
        assert page.js("return window.playground.timeline[arguments[0]][0]", field) == value


def test_out_of_range_or_unfinished_numbers_get_a_message_and_are_not_sent(page):
    page.open("#penalty=l2")
    before = page.answers()
    n = len(sent(page, "alpha"))
    type_into(page, "alpha", "5000")
    assert wait_for(lambda: "above its largest value 1000" in page.text("alpha-msg"))
    assert "keeps alpha = 1" in page.text("alpha-msg")
    type_into(page, "m", "-", enter=True)
    assert wait_for(lambda: "not a number" in page.text("m-msg"))
    type_into(page, "b", "abc")
    assert wait_for(lambda: '"abc" is not a number' in page.text("b-msg"))
    time.sleep(0.8)  # longer than the page waits on a typed number
    assert sent(page, "alpha")[n:] == [] and page.answers() == before
    assert page.js("return document.getElementById('b').getAttribute('aria-invalid')") == "true"
    # an answer arriving while a field has the focus leaves what is being typed alone
    type_into(page, "m", "-")
    page.after(lambda: page.set_lr(0.1))
    assert page.js("return document.getElementById('m').value") == "-"
    assert page.js("return document.activeElement.id") == "m"


def test_a_pasted_link_applies_and_back_and_forward_follow_it(page):
    page.open()
    page.after(lambda: page.js("location.hash = '#lr=1.5&epochs=40'"))
    s = page.state()
    assert s["settings"]["lr"] == 1.5 and len(s["loss"]) == 40 and page.text("lr-out") == "1.5"
    page.after(lambda: page.driver.back())
    assert page.state()["settings"]["lr"] == 0.05 and len(page.state()["loss"]) == 61
    page.after(lambda: page.driver.forward())
    assert page.state()["settings"]["lr"] == 1.5


def test_a_lesson_link_shows_its_title_and_prompt_and_locks_and_hides(page):
    page.open("#lr=1.8&title=Past%20the%20bound&prompt=Why%20does%20the%20loss%20grow%3F&lock=lr,optimizer&hide=penalty")
    assert page.text("lesson-title") == "Past the bound" and page.text("lesson-prompt") == "Why does the loss grow?"
    assert page.js("return document.getElementById('lr').disabled && document.getElementById('optimizer').disabled")
    assert not page.driver.find_element("id", "field-penalty").is_displayed()
    assert "(set by the lesson)" in page.js("return getComputedStyle(document.querySelector('#lr-box label'), '::after').content")
    assert page.js("return document.querySelector('#presets button').disabled")
    page.after(lambda: page.js("const e = document.getElementById('epochs'); e.value = 80; e.dispatchEvent(new Event('input'))"))
    url = page.driver.current_url
    assert "lock=lr,optimizer" in url and "title=Past" in url and "epochs=80" in url and "lr=1.8" in url
    page.driver.find_element("id", "copy-link").click()
    assert wait_for(lambda: page.js("return document.getElementById('share-url').value") == url)


def test_a_broken_value_shows_the_lesson_with_a_message_naming_it(page):
    page.open("#lr=abc&epochs=100&title=Rates&optimizer=sgd2")
    msg = page.text("message")
    assert "lr=abc is not a number" in msg and "optimizer=sgd2 is not one of" in msg
    s = page.state()
    assert s["settings"]["lr"] == 0.05 and len(s["loss"]) == 100 and page.text("lesson-title") == "Rates"
    assert page.errors() == []


def test_a_run_changed_mid_way_is_in_its_link_and_the_link_replays_it(page):
    page.open("#optimizer=momentum&epochs=200&epoch=50")
    assert page.text("link-note") == ""
    page.after(lambda: page.set_lr(0.2))
    js = "return document.getElementById(arguments[0]).value"
    page.js("const e = document.getElementById('scrubber'); e.value = 120; e.dispatchEvent(new Event('input'))")
    page.after(lambda: (page.js("const e = document.getElementById('optimizer'); e.value = 'gd';"
                                "e.dispatchEvent(new Event('input'))")))
    first = page.state()
    assert first["changes"] == [50, 120] and page.js(js, "optimizer") == "gd"
    assert "replays this run" in page.text("link-note") and "epoch 50, 120" in page.text("link-note")
    fragment = "#" + page.driver.current_url.split("#", 1)[1]
    assert "then=50:lr=0.2;120:optimizer=gd" in fragment and "optimizer=momentum" in fragment
    page.open(fragment.replace("epoch=120", "epoch=200"))  # a new tab: the same run, replayed
    again = page.state()
    assert again["changes"] == [50, 120] and again["settings"]["lr"] == 0.2 and again["settings"]["optimizer"] == "gd"
    assert again["loss"] == pytest.approx(first["loss"], rel=1e-12, abs=0)
    page.open("#epochs=100&then=30:epochs=5")  # not a change a run can continue with
    assert "then=30:epochs=5 is not a change the page can replay" in page.text("message")
    assert page.state()["changes"] == [] and len(page.state()["loss"]) == 100


def test_a_refused_run_greys_the_old_plots_under_a_plain_message(page):
    page.open()
    from selenium.webdriver.support.ui import Select

    page.after(lambda: Select(page.driver.find_element("id", "batch_size")).select_by_value("1"))
    page.after(lambda: page.js("const e = document.getElementById('epochs'); e.value = 3000; e.dispatchEvent(new Event('input'))"))
    assert page.js("return document.getElementById('views').classList.contains('stale')")
    assert page.text("message").startswith("These settings were not run.")
    assert page.js("return getComputedStyle(document.querySelector('#views figure')).opacity") == "0.3"
    page.after(lambda: Select(page.driver.find_element("id", "batch_size")).select_by_value(""))
    assert not page.js("return document.getElementById('views').classList.contains('stale')")
    assert page.text("message") == ""


def downloaded(page, name):
    path = page.downloads / name
    assert wait_for(lambda: path.exists() and path.stat().st_size > 0, 10)
    time.sleep(0.2)
    return path


def test_the_run_saves_as_csv_and_the_plots_as_png(page):
    page.open("#epochs=30")
    page.driver.find_element("id", "save-csv").click()
    rows = list(csv.DictReader(io.StringIO(downloaded(page, "descentlab-run.csv").read_text())))
    T = page.js("return window.playground.timeline")
    # epochs 0 to 30, the state after N updates: the last row is the trained line
    assert len(rows) == 31 and list(rows[0]) == ["epoch", "loss", "test_loss", "m", "b"]
    assert [int(r["epoch"]) for r in rows] == list(range(31))
    assert [float(r["loss"]) for r in rows] == T["loss"] + [T["final"]]
    assert [float(r["test_loss"]) for r in rows[:30]] == T["test"] and rows[30]["test_loss"] == ""  # not sent for E
    assert [float(r["m"]) for r in rows] == T["m"][:31] and [float(r["b"]) for r in rows] == T["b"][:31]
    page.driver.find_element("id", "save-png").click()
    png = downloaded(page, "descentlab-playground.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    widths = page.js("return ['fit', 'loss', 'surface'].map(id => document.getElementById(id).width)")
    assert width == sum(widths) + 40 and height > 200


def test_a_feature_in_thousands_moves_the_slider_down_to_its_bound_and_errors_name_the_file(page, tmp_path):
    page.open()
    big = tmp_path / "grams.csv"
    big.write_text("grams,price\n" + "".join(f"{x * 20},{0.3 * x * 20 + (x % 5)}\n" for x in range(51)))
    page.after(lambda: page.driver.find_element("id", "csv-file").send_keys(str(big)))
    page.after(lambda: page.driver.find_element("id", "csv-standardise").click())  # the raw units
    A = page.js("return window.playground.answer")
    assert A["bound"] < 1e-5  # below the slider's usual low end
    low = page.js("return +document.getElementById('lr').min")
    assert low <= page.js("return Math.log10(arguments[0])", A["lr_range"][0]) + 1e-9 and 10 ** low < A["bound"]
    assert page.text("bound-value") == A["bound_display"] and float(A["bound_display"]) <= A["bound"]
    page.set_lr(A["bound"] * 0.5)  # a rate the slider now reaches, which the API takes
    assert wait_for(lambda: page.js("return window.playground.answer.regime") == "good")
    bad = tmp_path / "marks.csv"
    bad.write_text("hours,score\n1,2\n2,lots\n")
    page.driver.find_element("id", "csv-file").send_keys(str(bad))
    assert wait_for(lambda: "'marks.csv'" in page.text("csv-status") and "marks.csv" in page.text("message"))


def test_a_class_page_shows_its_link_and_qr_and_the_teacher_sees_the_students(page):
    page.driver.get_log("browser")  # (the earlier tests' console lines)
    server = Background(classroom=True)
    with server as url:
        a = server.admission
        page.driver.get(f"{url}?class={a.class_code}#lr=0.3")  # a student: the code becomes a cookie
        assert wait_for(lambda: page.answers() >= 1) and page.state()["settings"]["lr"] == 0.3
        assert "class=" not in page.driver.current_url.split("#")[0]
        page.driver.get(f"{url}?class={a.class_code}&teacher={a.teacher_code}")
        assert wait_for(lambda: "student" in page.text("class-count"))
        assert page.text("class-count").startswith("1 student")
        assert page.driver.find_element("id", "class-box").is_displayed()
        page.shot("class-teacher")
        if a.class_url:  # the lesson's link for the class carries the class code
            assert page.text("class-link") == a.class_url
            page.after(lambda: page.js("location.hash = '#lr=0.2'"))
            page.driver.find_element("id", "copy-link").click()
            assert wait_for(lambda: page.js("return document.getElementById('share-url').value") == a.class_url + "#lr=0.2")
        assert page.errors() == []
