"""In a real JupyterLab driven by headless Chromium: a board draws in the cell that runs it,
the progress bar is a widget, the README's tour works pasted as one cell, the player keeps
its keys from JupyterLab, an untrusted player says how to trust it, result text wraps at
spaces. Skips without JupyterLab (``pip install ".[notebook]"``) or chromium."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]
pytest.importorskip("jupyterlab", reason="JupyterLab is not installed: pip install '.[notebook]'")
pytest.importorskip("ipywidgets", reason="ipywidgets is not installed: pip install '.[notebook]'")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import headless_chromium  # noqa: E402


def _cells():
    tour = re.search(r"## A short tour\n\n```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [
        "import descentlab as dl\nfrom descentlab.viz.board import LiveBoard, progress\n"
        "r = dl.run_tutorial(log=None)\nboard = LiveBoard(every=10)",
        "dl.train(dl.LinearModel(1, seed=7), r.X_train, r.y_train, epochs=30, callbacks=[board])",
        "dl.train(dl.LinearModel(1, seed=7), r.X_train, r.y_train, epochs=20, callbacks=[board])",
        "bar = progress(30)\ndl.train(dl.LinearModel(1, seed=7), r.X_train, r.y_train, epochs=30, callbacks=[bar])",
        tour.group(1),
        "from descentlab.viz.animation import TrainingAnimation\n"
        "TrainingAnimation(r.history, r.X_train, r.y_train, max_frames=20)",
        "r",
        "print('all done')",
    ]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    from nbformat.v4 import new_code_cell, new_notebook

    work = tmp_path_factory.mktemp("lab")
    nb = new_notebook(cells=[new_code_cell(c) for c in _cells()],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nbformat.write(nb, work / "check.ipynb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-m", "jupyter", "trust", "check.ipynb"], cwd=work, env=env, check=True,
                   capture_output=True)
    # an executed copy, never trusted: its player's JavaScript will not run
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--output", "untrusted.ipynb", "check.ipynb"], cwd=work, env=env, check=True,
                   capture_output=True, timeout=600)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser",
                               "--ip", "127.0.0.1", f"--port={port}", "--ServerApp.token=",
                               "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True"],
                              cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:  # JupyterLab answers once its server is up: seconds, or a minute on a busy machine
        if not _wait(lambda: _answers(f"http://127.0.0.1:{port}/api"), 180):
            raise RuntimeError("JupyterLab did not start within 180 s")
        driver = headless_chromium(1400, 2400)
    except BaseException:
        server.terminate()
        raise
    yield driver, f"http://127.0.0.1:{port}"
    driver.quit()
    server.terminate()
    server.wait(timeout=30)


def _answers(url):
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status == 200


def _wait(condition, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # the page is still building
            pass
        time.sleep(0.5)
    return None


def test_in_jupyterlab(lab):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, url = lab
    assert _wait(lambda: driver.get(f"{url}/lab/tree/check.ipynb") or True, 10)
    assert _wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell"), 120)
    time.sleep(2)
    _wait(lambda: driver.find_element(By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel') and text()='Run']")).click()
    _wait(lambda: driver.find_element(By.XPATH, "//div[contains(@class,'lm-Menu-itemLabel') and text()='Run All Cells']")).click()

    def cell(i):  # found afresh each time, brought into view (JupyterLab renders those near it)
        found = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")[i]
        driver.execute_script("arguments[0].scrollIntoView()", found)
        time.sleep(0.3)
        return driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")[i]

    assert _wait(lambda: "all done" in cell(7).find_element(By.CSS_SELECTOR, ".jp-OutputArea-output").text, 600)
    time.sleep(2)

    def count(i, css):
        return len(cell(i).find_elements(By.CSS_SELECTOR, css))

    # a board reused in a second cell draws there, not over the first cell's figure
    assert count(1, ".jp-OutputArea-output img") == 1 and count(2, ".jp-OutputArea-output img") == 1
    # the progress bar is a widget, not stderr text
    assert count(3, ".jupyter-widgets") >= 1 and count(3, "[data-mime-type='application/vnd.jupyter.stderr']") == 0
    # the README's tour pasted as one cell shows its player
    assert count(4, ".player") == 1
    # the player's keys move the player and not JupyterLab's cell selection
    player = cell(5).find_element(By.CSS_SELECTOR, ".player")
    label = player.find_element(By.CSS_SELECTOR, ".epoch-label")
    assert label.text == "Epoch 0 (frame 1 of 20)" and not player.find_elements(By.CSS_SELECTOR, ".needs-javascript")
    ActionChains(driver).move_to_element(player.find_element(By.CSS_SELECTOR, "img")).click().perform()
    active = "return [...document.querySelectorAll('.jp-Notebook .jp-Cell')].indexOf(document.querySelector('.jp-Cell.jp-mod-active'))"
    before = driver.execute_script(active)
    for key in (Keys.ARROW_RIGHT, Keys.ARROW_DOWN, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT):
        ActionChains(driver).send_keys(key).perform()
        time.sleep(0.3)
    assert label.text.endswith("(frame 3 of 20)") and driver.execute_script(active) == before
    ActionChains(driver).send_keys(Keys.END).perform()
    assert _wait(lambda: label.text == "Epoch 61 (frame 20 of 20)", 5)
    # result text wraps at spaces, never inside a word
    pre = cell(6).find_element(By.CSS_SELECTOR, ".descentlab-result pre")
    assert driver.execute_script("var s = getComputedStyle(arguments[0]); return [s.whiteSpace, s.wordBreak]",
                                 pre) == ["pre-wrap", "normal"]
    shots = ROOT / "test-artifacts"
    shots.mkdir(exist_ok=True)
    driver.save_screenshot(str(shots / "jupyterlab-player.png"))
    # an untrusted notebook: the player says how to trust it
    driver.switch_to.new_window("tab")
    driver.get(f"{url}/lab/tree/untrusted.ipynb")

    def says_how_to_trust():
        texts = [n.text for n in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook")]
        return any("This player needs JavaScript" in t and "Trust Notebook" in t for t in texts)

    assert _wait(says_how_to_trust, 120)
