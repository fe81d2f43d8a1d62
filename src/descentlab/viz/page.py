"""The pieces of the self-contained HTML report: embedded PNGs, sections, tables and the
frame player (an image, an epoch slider and a Play button; ``templates/player.js`` runs
every player on the page). Nothing is fetched from the network.
"""

import base64
import html
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Protocol

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray


class Frames(Protocol):
    """What a player shows: PNG frames (``.png_frames()``) and the epoch of each (``.epochs_``),
    as a :class:`~descentlab.viz.frames.FrameAnimation` has them."""

    epochs_: NDArray[np.int_]

    def png_frames(self) -> Iterable[bytes]: ...


def template(name: str) -> str:
    """The text of ``templates/NAME``, shipped with the package.

    Examples
    --------
    >>> template("player.js").splitlines()[0], "$sections" in template("report.html")
    ('(function () {', True)
    """
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def png_base64(fig: Figure, dpi: int = 90) -> str:
    """A figure as base64-encoded PNG text.

    Examples
    --------
    >>> base64.b64decode(png_base64(Figure(figsize=(1, 1)), dpi=10))[:4]  # a PNG's signature
    b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def img(fig: Figure, alt: str) -> str:
    """A figure as an ``<img>`` with its PNG inside (base64).

    Examples
    --------
    >>> img(Figure(figsize=(1, 1)), "the <data>")
    '<img alt="the &lt;data&gt;" src="data:image/png;base64,iVBORw0KGgo...">'
    """
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png_base64(fig)}">'


def section(title: str, body: str, note: str = "") -> str:
    """``<section>`` with a numbered title, an optional note under it, and ``body``.

    >>> section("1. Data", "<p>x</p>", note="a <note>")
    '<section><h2>1. Data</h2><p class="note">a &lt;note&gt;</p><p>x</p></section>'
    """
    shown = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f"<section><h2>{html.escape(title)}</h2>{shown}{body}</section>"


def player_html(animation: Frames, name: str = "training", prefix: str = "") -> str:
    """The animation's frames as an image with an epoch slider and a play button.

    Parameters
    ----------
    animation : FrameAnimation
    name : str, default="training"
        The player is ``<div class="player" id="player-NAME">``; its image's alt text is
        "NAME animation frame".
    prefix : str, default=""
        Put before the ids of its parts (``frame``, ``play``, ``epoch-slider``,
        ``epoch-label``), so that several players live on one page. ``player.js`` finds
        the parts by class, inside each player.

    Examples
    --------
    >>> class TwoFrames:  # what a player needs (a FrameAnimation): the epochs, a PNG each
    ...     epochs_ = np.array([0, 5])
    ...     def png_frames(self): return [b"png of epoch 0", b"png of epoch 5"]
    >>> import re; re.findall(r'id="([\\w-]+)"', player_html(TwoFrames(), name="demo", prefix="a-"))
    ['player-demo', 'a-frame', 'a-play', 'a-epoch-slider', 'a-epoch-label', 'a-frames-data', 'a-frames-epochs']
    """
    frames = [base64.b64encode(png).decode("ascii") for png in animation.png_frames()]
    n = len(frames)

    def part(tag: str, cls: str, rest: str = "") -> str:
        return f'<{tag} id="{prefix}{cls}"{rest} class="{cls}">'

    return (
        f'<div class="player" id="player-{name}" tabindex="0" data-lm-suppress-shortcuts="true">'
        + '<p class="needs-javascript">This player needs JavaScript. In JupyterLab, an untrusted '
          "notebook runs none: trust it (Command Palette: Trust Notebook) and run this cell again.</p>"
        + part("img", "frame", f' alt="{name} animation frame" src="data:image/png;base64,{frames[0]}"')
        + '<div class="controls">' + part("button", "play", ' type="button"') + "Play</button>"
        + part("input", "epoch-slider", f' type="range" min="0" max="{n - 1}" step="1" value="0" '
                                        'aria-label="epoch"')
        + part("span", "epoch-label") + f"Epoch {int(animation.epochs_[0])}</span></div>"
        + part("script", "frames-data", ' type="application/json"') + f"{json.dumps(frames)}</script>"
        + part("script", "frames-epochs", ' type="application/json"')
        + f"{json.dumps(animation.epochs_.tolist())}</script></div>")


def table(rows: Iterable[Sequence[object]], header: Sequence[object] | None = None,
          table_id: str | None = None) -> str:
    """An HTML table of ``rows`` (each a sequence of cells, escaped); ``header`` on top.

    >>> table([(1, "a<b")], header=("n", "s"))
    '<table><tr><th>n</th><th>s</th></tr><tr><td>1</td><td>a&lt;b</td></tr></table>'
    """
    def cells(tag: str, row: Sequence[object]) -> str:
        return "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in row)

    ident = f' id="{table_id}"' if table_id else ""
    head = f"<tr>{cells('th', header)}</tr>" if header else ""
    return f"<table{ident}>{head}" + "".join(f"<tr>{cells('td', r)}</tr>" for r in rows) + "</table>"


def player_block(animation: Frames, name: str = "training") -> str:
    """:func:`player_html` with its own unique id prefix, a little CSS and ``player.js``
    inline: a self-contained block for a notebook cell or any page (several may share one
    page; ``player.js`` starts each player once).

    Examples
    --------
    >>> class TwoFrames:  # what a player needs (a FrameAnimation): the epochs, a PNG each
    ...     epochs_ = np.array([0, 5])
    ...     def png_frames(self): return [b"png of epoch 0", b"png of epoch 5"]
    >>> import re; re.findall(r'id="player-(dl)-[0-9a-f]{12}-(training)"', player_block(TwoFrames()))
    [('dl', 'training')]
    """
    prefix = f"dl-{uuid.uuid4().hex[:12]}-"
    style = ("<style>.player img{max-width:100%;height:auto;display:block}"
             ".player .controls{display:flex;align-items:center;gap:1em}"
             ".player .controls input[type=range]{flex:1}</style>")
    return (f"<div class='descentlab-player'>{style}"
            + player_html(animation, name=f"{prefix}{name}", prefix=prefix)
            + f"<script>{template('player.js')}</script></div>")
