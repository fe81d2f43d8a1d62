"""The playground's web app (Starlette): the page, its static files and a small JSON API.

===================  ============================================================
``GET /``            the page
``GET /static/*``    its script and style (shipped in the package; no CDN)
``GET /api/limits``  the caps, and every setting with its default and range
``POST /api/train``  settings (JSON) -> the run: loss, parameters, bound, ...
``POST /api/csv``    a CSV file's text -> its columns, checked by the CSV reader
===================  ============================================================

Every error is a 4xx (or, never expected, 500) with a JSON body ``{"error": "one line"}``.
The server keeps no state between requests but a cache of answers
(:class:`descentlab.playground.service.Answers`, which also says where they are trained).
"""

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from descentlab.errors import DescentlabError
from descentlab.playground.problems import csv_columns, read_csv_text
from descentlab.playground.service import Answers
from descentlab.playground.settings import LIMITS, limits_document

STATIC = Path(__file__).parent / "static"


class BodyTooLarge(Exception):
    """A request body over its cap."""


def error(message, status=400):
    return JSONResponse({"error": message}, status_code=status)


async def read_body(request, cap):
    """The request body, refused once it passes ``cap`` bytes (before reading it all)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def page(request):
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def limits(request):
    return JSONResponse(limits_document())


async def train_endpoint(request):
    try:
        raw = await read_body(request, LIMITS["body_bytes"])
        body = json.loads(raw.decode("utf-8"))
    except BodyTooLarge:
        return error(f"the request is over the cap of {LIMITS['body_bytes'] // 1024} KiB: "
                     "send fewer or smaller settings (a CSV of at most "
                     f"{LIMITS['upload_bytes'] // 1024} KiB)", 413)
    except (UnicodeDecodeError, ValueError):
        return error("the request body is not JSON: send an object of settings, e.g. {\"lr\": 0.05}")
    try:
        content = await request.app.state.answers.get(body)
    except DescentlabError as exc:
        return error(str(exc), 422 if isinstance(body, dict) else 400)
    return Response(content, media_type="application/json")


async def csv_endpoint(request):
    """A CSV file's text (the body) -> its columns; ``?feature=...&target=...`` (by default
    the first and the last) checks those two columns with the CSV reader and counts the
    rows. A refused file still answers the columns of its header, when it has one."""
    try:
        text = (await read_body(request, LIMITS["upload_bytes"])).decode("utf-8-sig")
    except BodyTooLarge:
        return error(f"the file is over the cap of {LIMITS['upload_bytes'] // 1024} KiB: "
                     "upload a smaller file", 413)
    except UnicodeDecodeError:
        return error("the file is not UTF-8 text: save it as a UTF-8 CSV file")
    columns = []
    try:
        columns = csv_columns(text)
        if len(columns) < 2:
            raise DescentlabError("the file needs a header row with at least two columns "
                                  "(a feature and a target), e.g. x,y")
        feature = request.query_params.get("feature", columns[0])
        target = request.query_params.get("target", columns[-1])
        data = await run_in_threadpool(read_csv_text, text, feature, target)
    except DescentlabError as exc:  # with the columns, so that the page can offer others
        return JSONResponse({"error": str(exc), "columns": columns}, status_code=422)
    return JSONResponse({"columns": columns, "feature": feature, "target": target,
                         "rows": int(data.X.shape[0])})


async def http_error(request, exc):
    messages = {404: f"no such page {request.url.path!r}: the API is /api/train, /api/csv, /api/limits",
                405: f"{request.method} is not allowed on {request.url.path}: see the README's API"}
    return error(messages.get(exc.status_code, str(exc.detail)), exc.status_code)


async def server_error(request, exc):
    return error(f"internal error ({type(exc).__name__}): please report it with the settings that "
                 "caused it", 500)


def create_app(workers=1):
    """The Starlette application (also ``uvicorn --factory descentlab.playground.app:create_app``);
    ``workers`` processes train (1: a thread of this one), see :class:`Answers`."""
    routes = [
        Route("/", page),
        Route("/api/limits", limits),
        Route("/api/train", train_endpoint, methods=["POST"]),
        Route("/api/csv", csv_endpoint, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.answers = Answers(workers)
    return app
