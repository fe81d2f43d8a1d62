"""Serve the playground with uvicorn on a free port, print the URL, open the browser."""

import ipaddress
import socket
import sys
import threading
import webbrowser

from descentlab.errors import DescentlabError

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host):
    """Whether ``host`` is reachable only from this machine (127.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host, port):
    """A listening socket on ``host:port`` (port 0: a free one, chosen by the system)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only for
    # such sockets, and without it Nagle's algorithm holds each answer's last packet ~40 ms
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DescentlabError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): "
                              "choose another --port (0 picks a free one) or --host") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock):
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def _server(app):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


class Background:
    """The playground served from a thread of this process (for tests and benchmarks).

    ``with Background() as url:`` serves on a free loopback port until the block ends.
    """

    def __init__(self, host=DEFAULT_HOST, port=0, workers=1):
        from descentlab.playground.app import create_app

        self.sock = bind(host, port)
        self.url = url_of(self.sock)
        self.app = create_app(workers)
        self.server = _server(self.app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self):
        import time

        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
        self.app.state.answers.close()


def serve(host=DEFAULT_HOST, port=0, open_browser=True, workers=1, out=sys.stdout):
    """Run the playground until Ctrl-C (SIGINT) or SIGTERM; return when it has stopped.

    Prints the URL (and, for a host other than loopback, a warning) to ``out`` first.
    ``workers`` above 1 trains in that many processes behind the one server process, each
    request on the first free one (:class:`descentlab.playground.service.Answers`); the
    workers start and warm up in the background.
    """
    from descentlab.playground.app import create_app

    sock = bind(host, port)
    url = url_of(sock)
    if not is_loopback(host):
        print(f"descentlab: warning: listening on {host}: anyone who can reach this machine "
              "on the network can use the playground", file=sys.stderr, flush=True)
    app = create_app(workers)
    try:
        app.state.answers.start()  # before any other thread: the workers may be forked
        print(f"descentlab playground: {url}  (Ctrl-C stops it)", file=out, flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, [url]).start()
        _server(app).run(sockets=[sock])
    finally:
        sock.close()
        app.state.answers.close()
    return url
