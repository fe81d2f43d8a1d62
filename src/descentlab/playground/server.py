"""Serve the playground with uvicorn on a free port, print the URL, open the browser.

Ctrl-C stops it within a second: the requests waiting are refused (503), the trainings
stop within one epoch, and open connections get half a second to finish.
"""

import ipaddress
import socket
import sys
import threading
import webbrowser
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from descentlab.errors import DescentlabError

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette

    from descentlab.playground.guard import Admission

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.x, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one, chosen by the system).

    >>> with bind("127.0.0.1", 0) as sock:
    ...     port = sock.getsockname()[1]
    ...     bind("127.0.0.1", port)  # taken: one line that says what to do
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: cannot listen on 127.0.0.1:...: choose another --port (0 picks a free one) ...
    """
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


def url_of(sock: socket.socket) -> str:
    """The URL of the server listening on ``sock`` (an IPv6 address in brackets).

    >>> with bind("127.0.0.1", 0) as sock:
    ...     url, port = url_of(sock), sock.getsockname()[1]
    >>> url == f"http://127.0.0.1:{port}/"
    True
    """
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


#: Seconds the open connections get to finish once the server stops.
GRACE_S = 0.5


def _server(app: "Starlette") -> "uvicorn.Server":
    """A uvicorn server for ``app`` that, on Ctrl-C, stops the trainings at once."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            loop = getattr(self, "_loop", None)
            if loop is not None:
                loop.call_soon_threadsafe(app.state.answers.close)

        async def serve(self, sockets: list[socket.socket] | None = None) -> None:
            import asyncio

            self._loop = asyncio.get_running_loop()
            await super().serve(sockets)

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=GRACE_S)  # type: ignore[arg-type]
    return Server(config)


def admission_of(sock: socket.socket, host: str, classroom: bool) -> "Admission":
    """What a server on ``sock`` admits: its own addresses, and a class's codes.

    >>> with bind("127.0.0.1", 0) as sock:
    ...     admission, url = admission_of(sock, "127.0.0.1", classroom=True), url_of(sock)
    >>> admission.class_url == f"{url}?class={admission.class_code}", admission.host_ok(url[7:-1])
    (True, True)
    """
    from descentlab.playground.classroom import local_address
    from descentlab.playground.guard import Admission

    port = sock.getsockname()[1]
    everywhere = host in ("0.0.0.0", "::")
    address = local_address() if everywhere else None
    admission = Admission.local(port, host, class_address=address, classroom=classroom)
    if classroom:  # listening everywhere, the link names this machine's address on the network
        base = f"http://{address}:{port}/" if everywhere and address else url_of(sock)
        admission.class_url = f"{base}?class={admission.class_code}"
    return admission


class Background:
    """The playground served from a thread of this process (for tests and benchmarks).

    ``with Background() as url:`` serves on a free loopback port until the block ends.

    >>> import http.client, json
    >>> with Background() as url:
    ...     connection = http.client.HTTPConnection(url[7:-1])
    ...     connection.request("GET", "/api/limits")
    ...     limits = json.load(connection.getresponse())
    ...     connection.close()
    >>> url.startswith("http://127.0.0.1:"), limits["limits"]["epochs"]
    (True, 3000)
    """

    def __init__(self, host: str = DEFAULT_HOST, port: int = 0, workers: int = 1, classroom: bool = False) -> None:
        from descentlab.playground.app import create_app

        self.sock = bind(host, port)
        self.url = url_of(self.sock)
        self.admission = admission_of(self.sock, host, classroom)
        self.app = create_app(workers, self.admission)
        self.server = _server(self.app)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        import time

        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.app.state.answers.close()
        self.thread.join(10)
        self.sock.close()


def class_host() -> str:
    """The address a class listens on: this machine's on the local network.

    >>> try:
    ...     found = not is_loopback(class_host())  # an address the class's devices reach
    ... except DescentlabError as exc:  # no local network: one line that says what to do
    ...     found = str(exc).endswith("or give --host")
    >>> found
    True
    """
    from descentlab.playground.classroom import local_address

    address = local_address()
    if address is None:
        raise DescentlabError("this machine has no local network address for a class: connect it to "
                              "the class's network (Wi-Fi), or give --host")
    return address


def serve(host: str | None = None, port: int = 0, open_browser: bool = True, workers: int = 1,
          out: TextIO = sys.stdout, classroom: bool = False) -> str:
    """Run the playground until Ctrl-C (SIGINT) or SIGTERM; return when it has stopped.

    ``host`` None listens on :data:`DEFAULT_HOST` (this machine only), or for a class on
    this machine's address on the local network (:func:`class_host`).

    Prints the URL (and, for a host other than loopback, a warning) to ``out`` first.
    ``workers`` slots a lane train in processes behind the one server process
    (:class:`descentlab.playground.service.Answers`); the workers start and warm up in the
    background. ``classroom``: admit only the class link's code, and print the link, its
    QR code and the teacher's link (:mod:`descentlab.playground.classroom`).

    Examples
    --------
    A port already taken is refused at once, before anything is served:

    >>> with bind("127.0.0.1", 0) as taken:
    ...     serve(port=taken.getsockname()[1], open_browser=False)
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: cannot listen on 127.0.0.1:...: choose another --port (0 picks a free one) ...
    """
    from descentlab.playground.app import create_app

    if host is None:
        host = class_host() if classroom else DEFAULT_HOST
    sock = bind(host, port)
    url = url_of(sock)
    admission = admission_of(sock, host, classroom)
    if classroom:
        from descentlab.playground.classroom import qr_text

        assert admission.class_url is not None  # admission_of gives a class its link
        url = f"{admission.class_url}&teacher={admission.teacher_code}"
        print(f"descentlab playground for a class: students open {admission.class_url}\n"
              f"{qr_text(admission.class_url)}", file=out, flush=True)
    elif not is_loopback(host):
        print(f"descentlab: warning: listening on {host}: anyone who can reach this machine "
              "on the network can use the playground", file=sys.stderr, flush=True)
    app = create_app(workers, admission)
    try:
        app.state.answers.start()  # before any other thread: the workers may be forked
        if classroom:
            print(f"descentlab playground: the teacher's page (keep this link to yourself): {url}  "
                  "(Ctrl-C stops it)", file=out, flush=True)
        else:
            print(f"descentlab playground: {url}  (Ctrl-C stops it)", file=out, flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, [url]).start()
        _server(app).run(sockets=[sock])
    finally:
        sock.close()
        app.state.answers.close()
    return url
