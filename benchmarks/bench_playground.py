"""Latency of the playground's API under a class: several clients at once against a real
uvicorn server on 127.0.0.1 (a separate process, as ``descentlab playground`` runs it).

    python benchmarks/bench_playground.py [--clients 8] [--requests 25] [--epochs 1000] [--workers 1 2]

Scenarios, each with every client sending its requests back to back:

* cold: every request's settings are new (the learning rate differs), so each one trains;
* warm: the clients share 8 settings already asked for (a link the class opens, a slider
  position), so most answers come from the server's cache;
* article: the article's 61 epochs, cold.

Prints p50/p95/max latency, errors and requests per second for each, and the machine.
"""

import argparse
import http.client
import json
import os
import platform
import re
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


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(name, workers, latencies, errors, wall):
    ms = [1000 * v for v in latencies]
    print(f"{name:<26}{workers:>8}{len(ms):>9}{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}"
          f"{max(ms):>9.1f}{len(errors):>8}{len(ms) / wall:>9.1f}", flush=True)


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
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    import numpy as np

    try:
        import orjson
        json_lib = f"orjson {orjson.__version__}"
    except ImportError:
        json_lib = "json (orjson not installed)"
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, {json_lib}; load average {os.getloadavg()[0]:.2f} at the start")
    print(f"{args.clients} clients x {args.requests} requests per scenario; latency in ms")
    print(f"{'scenario':<26}{'workers':>8}{'requests':>9}{'p50':>9}{'p95':>9}{'max':>9}{'errors':>8}{'req/s':>9}")
    n, E = args.requests, args.epochs
    counter = iter(range(10**9))
    for workers in args.workers:
        proc, host, port = start_server(workers)
        try:
            wait_ready(host, port)
            # every worker imports scikit-learn and makes the data once, off the clock
            run_clients(host, port, 2 * workers, lambda i: [{"epochs": 5, "seed": 100 + i}])
            fresh = lambda i: [{"lr": 0.05 * (1 + 1e-6 * next(counter)), "epochs": E} for _ in range(n)]
            report(f"cold, {E} epochs", workers, *run_clients(host, port, args.clients, fresh))
            shared = [{"lr": round(0.02 * (k + 1), 3), "epochs": E} for k in range(8)]
            run_clients(host, port, workers * 2, lambda i: shared)  # the class has opened them once
            warm = lambda i: [shared[(i + j) % 8] for j in range(n)]
            report(f"warm, {E} epochs", workers, *run_clients(host, port, args.clients, warm))
            article = lambda i: [{"lr": 0.05 * (1 + 1e-6 * next(counter))} for _ in range(n)]
            report("cold, article (61 epochs)", workers, *run_clients(host, port, args.clients, article))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
