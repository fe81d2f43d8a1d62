"""Shared test helpers: a finite-difference gradient oracle and a headless browser."""

import shutil

import numpy as np
import pytest


def numerical_grad(f, x, eps=1e-6):
    """Central differences of the scalar function ``f`` at array ``x`` (modified in place)."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def headless_chromium(width=1200, height=900):
    """A headless chromium driven by selenium (console logs kept), or skip when there is none."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                   if shutil.which(n)), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no chromium and chromedriver installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def playground_client():
    """A starlette TestClient on the playground app as served on 127.0.0.1:8000 (the Host
    its guard admits); skips the test module without starlette or httpx."""
    import warnings

    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():  # starlette asks for httpx2; httpx is what is installed
        warnings.filterwarnings("ignore", message="Using `httpx` with")
        from starlette.testclient import TestClient

    from descentlab.playground import create_app

    return TestClient(create_app(), base_url="http://127.0.0.1:8000", raise_server_exceptions=False)


def post_train(client, **settings):
    """``POST /api/train`` with ``settings``: the answer's JSON, failing the test on a non-2xx
    answer or on NaN / Infinity in the JSON (the API writes null)."""
    import json

    r = client.post("/api/train", json=settings)
    assert r.status_code == 200, r.text
    return json.loads(r.text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
