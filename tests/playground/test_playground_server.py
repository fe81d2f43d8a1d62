"""The playground as a real server: the command starts on a free port and stops on
SIGINT; a non-loopback host is warned about; several clients at once get consistent
answers."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from descentlab import DescentlabError  # noqa: E402
from descentlab.cli import main  # noqa: E402
from descentlab.playground.runner import to_json, train_settings  # noqa: E402
from descentlab.playground.server import Background, bind, is_loopback  # noqa: E402
from descentlab.playground.settings import validate  # noqa: E402


def post(url, body):
    req = urllib.request.Request(url + "api/train", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read()


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "descentlab", "playground", "--no-browser", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # a background run inherits SIGINT ignored: restore a terminal's default
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.slow
def test_the_command_serves_on_a_free_port_and_stops_on_ctrl_c():
    proc = start("--port", "0")
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url and int(url.group(1)) > 0, line
        with urllib.request.urlopen(url.group(0) + "api/limits", timeout=30) as r:
            assert r.status == 200 and "limits" in json.loads(r.read())
        status, body = post(url.group(0), {"epochs": 5})
        assert status == 200 and len(json.loads(body)["loss"]) == 5
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode in (0, 130) and "Traceback" not in err, err
    assert "stopped" in out


@pytest.mark.slow
def test_a_host_beyond_loopback_is_warned_about():
    proc = start("--host", "0.0.0.0", "--port", "0")
    try:
        assert "http://0.0.0.0:" in proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert "warning: listening on 0.0.0.0: anyone" in err and "Traceback" not in err


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_a_taken_port_is_one_line_with_the_fix():
    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        with pytest.raises(DescentlabError, match=f"cannot listen on 127.0.0.1:{port}.*choose another --port"):
            bind("127.0.0.1", port).close()
    finally:
        sock.close()


def test_a_port_out_of_range_is_refused(capsys):
    assert main(["playground", "--no-browser", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "port 70000 is out of range" in err


@pytest.mark.slow
def test_eight_clients_at_once_get_consistent_answers():
    rates = [0.01 * (i + 1) for i in range(8)]
    results = {}

    def client(i):
        results[i] = [post(url, {"lr": rates[i], "epochs": 200}) for _ in range(3)]

    with Background() as url:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    # the same settings trained here, without the server or its cache
    expected = {i: to_json(train_settings(validate({"lr": rates[i], "epochs": 200}))) for i in range(8)}
    assert sorted(results) == list(range(8))
    for i, answers in results.items():
        assert all(status == 200 and body == expected[i] for status, body in answers)
        assert json.loads(expected[i])["loss"][-1] < json.loads(expected[0])["loss"][-1] or i == 0


@pytest.mark.slow
def test_worker_processes_answer_bit_for_bit_what_this_process_computes():
    """--workers 2 trains in a pool of processes: every answer (new, cached, asked twice at
    once, a bad one) is the same bytes as here, and Ctrl-C stops the server and its workers."""
    bodies = [{"lr": 0.01 * (i + 1), "epochs": 300, "penalty": ["none", "l2", "l1"][i % 3]} for i in range(6)]
    bodies += bodies[:2]  # the same settings again: cached or waiting on the same run
    results = {}
    proc = start("--port", "0", "--workers", "2")
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline()).group(0)

        def client(i):
            results[i] = post(url, bodies[i])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(bodies))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        req = urllib.request.Request(url + "api/train", data=b'{"penalty": "l1", "optimizer": "adam"}')
        with pytest.raises(urllib.error.HTTPError) as bad:
            urllib.request.urlopen(req, timeout=60)
        children = _children(proc.pid)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert len(children) >= 2 or not os.path.isdir("/proc")  # the workers
    assert bad.value.code == 422 and b"Adam takes no proximal step" in bad.value.read()
    for i, body in enumerate(bodies):
        assert results[i] == (200, to_json(train_settings(validate(body))))
    assert proc.returncode in (0, 130) and "Traceback" not in err, err


def _children(pid):
    from pathlib import Path

    return [p for p in Path("/proc").glob("[0-9]*")
            if (p / "stat").exists() and (p / "stat").read_text().split(") ")[-1].split()[1] == str(pid)]


@pytest.mark.slow
def test_a_class_prints_its_link_and_qr_code_and_admits_only_its_code():
    proc = start("--class", "--host", "127.0.0.1", "--port", "0")  # loopback in a test: no traffic out
    try:
        lines = []
        while not any("teacher's page" in line for line in lines):
            lines.append(proc.stdout.readline())
            assert lines[-1] or proc.poll() is None, proc.stderr.read()  # not ended before its link
        text = "".join(lines)
        link = re.search(r"students open (http://127\.0\.0\.1:\d+/)\?class=([\w-]+)", text)
        assert link, text
        url, code = link.groups()
        assert text.count("\n") > 10 and ("\u2588" in text or "\u2580" in text or "segno" in text)  # the QR code
        teacher = re.search(r"teacher=([\w-]+)", text).group(1)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "api/limits", timeout=30)
        assert refused.value.code == 403 and b"class code" in refused.value.read()
        req = urllib.request.Request(url + "api/train", data=b'{"epochs": 3}', headers={"X-Class-Code": code})
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status == 200 and len(json.loads(r.read())["loss"]) == 3
        req = urllib.request.Request(url + "api/class", headers={"X-Teacher-Code": teacher})
        with urllib.request.urlopen(req, timeout=30) as r:
            info = json.loads(r.read())
        assert info["teacher"] and info["url"] == f"{url}?class={code}" and info["students"] == 1
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode in (0, 130) and "Traceback" not in err, err


def test_the_local_address_is_found_without_traffic():
    from descentlab.playground.classroom import local_address

    address = local_address()  # a UDP connect only picks a route: no packet is sent
    assert address is None or (not address.startswith("127.") and address.count(".") == 3)
