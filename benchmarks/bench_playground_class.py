"""A class against the playground (``bench_playground.py --class``): 30 simulated students
on 127.0.0.1, against a real server (``descentlab playground --workers N``, its own process).

* 5 drag a slider over a heavy setting (a tanh network on 1,000 samples in batches of 16,
  the epochs slider moving): a new request every 100 ms, aborting the one before
  (closing its connection, as a browser's ``AbortController`` does); the issue's case
  (they never let go), and again with each letting go every 2 s and waiting for that
  answer (so heavy runs do train beside the light ones);
* 25 ask the article's run (61 epochs) with a new learning rate every 2 s, each on its
  own kept-alive connection, and wait for the answer.

Prints p50/p95/max of the 25's answers, the reference (the same answer computed in this
process, warm), how the server spent its CPU (answered, abandoned: trained for a client
who had left, and the rest: the event loop, the pool) and what happened to the heavy
requests (dropped before they trained, stopped in the middle, replaced); then how long
Ctrl-C takes to stop the server while it trains.
"""

import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import time

HEAVY = {"data": "sine", "noise": 0.1, "model": "network", "samples": 1000, "batch_size": 16, "lr": 0.01}
DRAGGERS, ASKERS = 5, 25


async def request(reader, writer, host, port, body, client_id, path="/api/train"):
    """One request on an open connection: (status, body bytes)."""
    data = json.dumps(body).encode() if body is not None else b""
    method = "POST" if body is not None else "GET"
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-Client-Id: {client_id}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def dragger(i, host, port, end, counts, let_go):
    """A new heavy request every 100 ms (the epochs slider moving), aborting the previous;
    with ``let_go`` (seconds), the student lets go of the slider that often and waits for
    the answer."""
    k, last_let_go = 0, time.monotonic()
    while time.monotonic() < end:
        reader, writer = await asyncio.open_connection(host, port)
        body = dict(HEAVY, epochs=200 + (37 * k + 101 * i) % 1000, seed=i)
        k += 1
        wait = 0.1
        if let_go and time.monotonic() - last_let_go >= let_go:
            wait, last_let_go = 60.0, time.monotonic()
        try:
            await asyncio.wait_for(request(reader, writer, host, port, body, f"drag-{i}"), wait)
            counts["heavy answered"] += 1
        except TimeoutError:
            counts["heavy aborted"] += 1
        writer.close()


async def asker(i, host, port, end, latencies, errors, rng):
    """The article's run with a new rate every 2 s, on one kept-alive connection."""
    await asyncio.sleep(rng.uniform(0, 2))
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    while time.monotonic() < end:
        tick = time.monotonic()
        body = {"lr": round(0.01 + 0.08 * rng.random(), 6) + 1e-9 * (i * 1000 + n)}
        n += 1
        start = time.perf_counter()
        status, _ = await request(reader, writer, host, port, body, f"ask-{i}")
        latencies.append(time.perf_counter() - start)
        if status != 200:
            errors.append(status)
        await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - tick)))
    writer.close()


async def get_json(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    _, body = await request(reader, writer, host, port, None, "bench", path)
    writer.close()
    return json.loads(body)


async def the_class(host, port, seconds, let_go, seed=0):
    rng = random.Random(seed)
    end = time.monotonic() + seconds
    latencies, errors = [], []
    counts = {"heavy answered": 0, "heavy aborted": 0}
    tasks = [dragger(i, host, port, end, counts, let_go) for i in range(DRAGGERS)]
    tasks += [asker(i, host, port, end, latencies, errors, rng) for i in range(ASKERS)]
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.5)  # the last stopped runs report their CPU
    return latencies, errors, counts, await get_json(host, port, "/api/stats")


def tree_cpu(pid):
    """CPU seconds of ``pid`` and its children (the training processes), from /proc."""
    from bench_playground import children, cpu_seconds

    return cpu_seconds(pid) + sum(cpu_seconds(c) for c in children(pid))


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


EXIT_ONLY = """
import sys
from descentlab.playground.runner import answer
from descentlab.playground.app import create_app
import uvicorn
answer({})
print("ready", flush=True)
sys.stdin.readline()
"""


def exit_seconds():
    """Seconds a Python process with the server's imports takes to exit: the floor under
    any server's stop, on this machine now (the interpreter's own teardown)."""
    import sys

    proc = subprocess.Popen([sys.executable, "-c", EXIT_ONLY], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    proc.stdout.readline()
    start = time.perf_counter()
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(30)
    return time.perf_counter() - start


def ctrl_c_seconds(start_server, workers):
    """(seconds from SIGINT until the server refuses connections, until its process exited),
    while it trains a heavy request."""
    import socket

    proc, host, port = start_server(workers)
    try:
        async def heavy():
            reader, writer = await asyncio.open_connection(host, port)
            try:
                await asyncio.wait_for(request(reader, writer, host, port, dict(HEAVY, epochs=1200), "c"), 1.0)
            except TimeoutError:
                pass
            return writer
        time.sleep(1.0)
        loop = asyncio.new_event_loop()
        writer = loop.run_until_complete(heavy())  # still connected: the run is training
        start = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        refused = None
        while proc.poll() is None:
            if refused is None:
                try:
                    socket.create_connection((host, port), timeout=0.05).close()
                except OSError:
                    refused = time.perf_counter() - start
            time.sleep(0.01)
        writer.close()
        loop.close()
        return refused, time.perf_counter() - start
    finally:
        proc.kill()


def run_class(workers_list, seconds, start_server):
    from bench_playground import reference, wait_ready

    _, _, ref, _ = reference(61)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the start; "
          f"reference: the article's answer in this process {1000 * ref:.2f} ms warm")
    print(f"{DRAGGERS} dragging a heavy setting every 100 ms, {ASKERS} asking the article's run every 2 s, "
          f"{seconds:g} s; latency of the {ASKERS}' answers in ms; CPU of the server and its workers")
    print(f"{'draggers':<22}{'workers':>8}{'answers':>9}{'p50':>8}{'p95':>8}{'max':>8}{'errors':>8}{'p95/ref':>9}"
          f"{'cpu s':>8}{'answered':>10}{'abandoned':>10}{'aband. %':>9}{'dropped':>9}{'stopped':>9}"
          f"{'replaced':>9}")
    for workers, let_go in [(w, g) for w in workers_list for g in (0.0, 2.0)]:
        proc, host, port = start_server(workers)
        try:
            wait_ready(host, port)
            asyncio.run(get_json(host, port, "/api/limits"))
            time.sleep(1.0)  # the workers' warm-up
            before = tree_cpu(proc.pid)
            latencies, errors, counts, stats = asyncio.run(the_class(host, port, seconds, let_go))
            cpu = tree_cpu(proc.pid) - before
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        ms = [1000 * v for v in latencies]
        name = "never let go" if not let_go else f"let go every {let_go:g} s"
        print(f"{name:<22}{workers:>8}{len(ms):>9}{pct(ms, 50):>8.1f}{pct(ms, 95):>8.1f}{max(ms):>8.1f}{len(errors):>8}"
              f"{pct(ms, 95) / (1000 * ref):>9.1f}{cpu:>8.2f}{stats['cpu_answered']:>10.2f}"
              f"{stats['cpu_abandoned']:>10.2f}{100 * stats['cpu_abandoned'] / cpu:>9.1f}"
              f"{stats['dropped']:>9}{stats['stopped']:>9}{stats['replaced']:>9}", flush=True)
        print(f"{'':<22}heavy requests: {counts['heavy aborted']} aborted by their students, "
              f"{counts['heavy answered']} answered")
    for workers in workers_list:
        for _ in range(3):
            refused, exited = ctrl_c_seconds(start_server, workers)
            floor = exit_seconds()
            print(f"Ctrl-C while training, --workers {workers}: connections refused after "
                  f"{'-' if refused is None else f'{refused:.2f}'} s, process exited after {exited:.2f} s "
                  f"(a bare Python exit with the same imports: {floor:.2f} s)")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
