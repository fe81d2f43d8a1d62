"""The playground inside a notebook: one call serves it in the background and shows it.

``show()`` starts the server on a free loopback port in a thread of the kernel (it keeps
serving while the kernel lives) and returns an object that Jupyter displays as the page
in an iframe; outside Jupyter its ``repr`` is the URL to open.
"""

import html
import urllib.parse

from descentlab.playground.server import Background

_RUNNING: dict[str, Background | str] = {}


class Playground:
    """A running playground: ``url``, shown inline by Jupyter (``_repr_html_``).

    >>> page = Playground("http://127.0.0.1:8000/", height=600)
    >>> page, page._repr_html_()[:62]
    (Playground(url='http://127.0.0.1:8000/'), '<iframe src="http://127.0.0.1:8000/" width="100%" height="600"')
    """

    def __init__(self, url: str, height: int = 900) -> None:
        self.url, self.height = url, height

    def _repr_html_(self) -> str:
        src = html.escape(self.url, quote=True)
        return (f'<iframe src="{src}" width="100%" height="{int(self.height)}" '
                'style="border:1px solid #ccc" title="descentlab playground"></iframe>'
                f'<p><a href="{src}" target="_blank">Open the playground in its own tab</a></p>')

    def __repr__(self) -> str:
        return f"Playground(url={self.url!r})"


def show(settings: dict[str, object] | None = None, height: int = 900) -> Playground:
    """Serve the playground in the background (once per kernel) and show it.

    Parameters
    ----------
    settings : dict, optional
        Settings the page opens with (the same names as in its URL), e.g.
        ``{"lr": 1.8, "epochs": 100}``.
    height : int, default=900
        The iframe's height in pixels.

    Returns
    -------
    Playground
        Displayed inline when it is the last expression of a cell.

    Examples
    --------
    >>> page = show({"lr": 1.8, "epochs": 100})  # on a free loopback port
    >>> page.url.startswith("http://127.0.0.1:"), page.url.split("/", 3)[3]
    (True, '#lr=1.8&epochs=100')
    >>> stop()  # the example's server ends with it
    """
    if "server" not in _RUNNING:
        server = Background()
        _RUNNING["url"] = server.__enter__()
        _RUNNING["server"] = server
    url = _RUNNING["url"]
    assert isinstance(url, str)
    if settings:
        url += "#" + urllib.parse.urlencode({k: v for k, v in settings.items()})
    return Playground(url, height)


def stop() -> None:
    """Stop the background server started by :func:`show` (nothing to do when none runs).

    >>> import socket
    >>> host, port = show().url[7:-1].split(":")
    >>> stop()
    >>> socket.create_connection((host, int(port)), timeout=1)  # nobody listens there any more
    Traceback (most recent call last):
    ...
    ConnectionRefusedError: ...
    """
    server = _RUNNING.pop("server", None)
    _RUNNING.pop("url", None)
    if isinstance(server, Background):
        server.__exit__(None, None, None)
