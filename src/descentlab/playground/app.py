"""The playground's web app (Starlette): the page, its static files and a small JSON API.

=====================  ====================================================================
``GET /``              the page
``GET /static/*``      its script and style (shipped in the package; no CDN)
``GET /api/limits``    the caps, and every setting with its default and range
``GET /api/presets``   the presets, read from the lessons' configs
``POST /api/train``    settings (JSON) -> the run: loss, parameters, bound, ...
``POST /api/csv``      a CSV file's text -> its columns, checked by the CSV reader
``GET /api/class``     a class's link and QR code (and, for the teacher, how many students)
``GET /api/stats``     what the server answered, abandoned and spent CPU on (the teacher's)
``GET /api/progress``  where this page's request is: queued, or training at epoch k
=====================  ====================================================================

Every error is a 4xx (or, never expected, 500) with a JSON body ``{"error": "one line"}``;
every request passes :class:`descentlab.playground.guard.Guard` first (its own Host and
Origin, a class's code).
The server keeps no state between requests but a cache of answers
(:class:`descentlab.playground.service.Answers`, which also says where they are trained).
"""

from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive

from descentlab.errors import DescentlabError
from descentlab.playground.classroom import Roster, class_endpoint, client_of
from descentlab.playground.guard import Admission, Guard, is_teacher, parse_json
from descentlab.playground.presets import presets
from descentlab.playground.problems import csv_columns, read_csv_text
from descentlab.playground.service import Answers, Left, Replaced, Stopping
from descentlab.playground.settings import LIMITS, limits_document

STATIC = Path(__file__).parent / "static"


class BodyTooLarge(Exception):
    """A request body over its cap (:func:`read_body` raises it; the endpoints answer 413).

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")
    >>> r = client.post("/api/train", content=b"0" * 400_000)
    >>> r.status_code, r.json()["error"]
    (413, 'the settings are too large (over 320 KiB): use a CSV file of at most 256 KiB')
    """


def error(message: str, status: int = 400) -> JSONResponse:
    """A refusal: ``{"error": message}`` with ``status``.

    >>> r = error("the rate must be a number", 422)
    >>> r.status_code, r.body
    (422, b'{"error":"the rate must be a number"}')
    """
    return JSONResponse({"error": message}, status_code=status)


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused once it passes ``cap`` bytes (before reading it all).

    >>> import asyncio
    >>> async def receive():  # what the server hands the app: the body in one message
    ...     return {"type": "http.request", "body": b'{"lr": 0.1}', "more_body": False}
    >>> asyncio.run(read_body(Request({"type": "http", "headers": []}, receive), cap=100))
    b'{"lr": 0.1}'
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def page(request: Request) -> FileResponse:
    """``GET /``: the page.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> r = client.get("/")
    >>> r.status_code, r.headers["content-type"], r.headers["cache-control"]
    (200, 'text/html; charset=utf-8', 'no-cache')
    """
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def limits(request: Request) -> JSONResponse:
    """``GET /api/limits``: the caps and every setting (:func:`limits_document`).

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> client.get("/api/limits").json()["settings"]["lr"]["default"]
    0.05
    """
    return JSONResponse(limits_document())


async def presets_endpoint(request: Request) -> JSONResponse:
    """``GET /api/presets``: the presets, read from the lessons' configs (:mod:`descentlab.playground.presets`).

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> sorted(client.get("/api/presets").json())
    ['above', 'article', 'below', 'collapse', 'logistic', 'momentum', 'nonlinear', 'ridge']
    """
    return JSONResponse(presets())


async def disconnected(receive: Receive) -> None:
    """Wait until the client has gone (its connection closed: the page aborted the request).

    >>> import asyncio
    >>> messages = iter([{"type": "http.request", "body": b""}, {"type": "http.disconnect"}])
    >>> async def receive():
    ...     return next(messages)
    >>> asyncio.run(disconnected(receive)), next(messages, "all read")  # returned at the disconnect
    (None, 'all read')
    """
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def train_endpoint(request: Request) -> Response:
    """``POST /api/train``: settings (JSON) -> the run (JSON), or a 4xx refusal.

    >>> from starlette.testclient import TestClient
    >>> app = create_app()
    >>> client = TestClient(app, base_url="http://localhost")
    >>> client.post("/api/train", json={"epochs": 3}).json()["status"]
    'completed'
    >>> client.post("/api/train", json={"lr": -1}).json()
    {'error': 'The learning rate (lr) must be from 1e-12 to 100, not -1.'}
    >>> app.state.answers.close()  # its training thread ends
    """
    try:
        raw = await read_body(request, LIMITS["body_bytes"])
        body = parse_json(raw)
    except BodyTooLarge:
        return error(f"the settings are too large (over {LIMITS['body_bytes'] // 1024} KiB): "
                     f"use a CSV file of at most {LIMITS['upload_bytes'] // 1024} KiB", 413)
    except (UnicodeDecodeError, ValueError):
        return error("the request is not a set of settings the playground can read: send a JSON "
                     "object such as {\"lr\": 0.05}")
    client = client_of(request)
    request.app.state.roster.seen(client, is_teacher(request.app.state.admission, request.headers))
    try:
        content: bytes = await request.app.state.answers.get(body, client, lambda: disconnected(request.receive))
    except DescentlabError as exc:
        return error(str(exc), 422 if isinstance(body, dict) else 400)
    except Replaced:
        return JSONResponse({"error": "a newer request from this page replaced this one", "replaced": True},
                            status_code=409)
    except Left:
        return Response(status_code=499)
    except Stopping:
        return error("the playground is stopping: start it again to go on", 503)
    return Response(content, media_type="application/json")


async def progress_endpoint(request: Request) -> JSONResponse:
    """``GET /api/progress``: where this page's request is (``X-Client-Id``): idle, queued, or
    training at epoch k (:meth:`Answers.progress`).

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> client.get("/api/progress", headers={"X-Client-Id": "tab-1"}).json()
    {'state': 'idle'}
    """
    return JSONResponse(request.app.state.answers.progress(client_of(request)))


async def stats_endpoint(request: Request) -> JSONResponse:
    """``GET /api/stats``: the server's counts and CPU seconds (:attr:`Answers.stats`), for the teacher.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> stats = client.get("/api/stats").json()
    >>> stats["answered"], stats["queued"], stats["cpu_answered"]
    (0, 0, 0.0)
    """
    if not is_teacher(request.app.state.admission, request.headers):
        return error("only the teacher's page can see the server's figures", 403)
    return JSONResponse(request.app.state.answers.snapshot())


async def csv_endpoint(request: Request) -> JSONResponse:
    """A CSV file's text (the body) -> its columns; ``?feature=...&target=...`` (by default
    the first and the last) checks those two columns with the CSV reader and counts the
    rows. A refused file still answers the columns of its header, when it has one.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> client.post("/api/csv?name=tiny.csv", content="x,y\\n1,2\\n2,4\\n3,7\\n").json()
    {'columns': ['x', 'y'], 'feature': 'x', 'target': 'y', 'rows': 3}
    """
    name = request.query_params.get("name") or "upload.csv"
    try:
        text = (await read_body(request, LIMITS["upload_bytes"])).decode("utf-8-sig")
    except BodyTooLarge:
        return error(f"the file {name!r} is larger than {LIMITS['upload_bytes'] // 1024} KiB: "
                     "upload a smaller file", 413)
    except UnicodeDecodeError:
        return error(f"the file {name!r} is not text the playground can read: save it as a UTF-8 CSV file")
    columns: list[str] = []
    try:
        columns = csv_columns(text)
        if len(columns) < 2:
            raise DescentlabError(f"the file {name!r} needs a header row with at least two columns "
                                  "(a feature and a target), e.g. x,y")
        feature = request.query_params.get("feature", columns[0])
        target = request.query_params.get("target", columns[-1])
        data = await run_in_threadpool(read_csv_text, text, feature, target, name)
    except DescentlabError as exc:  # with the columns, so that the page can offer others
        return JSONResponse({"error": str(exc), "columns": columns}, status_code=422)
    return JSONResponse({"columns": columns, "feature": feature, "target": target,
                         "rows": int(data.X.shape[0])})


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """404 and 405 in words, as JSON.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")  # in-process, no socket
    >>> r = client.get("/nowhere")
    >>> r.status_code, r.json()["error"]
    (404, "there is no page '/nowhere' here: open / (the API is /api/train, /api/csv, /api/limits, /api/class)")
    """
    assert isinstance(exc, HTTPException)
    messages = {404: f"there is no page {request.url.path[:80]!r} here: open / (the API is /api/train, "
                     "/api/csv, /api/limits, /api/class)",
                405: f"{request.method} is not allowed on {request.url.path}: see the README's API"}
    return error(messages.get(exc.status_code, str(exc.detail)), exc.status_code)


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    """Any other exception: a 500 that names it (never a traceback).

    >>> import asyncio
    >>> asyncio.run(server_error(Request({"type": "http"}), ZeroDivisionError())).body
    b'{"error":"internal error (ZeroDivisionError): please report it with the settings that caused it"}'
    """
    return error(f"internal error ({type(exc).__name__}): please report it with the settings that "
                 "caused it", 500)


def create_app(workers: int = 1, admission: Admission | None = None) -> Starlette:
    """The Starlette application (also ``uvicorn --factory descentlab.playground.app:create_app``);
    ``workers`` slots a lane train (1: threads of this one), see :class:`Answers`;
    ``admission`` says which Host names and codes it admits (default: loopback names on any
    port, no class), see :class:`descentlab.playground.guard.Admission`.

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://127.0.0.1:8000")  # in-process, no socket
    >>> client.get("/api/limits").status_code, client.get("/api/limits", headers={"host": "evil.example"}).status_code
    (200, 403)
    """
    routes = [
        Route("/", page),
        Route("/api/limits", limits),
        Route("/api/presets", presets_endpoint),
        Route("/api/train", train_endpoint, methods=["POST"]),
        Route("/api/csv", csv_endpoint, methods=["POST"]),
        Route("/api/class", class_endpoint),
        Route("/api/stats", stats_endpoint),
        Route("/api/progress", progress_endpoint),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.answers = Answers(workers)
    app.state.admission = admission or Admission()
    app.state.roster = Roster()
    app.add_middleware(Guard, admission=app.state.admission)
    return app
