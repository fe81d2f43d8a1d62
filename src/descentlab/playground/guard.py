"""What the playground admits: its own Host and Origin only, a class's code, sane JSON.

A page on any web site a student opens can send requests to ``127.0.0.1`` (a cross-site
POST) or, by pointing a domain of its own at ``127.0.0.1`` (DNS rebinding), read the
answers. The server refuses both: a request whose ``Host`` is not one of the server's own
addresses gets 403, and so does a POST whose ``Origin`` is not the page's own. With
``--class`` every request must also carry the class code (from the link, kept in a
cookie), as Jupyter's token does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:  # starlette is the playground extra's; the guard's rules need none of it
    from starlette.types import ASGIApp, Receive, Scope, Send

#: The cookies that keep the class code and the teacher's code after the first link.
CLASS_COOKIE, TEACHER_COOKIE = "descentlab_class", "descentlab_teacher"
#: The deepest JSON a request may hold (a body of settings is 3 deep; params 5).
MAX_DEPTH = 12

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass
class Admission:
    """Who may ask: the ``Host`` values (``name:port``) the server answers to, and, for a
    class, the class code and the teacher's code (None: no class, anyone on this machine).

    >>> a = Admission.local(8000)  # a server on port 8000 of this machine, no class
    >>> sorted(a.hosts), a.host_ok("localhost:8000"), a.host_ok("evil.example:8000")
    (['127.0.0.1:8000', '[::1]:8000', 'localhost:8000'], True, False)
    >>> a.origin_ok("http://127.0.0.1:8000", "localhost:8000"), a.origin_ok("https://evil.example", "localhost:8000")
    (True, False)
    """

    hosts: frozenset[str] | None = None
    class_code: str | None = None
    teacher_code: str | None = None
    class_url: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def local(cls, port: int, host: str | None = None, class_address: str | None = None,
              classroom: bool = False) -> Admission:
        """The server's own addresses on ``port``: loopback, the ``--host`` given and the
        class's address; with ``classroom`` fresh class and teacher codes."""
        names = set(LOOPBACK_NAMES)
        for name in (host, class_address):
            if name and name not in ("0.0.0.0", "::"):
                names.add(f"[{name}]" if ":" in name else name)
        hosts = frozenset(f"{n}:{port}" for n in names)
        if not classroom:
            return cls(hosts)
        return cls(hosts, secrets.token_urlsafe(12), secrets.token_urlsafe(12))

    def host_ok(self, host: str) -> bool:
        if self.hosts is None:  # a test client: any loopback name, any port
            name = host[:host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
            return name in LOOPBACK_NAMES
        return host in self.hosts

    def origin_ok(self, origin: str, host: str) -> bool:
        """Whether ``origin`` is one of the server's own pages (any of its addresses)."""
        scheme, _, rest = origin.partition("://")
        return scheme in ("http", "https") and (rest == host or self.host_ok(rest))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def cookies_of(headers: Mapping[str, str]) -> dict[str, str]:
    """The cookies a request sent: name -> value.

    >>> cookies_of({"cookie": "descentlab_class=abc; theme=dark"})
    {'descentlab_class': 'abc', 'theme': 'dark'}
    """
    out = {}
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


def is_teacher(admission: Admission, headers: Mapping[str, str]) -> bool:
    """Whether a request comes from the teacher's page (its cookie or ``X-Teacher-Code``).

    >>> a = Admission(class_code="abc", teacher_code="t0p")
    >>> is_teacher(a, {"x-teacher-code": "t0p"}), is_teacher(a, {"cookie": "descentlab_teacher=guess"})
    (True, False)
    >>> is_teacher(Admission(), {})  # no class: the one person on this machine
    True
    """
    code = admission.teacher_code
    if code is None:
        return True  # no class: the one person on this machine is the teacher
    given = headers.get("x-teacher-code") or cookies_of(headers).get(TEACHER_COOKIE, "")
    return secrets.compare_digest(given.encode(), code.encode())


def _has_class_code(admission: Admission, headers: Mapping[str, str], query: dict[str, list[str]]) -> bool:
    """The class code from the link, a header or the cookie (the teacher's code will do too)."""
    given = (query.get("class", [""])[0] or headers.get("x-class-code")
             or cookies_of(headers).get(CLASS_COOKIE, ""))
    assert admission.class_code is not None  # asked only of a class
    return secrets.compare_digest(given.encode(), admission.class_code.encode()) or is_teacher(admission, headers)


async def _refuse(send: Send, status: int, message: str,
                  extra_headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *extra_headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: the Host check, the Origin check on POST and the class code.

    A class link ``/?class=CODE`` (and the teacher's ``/?class=CODE&teacher=CODE2``) sets
    the codes as cookies (HttpOnly, SameSite=Strict) and sends the browser on to ``/``.

    >>> from starlette.responses import PlainTextResponse
    >>> from starlette.testclient import TestClient
    >>> client = TestClient(Guard(PlainTextResponse("hello"), Admission()), base_url="http://localhost")
    >>> client.get("/").text
    'hello'
    >>> client.get("/", headers={"host": "evil.example"}).json()  # a rebound name: another site's page
    {'error': "this playground answers at its own address only, not 'evil.example': open the link the server printed"}
    """

    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app, self.admission = app, admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers, a = _headers(scope), self.admission
        host = headers.get("host", "")
        if not a.host_ok(host):
            return await _refuse(send, 403, f"this playground answers at its own address only, not "
                                            f"{host[:60]!r}: open the link the server printed")
        if scope["method"] == "POST" and "origin" in headers and not a.origin_ok(headers["origin"], host):
            return await _refuse(send, 403, "this playground answers its own page only: open it from the "
                                            "link the server printed, not from another web site")
        if a.class_code is not None:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if not _has_class_code(a, headers, query):
                return await _refuse(send, 403, "this class playground needs the class code: open the link "
                                                "or scan the QR code your teacher shows")
            if scope["path"] == "/" and "class" in query:
                return await self._enter(send, query)
        return await self.app(scope, receive, send)

    async def _enter(self, send: Send, query: dict[str, list[str]]) -> None:
        """Keep the codes of a class link in cookies and redirect to the page without them."""
        a = self.admission
        attrs = "; Path=/; HttpOnly; SameSite=Strict"
        cookies = [(b"set-cookie", f"{CLASS_COOKIE}={a.class_code}{attrs}".encode())]
        teacher = query.get("teacher", [""])[0]
        if teacher and a.teacher_code and secrets.compare_digest(teacher.encode(), a.teacher_code.encode()):
            cookies.append((b"set-cookie", f"{TEACHER_COOKIE}={a.teacher_code}{attrs}".encode()))
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", b"/"), (b"content-length", b"0"), *cookies]})
        await send({"type": "http.response.body", "body": b""})


def depth(value: object) -> int:
    """How deeply ``value`` (parsed JSON) nests lists and objects, without recursion.

    >>> depth([1, [2, {"a": 3}]])
    3
    """
    deepest, stack = 0, [(value, 1)]
    v: object
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d)
            if d > MAX_DEPTH:
                return d
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def parse_json(raw: bytes) -> object:
    """The JSON of a request body; ValueError for text that is not JSON or nests too deep.

    A UTF-8 byte-order mark (as some editors and Windows tools write) is accepted.

    >>> parse_json(b'\\xef\\xbb\\xbf{"lr": 0.5}')  # with a byte-order mark
    {'lr': 0.5}
    """
    try:
        value = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise ValueError("nested too deep") from None
    if depth(value) > MAX_DEPTH:
        raise ValueError("nested too deep")
    return value
