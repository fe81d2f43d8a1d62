"""A class on one network: the machine's address, the class link and its QR code, and who
is connected.

``descentlab playground --class`` listens on this machine's address on the local network
(found without sending anything: connecting a UDP socket only picks the route), prints
the class link (carrying the class code, :mod:`descentlab.playground.guard`) and its QR
code in the terminal, and serves both to the page (``GET /api/class``). The QR codes are
drawn by ``segno`` (the playground extra), when installed.
"""

import io
import socket
import time

from starlette.requests import Request
from starlette.responses import JSONResponse

from descentlab.playground.guard import is_teacher

#: A client seen within this many seconds counts as connected.
RECENT_S = 60.0


def local_address() -> str | None:
    """This machine's address on its local network, or None (no network: loopback only).

    Connecting a UDP socket sends no packet: the kernel only chooses the route, and so the
    address of the interface a class on the same network reaches.

    >>> address = local_address()  # this machine's: it differs from one machine to the next
    >>> address is None or not address.startswith("127.")  # never the loopback address
    True
    """
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.connect((probe, 9))
            address: str = sock.getsockname()[0]
        except OSError:
            continue
        finally:
            sock.close()
        if address and not address.startswith("127.") and address != "0.0.0.0":
            return address
    return None


def client_of(request: Request) -> str:
    """Who sent ``request``: the page's ``X-Client-Id`` (one per tab), else its connection.

    >>> client_of(Request({"type": "http", "headers": [(b"x-client-id", b"tab-7")]}))
    'id:tab-7'
    >>> client_of(Request({"type": "http", "headers": [], "client": ("10.0.0.5", 50123)}))
    'conn:10.0.0.5:50123'
    """
    given: str = request.headers.get("x-client-id", "")[:64]
    if given:
        return "id:" + given
    peer = request.client
    return f"conn:{peer.host}:{peer.port}" if peer else "conn:?"


class Roster:
    """The clients seen lately (not the teacher's page): how many students are connected.

    >>> roster = Roster()
    >>> for client in ("id:ana", "id:ben", "id:ana"):
    ...     roster.seen(client)
    >>> roster.seen("id:teacher", teacher=True)
    >>> roster.count()
    2
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def seen(self, client: str, teacher: bool = False) -> None:
        if not teacher:
            self._seen[client] = time.monotonic()
            if len(self._seen) > 4096:
                self._prune()

    def _prune(self) -> None:
        cutoff = time.monotonic() - RECENT_S
        self._seen = {c: t for c, t in self._seen.items() if t >= cutoff}

    def count(self) -> int:
        self._prune()
        return len(self._seen)


def qr_svg(url: str) -> str | None:
    """The QR code of ``url`` as an SVG document (text), or None without segno.

    >>> qr_svg("http://10.0.0.5:8000/?class=abc")[:40]
    '<svg xmlns="http://www.w3.org/2000/svg" '
    """
    try:
        import segno
    except ImportError:
        return None
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, title="the class link")
    svg: str = out.getvalue().decode()
    return svg


def qr_text(url: str) -> str:
    """The QR code of ``url`` for a terminal (block characters), or a line saying how to get one.

    >>> lines = qr_text("http://10.0.0.5:8000/?class=abc").splitlines()
    >>> len(lines), lines[0] == "\u2588" * len(lines[0])  # compact: two rows a line; a full border
    (17, True)
    """
    try:
        import segno
    except ImportError:
        return "(pip install segno for a QR code here)"
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


async def class_endpoint(request: Request) -> JSONResponse:
    """``GET /api/class``: ``{"class": false}``, or the class link, its QR code (SVG) and, for
    the teacher's page, how many students were seen in the last minute.

    >>> from starlette.testclient import TestClient
    >>> from descentlab.playground.app import create_app
    >>> from descentlab.playground.guard import Admission
    >>> a = Admission(class_code="abc", teacher_code="t0p", class_url="http://10.0.0.5:8000/?class=abc")
    >>> answer = TestClient(create_app(admission=a), base_url="http://localhost").get("/api/class?class=abc").json()
    >>> answer["url"], answer["qr_svg"][:4], answer["teacher"]  # a student's page
    ('http://10.0.0.5:8000/?class=abc', '<svg', False)
    """
    admission = request.app.state.admission
    if admission.class_code is None:
        return JSONResponse({"class": False})
    teacher = is_teacher(admission, request.headers)
    out: dict[str, object] = {"class": True, "url": admission.class_url, "qr_svg": qr_svg(admission.class_url) if
           admission.class_url else None, "teacher": teacher}
    if teacher:
        out.update(students=request.app.state.roster.count(), recent_s=RECENT_S)
    return JSONResponse(out)
