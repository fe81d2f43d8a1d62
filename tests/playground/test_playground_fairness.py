"""The playground under a class, against a real uvicorn on 127.0.0.1: a request whose
client left is not trained (or stops), a newer request of a client replaces its older
one, a heavy request does not hold up a light one, and Ctrl-C stops a server that is
training."""

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

pytest.importorskip("uvicorn")

from descentlab.playground.server import Background  # noqa: E402

#: About 60,000 network updates: seconds of training, far longer than any wait below.
HEAVY = {"data": "sine", "noise": 0.1, "model": "network", "samples": 1000, "batch_size": 16,
         "epochs": 1200, "lr": 0.01}


def stats(url):
    with urllib.request.urlopen(url + "api/stats", timeout=30) as r:
        return json.loads(r.read())


def post(url, body, client_id=None, timeout=60):
    host, port = re.search(r"//([\d.]+):(\d+)", url).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if client_id:
        headers["X-Client-Id"] = client_id
    conn.request("POST", "/api/train", body=json.dumps(body), headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def send_and_abort(url, body, after):
    """Send ``body`` and close the connection ``after`` seconds later, unanswered."""
    host, port = re.search(r"//([\d.]+):(\d+)", url).groups()
    data = json.dumps(body).encode()
    sock = socket.create_connection((host, int(port)))
    sock.sendall(b"POST /api/train HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (host.encode(), port.encode(), len(data), data))
    time.sleep(after)
    sock.close()


def wait_for(predicate, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_a_request_whose_client_left_is_dropped_or_stopped():
    with Background() as url:
        post(url, {"epochs": 2})  # warm
        send_and_abort(url, dict(HEAVY, seed=1), after=0.05)  # left while queued (the grace)
        assert wait_for(lambda: stats(url)["dropped"] == 1)
        send_and_abort(url, dict(HEAVY, seed=2), after=0.6)  # left while training
        assert wait_for(lambda: stats(url)["stopped"] == 1 and stats(url)["training"] == 0)
        s = stats(url)
        assert s["left"] == 2 and s["answered"] == 1 and 0 < s["cpu_abandoned"]


@pytest.mark.slow
def test_a_newer_request_of_a_client_replaces_the_older():
    results = {}
    with Background() as url:
        older = threading.Thread(target=lambda: results.update(older=post(url, dict(HEAVY, seed=3), "tab-1")))
        older.start()
        assert wait_for(lambda: stats(url)["queued"] + stats(url)["training"] == 1)
        results["newer"] = post(url, {"epochs": 5}, "tab-1")
        older.join(30)
        assert wait_for(lambda: stats(url)["training"] == 0)
        other = post(url, {"epochs": 6}, "tab-2")  # another tab is not replaced by tab-1
    status, body = results["older"]
    assert status == 409 and json.loads(body)["replaced"] is True
    assert results["newer"][0] == 200 and len(json.loads(results["newer"][1])["loss"]) == 5
    assert other[0] == 200


def progress(url, client_id):
    req = urllib.request.Request(url + "api/progress", headers={"X-Client-Id": client_id})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


@pytest.mark.slow
def test_a_page_can_ask_how_far_its_request_is():
    with Background() as url:
        assert progress(url, "tab-p") == {"state": "idle"}
        older = threading.Thread(target=lambda: post(url, dict(HEAVY, seed=7), "tab-p"))
        older.start()
        assert wait_for(lambda: progress(url, "tab-p")["state"] == "training")
        assert wait_for(lambda: progress(url, "tab-p").get("epoch", 0) > 0)
        p = progress(url, "tab-p")
        assert p["epochs"] == HEAVY["epochs"] and 0 < p["epoch"] < HEAVY["epochs"]
        post(url, {"epochs": 2}, "tab-p")  # replaces it
        older.join(30)
        assert progress(url, "tab-p") == {"state": "idle"}


@pytest.mark.slow
def test_a_newer_request_stops_the_older_ones_training():
    results = {}
    with Background() as url:
        older = threading.Thread(target=lambda: results.update(older=post(url, dict(HEAVY, seed=6), "tab-1")))
        older.start()
        assert wait_for(lambda: stats(url)["training"] == 1)
        results["newer"] = post(url, {"epochs": 4}, "tab-1")
        older.join(30)
        assert wait_for(lambda: stats(url)["stopped"] == 1 and stats(url)["training"] == 0)
    assert results["older"][0] == 409 and results["newer"][0] == 200


@pytest.mark.slow
def test_a_heavy_request_does_not_hold_up_a_light_one():
    done = []
    with Background() as url:
        post(url, {"epochs": 2})
        heavy = threading.Thread(target=lambda: done.append(("heavy", post(url, dict(HEAVY, seed=4, epochs=400), "a")[0])))
        heavy.start()
        assert wait_for(lambda: stats(url)["training"] == 1)
        for i in range(3):  # the light lane answers while the heavy one trains
            status, _ = post(url, {"lr": 0.01 * (i + 1)}, "b")
            done.append(("light", status))
        assert stats(url)["training"] == 1  # the heavy run still going
        heavy.join(120)
    assert done[:3] == [("light", 200)] * 3 and done[3] == ("heavy", 200)


@pytest.mark.slow
def test_ctrl_c_stops_a_server_in_the_middle_of_training():
    proc = subprocess.Popen([sys.executable, "-m", "descentlab", "playground", "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline()).group(0)
        post(url, {"epochs": 2})
        answers = []
        client = threading.Thread(target=lambda: answers.append(post(url, dict(HEAVY, seed=5))))
        client.start()
        assert wait_for(lambda: stats(url)["training"] == 1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=4)  # the run alone takes longer
        client.join(10)
    finally:
        proc.kill()
    assert "stopped" in out and "Traceback" not in err, err
    assert answers and answers[0][0] == 503 and b"stopping" in answers[0][1]
