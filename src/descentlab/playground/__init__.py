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
    ``admission``: see :class:`descentlab.playground.guard.Admission`."""
    from descentlab.playground.app import create_app as _create

    return _create(workers, admission)


def serve(*args: Any, **kwargs: Any) -> str:
    """Serve the playground until Ctrl-C; see :func:`descentlab.playground.server.serve`."""
    from descentlab.playground.server import serve as _serve

    return _serve(*args, **kwargs)


def show(settings: dict[str, object] | None = None, height: int = 900) -> "Playground":
    """Serve the playground in the background and show it in a notebook cell;
    see :func:`descentlab.playground.notebook.show`."""
    from descentlab.playground.notebook import show as _show

    return _show(settings, height)
