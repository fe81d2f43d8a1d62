"""``descentlab playground``: the live page, served on this machine."""

import argparse


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab playground`` to ``sub``: where to listen, the class mode, the workers.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["--port", "8000", "--no-browser"])
    >>> args.host, args.port, args.no_browser, args.workers
    (None, 8000, True, 1)
    """
    p = sub.add_parser("playground", help="train live in the browser",
                       description="Start a local web server with the live playground: "
                       "sliders for every setting, the line, the loss and the loss surface "
                       "updating as they move. Ctrl-C stops it.")
    p.add_argument("--host", default=None,
                   help="address to listen on (default 127.0.0.1: this machine only; with "
                        "--class this machine's address on the local network)")
    p.add_argument("--class", dest="classroom", action="store_true",
                   help="serve a class on the local network: print a link and a QR code for "
                        "the students' phones; only that link's code is admitted")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--workers", type=int, default=1,
                   help="processes that train (default 1: a thread of the server; for a class, the number of cores)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Serve the playground until Ctrl-C; the exit code.

    The server runs until stopped, so here is its cheapest real behaviour: settings it
    cannot serve with are refused in one line before anything listens.

    >>> from descentlab.cli import build_parser
    >>> run(build_parser().parse_args(["playground", "--port", "70000"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: port 70000 is out of range: choose 0 to 65535 (0 picks a free one)
    """
    from descentlab.errors import DescentlabError

    try:
        import starlette  # noqa: F401  (checked here for a one-line error)
        import uvicorn  # noqa: F401

        from descentlab.playground import serve
    except ImportError as exc:
        raise DescentlabError(f"the playground needs {exc.name}: pip install 'descentlab[playground]'") from None
    if args.host is not None and not args.host.strip():
        raise DescentlabError("--host is empty, which would listen on every network: give an address, "
                              "127.0.0.1 for this machine only or 0.0.0.0 for every network")
    if not 0 <= args.port <= 65535:
        raise DescentlabError(f"port {args.port} is out of range: choose 0 to 65535 (0 picks a free one)")
    if not 1 <= args.workers <= 64:
        raise DescentlabError(f"workers {args.workers} is out of range: choose 1 to 64")
    try:
        serve(args.host, args.port, open_browser=not args.no_browser, workers=args.workers,
              classroom=args.classroom)
    except KeyboardInterrupt:
        pass
    print("descentlab playground: stopped", flush=True)
    return 0
