"""The live playground: a local web page that trains with the library as sliders move.

A room above the library, like the command line: it imports descentlab, nothing in the
library imports it. :func:`create_app` is the Starlette app (the page and the JSON API),
:func:`serve` runs it with uvicorn; Starlette and uvicorn are imported only here
(``pip install "descentlab[playground]"``).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from descentlab.playground.guard import Admission
    from descentlab.playground.notebook import Playground


def create_app(workers: int = 1, admission: "Admission | None" = None) -> "Starlette":
    """The playground's Starlette application; ``workers`` slots a lane train (1: threads);
    ``admission``: see :class:`descentlab.playground.guard.Admission`.

    A test client drives it in-process, without a socket (the guard admits loopback names only):

    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://localhost")
    >>> client.get("/api/limits").json()["limits"]["epochs"]
    3000
    >>> client.get("/", headers={"host": "evil.example"}).status_code  # another site's name: refused
    403
    """
    from descentlab.playground.app import create_app as _create

    return _create(workers, admission)


def serve(*args: Any, **kwargs: Any) -> str:
    """Serve the playground until Ctrl-C; see :func:`descentlab.playground.server.serve`.

    A port already taken is refused at once, in one line, before anything starts:

    >>> from descentlab.playground.server import bind
    >>> with bind("127.0.0.1", 0) as taken:
    ...     serve(port=taken.getsockname()[1], open_browser=False)
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: cannot listen on 127.0.0.1:...: choose another --port (0 picks a free one) ...
    """
    from descentlab.playground.server import serve as _serve

    return _serve(*args, **kwargs)


def show(settings: dict[str, object] | None = None, height: int = 900) -> "Playground":
    """Serve the playground in the background and show it in a notebook cell;
    see :func:`descentlab.playground.notebook.show`; :func:`~descentlab.playground.notebook.stop` stops it.

    >>> from descentlab.playground.notebook import stop
    >>> page = show({"lr": 1.8})  # a free loopback port, the settings in the URL's fragment
    >>> page.url.startswith("http://127.0.0.1:"), page.url.endswith("/#lr=1.8")
    (True, True)
    >>> stop()
    """
    from descentlab.playground.notebook import show as _show

    return _show(settings, height)
