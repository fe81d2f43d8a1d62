"""The playground in a notebook: one call serves it in the background and shows it inline."""

import json
import urllib.request

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from descentlab.playground import show  # noqa: E402
from descentlab.playground.notebook import stop  # noqa: E402


@pytest.fixture
def shown():
    view = show({"lr": 1.8, "epochs": 100}, height=700)
    yield view
    stop()


@pytest.mark.slow
def test_show_serves_the_page_and_embeds_it_with_its_settings(shown):
    base, _, hash_ = shown.url.partition("#")
    assert base.startswith("http://127.0.0.1:") and hash_ == "lr=1.8&epochs=100"
    html = shown._repr_html_()
    assert f'<iframe src="{shown.url.replace("&", "&amp;")}"' in html and 'height="700"' in html
    page = urllib.request.urlopen(base, timeout=10).read().decode()
    assert "descentlab playground" in page
    body = json.dumps({"lr": 0.05, "epochs": 5}).encode()
    request = urllib.request.Request(base + "api/train", data=body,
                                     headers={"Content-Type": "application/json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert len(answer["loss"]) == 5


@pytest.mark.slow
def test_a_second_call_reuses_the_running_server(shown):
    again = show()
    assert again.url.partition("#")[0] == shown.url.partition("#")[0]
