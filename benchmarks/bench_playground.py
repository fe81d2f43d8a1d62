"""Latency of the playground's API under a class: several clients at once against a real
uvicorn server on 127.0.0.1 (a separate process, as ``descentlab playground`` runs it).

    python benchmarks/bench_playground.py [--clients 8] [--requests 25] [--epochs 1000] [--workers 1 2]
    python benchmarks/bench_playground.py --class [--seconds 20] [--workers 2]

``--class`` simulates a class instead (:mod:`bench_playground_class`): 30 students, 5
dragging a heavy setting, 25 asking the article's run every 2 s.

The reference, measured first in this run: one answer computed in this process (the
library's ``train`` of ``--epochs`` epochs, the surface and the JSON), warm (best of 20)
and cold (the first call in a fresh process, after its imports); and ``train`` alone.
Then, for each number of training workers, a fresh server and:

* cold: the first request after the server started (a fresh process; its workers may
  still be warming up), one client;
* uncached: every request's settings are new (the learning rate differs), so each one trains;
* cached: the clients share 8 settings already asked for (a link the class opens, a
  slider position), so the answers come from the server's cache;
* article: the article's 61 epochs, uncached.

Each client sends its requests back to back. Prints p50/p95/max latency, errors, requests
per second, p95 over the reference's warm answer, the CPU each request cost in the server's
event loop, in its training workers and in the clients (all on the same cores, Linux only),
the machine and the load average.
"""

import argparse
import http.client
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time


def start_server(workers):
    proc = subprocess.Popen([sys.executable, "-m", "descentlab", "playground", "--no-browser", "--port", "0",
                             "--workers", str(workers)], stdout=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    host, port = re.search(r"http://([\d.]+):(\d+)/", proc.stdout.readline()).groups()
    return proc, host, int(port)


def post(conn, body):
    data = json.dumps(body).encode()  # bytes: sent with the headers in one packet (no Nagle delay)
    start = time.perf_counter()
    conn.request("POST", "/api/train", body=data, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    return time.perf_counter() - start, response.status, len(payload)


def run_clients(host, port, clients, bodies_of):
    """Each client ``i`` sends ``bodies_of(i)`` one after the other; latencies and errors of all."""
    latencies, errors, lock = [], [], threading.Lock()

    def client(i):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        for body in bodies_of(i):
            try:
                seconds, status, _ = post(conn, body)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            with lock:
                latencies.append(seconds)
                if status != 200:
                    errors.append(status)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    return latencies, errors, time.perf_counter() - start


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` so far (Linux's /proc), or NaN."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    """The child processes of ``pid`` (the server's training workers), from /proc."""
    try:
        return [int(c) for task in os.listdir(f"/proc/{pid}/task")
                for c in open(f"/proc/{pid}/task/{task}/children").read().split()]
    except OSError:
        return []


def with_cpu(server_pid, run):
    """``run()``'s (latencies, errors, wall) and the CPU seconds it cost: the server's event
    loop, its workers (a thread of the server when it has none) and this process's clients."""
    workers = children(server_pid)
    clients = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    before = (cpu_seconds(server_pid), sum(map(cpu_seconds, workers)), clients())
    result = run()
    after = (cpu_seconds(server_pid), sum(map(cpu_seconds, workers)), clients())
    return result, [a - b for a, b in zip(after, before)]


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(name, workers, result, reference, cpu=None):
    latencies, errors, wall = result
    ms = [1000 * v for v in latencies]
    p95 = percentile(ms, 95)
    per_request = "" if cpu is None else "".join(f"{1000 * c / len(ms):>9.2f}" for c in cpu)
    print(f"{name:<26}{workers:>8}{len(ms):>9}{percentile(ms, 50):>9.1f}{p95:>9.1f}"
          f"{max(ms):>9.1f}{len(errors):>8}{len(ms) / wall:>9.1f}{p95 / reference:>9.1f}{per_request}",
          flush=True)


REFERENCE = """
import time
t = time.perf_counter()
from descentlab.playground.runner import compute
from descentlab.playground.settings import validate
s = validate({{"epochs": {epochs}}})
t1 = time.perf_counter()
compute(s)
print(t1 - t, time.perf_counter() - t1)
"""


def reference(epochs):
    """(cold import s, cold first answer s, warm answer s, warm train s) in this run."""
    from descentlab.core.trainer import train
    from descentlab.fast.moments import Moments
    from descentlab.fast.objectives import MomentsObjective
    from descentlab.playground.build import make_loss, make_model, make_rule
    from descentlab.playground.problems import load_problem
    from descentlab.playground.runner import compute
    from descentlab.playground.settings import validate

    out = subprocess.run([sys.executable, "-c", REFERENCE.format(epochs=epochs)], capture_output=True,
                         text=True, check=True).stdout.split()
    s = validate({"epochs": epochs})
    compute(s)
    answer = min(timed(lambda: compute(s)) for _ in range(20))
    p = load_problem(s)
    objective = MomentsObjective(Moments.from_arrays(p.X_train, p.y_train))  # as the playground trains
    train_alone = min(timed(lambda: train(make_model(s, 1), p.X_train, p.y_train, loss=make_loss(s),
                                          optimizer=make_rule(s), epochs=epochs, objective=objective))
                      for _ in range(20))
    return float(out[0]), float(out[1]), answer, train_alone


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def wait_ready(host, port):
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/api/limits")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=25, help="requests per client per scenario")
    p.add_argument("--epochs", type=int, default=1000)
    p.add_argument("--workers", type=int, nargs="+", default=None)
    p.add_argument("--class", dest="classroom", action="store_true",
                   help="simulate a class of 30 students (bench_playground_class.py)")
    p.add_argument("--seconds", type=float, default=20.0, help="with --class: how long the class runs")
    args = p.parse_args()
    if args.classroom:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bench_playground_class import run_class

        return run_class(args.workers or [2], args.seconds, start_server)
    args.workers = args.workers or [1, 2]
    import numpy as np

    try:
        import orjson
        json_lib = f"orjson {orjson.__version__}"
    except ImportError:
        json_lib = "json (orjson not installed)"
    import importlib.util

    import uvicorn

    speedups = [name for name in ("httptools", "uvloop") if importlib.util.find_spec(name)]
    server = f"uvicorn {uvicorn.__version__} ({' and '.join(speedups) or 'h11 and asyncio: no httptools, no uvloop'})"
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    print(f"{platform.platform()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, {json_lib}, {server}; load average {os.getloadavg()[0]:.2f} at the start")
    n, E = args.requests, args.epochs
    imports, first, ref, train_alone = reference(E)
    print(f"reference, in this process: one answer of {E} epochs {1000 * ref:.1f} ms warm (best of 20), "
          f"train() alone {1000 * train_alone:.1f} ms; cold, a fresh process: imports {imports:.2f} s, "
          f"first answer {1000 * first:.1f} ms")
    print(f"lower bound for {args.clients} clients sending at once on {os.cpu_count()} cores: "
          f"{args.clients} x {1000 * ref:.1f} ms / {os.cpu_count()} = {args.clients * 1000 * ref / os.cpu_count():.1f} ms "
          "for the last answer of a burst")
    print(f"{args.clients} clients x {n} requests per scenario; latency in ms; x ref: p95 / the warm answer; "
          "CPU ms per request in the server's event loop, its workers (with 1 worker: in the event "
          "loop's process) and the clients")
    print(f"{'scenario':<26}{'workers':>8}{'requests':>9}{'p50':>9}{'p95':>9}{'max':>9}{'errors':>8}"
          f"{'req/s':>9}{'x ref':>9}{'cpu srv':>9}{'cpu wrk':>9}{'cpu cli':>9}")
    counter = iter(range(10**9))
    row = lambda name, w, result: report(name, w, result, 1000 * ref)

    def timed_row(name, w, run):
        result, cpu = with_cpu(proc.pid, run)
        report(name, w, result, 1000 * ref, cpu)

    for workers in args.workers:
        proc, host, port = start_server(workers)
        try:
            wait_ready(host, port)
            row(f"cold: first, {E} epochs", workers, run_clients(host, port, 1, lambda i: [{"epochs": E, "seed": 99}]))
            # every worker imports scikit-learn and makes the data once, off the clock
            run_clients(host, port, 2 * workers, lambda i: [{"epochs": 5, "seed": 100 + i}])
            fresh = lambda i: [{"lr": 0.05 * (1 + 1e-6 * next(counter)), "epochs": E} for _ in range(n)]
            timed_row(f"uncached, {E} epochs", workers, lambda: run_clients(host, port, args.clients, fresh))
            shared = [{"lr": round(0.02 * (k + 1), 3), "epochs": E} for k in range(8)]
            run_clients(host, port, workers * 2, lambda i: shared)  # the class has opened them once
            cached = lambda i: [shared[(i + j) % 8] for j in range(n)]
            timed_row(f"cached, {E} epochs", workers, lambda: run_clients(host, port, args.clients, cached))
            article = lambda i: [{"lr": 0.05 * (1 + 1e-6 * next(counter))} for _ in range(n)]
            timed_row("uncached, article (61)", workers, lambda: run_clients(host, port, args.clients, article))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
