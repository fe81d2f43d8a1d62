"""Plain data over a pipe: numbers, strings, lists and NumPy arrays, never pickle.

A message is a 4-byte big-endian length and that many bytes of JSON. An array travels as
``{"__array__": [dtype, shape, base64 bytes]}`` with a numeric dtype (bool, int, uint,
float); anything else a learner returns travels as ``{"__object__": type name}``, which
the parent can name in a hint but never rebuild. The parent decodes with
``np.frombuffer``: a learner cannot make it run code, only hand it numbers.

This module imports only the standard library and NumPy: the child process
(:mod:`.worker`) runs it without descentlab on its path.
"""

import base64
import json
import math
import os
import struct
import traceback
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

#: Plain data, as JSON holds it.
JSON: TypeAlias = "None | bool | int | float | str | list[JSON] | dict[str, JSON]"
#: One message on the channel: a JSON object (``op``, ``name``, ``args``, ...).
Message: TypeAlias = dict[str, Any]

MAX_MESSAGE = 64 * 2**20  # bytes; a bigger message is a broken channel
_KINDS = "biuf"


def encode(value: object, depth: int = 0) -> JSON:
    """``value`` as JSON-ready plain data (see the module's docstring).

    >>> encode((1, float("inf"), "a"))
    {'__tuple__': [1, {'__float__': 'inf'}, 'a']}
    """
    if depth > 8:
        return {"__object__": "nested too deep"}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value if not isinstance(value, str) else value[:200]
    if isinstance(value, int):
        return value if abs(value) < 2**53 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind not in _KINDS:
            return {"__object__": f"array of {arr.dtype}"}
        arr = np.ascontiguousarray(arr)
        return {"__array__": [arr.dtype.str, list(arr.shape),
                              base64.b64encode(arr.tobytes()).decode("ascii")]}
    if isinstance(value, (tuple, list)):
        key = "__list__" if type(value) is list else "__tuple__"
        return {key: [encode(v, depth + 1) for v in value[:100_000]]}
    return {"__object__": type(value).__name__[:40]}


class Opaque:
    """Something a learner returned that is not plain data; only its type name travels.

    >>> decode(encode(object())), Opaque("rm -rf /")  # a name that is not one is not shown
    (Opaque('object'), Opaque('an object'))
    """

    def __init__(self, type_name: object) -> None:
        name = str(type_name)[:40]  # the child chose it: only a plain name is shown
        self.type_name = name if name.replace(" ", "_").isidentifier() else "an object"

    def __repr__(self) -> str:
        return f"Opaque({self.type_name!r})"


def decode(value: object, depth: int = 0) -> object:
    """The inverse of :func:`encode`; raises ValueError on anything malformed.

    >>> decode(encode(np.arange(3.0)))
    array([0., 1., 2.])
    """
    if depth > 10:
        raise ValueError("nested too deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError("not plain data")
    (key, inner), = value.items()
    if key == "__array__":
        name, shape_of, data = inner
        dtype = np.dtype(str(name))
        if dtype.kind not in _KINDS or dtype.hasobject:
            raise ValueError("not a numeric array")
        shape = tuple(int(s) for s in shape_of)
        raw = base64.b64decode(data, validate=True)
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise ValueError("array of the wrong size")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if key == "__float__":
        return float(str(inner)) if str(inner) in ("nan", "inf", "-inf") else math.nan
    if key in ("__tuple__", "__list__"):
        items = [decode(v, depth + 1) for v in inner]
        return tuple(items) if key == "__tuple__" else items
    if key == "__object__":
        return Opaque(inner)
    raise ValueError("not plain data")


def frame(message: Message) -> bytes:
    """The bytes of one message (a dict): its length, then its JSON.

    >>> frame({"op": "loaded"})  # 16 bytes of JSON
    b'\\x00\\x00\\x00\\x10{"op": "loaded"}'
    """
    data = json.dumps(message, allow_nan=False).encode()
    return struct.pack(">I", len(data)) + data


def send(fd: int, message: Message) -> None:
    """Write one message (a dict) to the file descriptor ``fd``.

    >>> r, w = os.pipe()
    >>> send(w, {"op": "call", "name": "f", "args": encode([np.ones(2)])})
    >>> decode(receive(r)["args"]); os.close(r); os.close(w)
    [array([1., 1.])]
    """
    view = memoryview(frame(message))
    while view:
        view = view[os.write(fd, view):]


def read_exactly(fd: int, n: int, wait: Callable[[], None] | None = None) -> bytes:
    """``n`` bytes from ``fd``; ``wait()`` (if given) is called before each read and raises
    when the time is up, so a half-written message cannot hang the reader.

    >>> r, w = os.pipe(); _ = os.write(w, b"abcdef"); os.close(w)
    >>> read_exactly(r, 4), read_exactly(r, 2)
    (b'abcd', b'ef')
    >>> read_exactly(r, 1)  # the writer closed the channel
    Traceback (most recent call last):
    EOFError: the channel closed
    >>> os.close(r)
    """
    chunks: list[bytes] = []
    left = n
    while left:
        if wait is not None:
            wait()
        chunk = os.read(fd, min(left, 2**20))
        if not chunk:
            raise EOFError("the channel closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, wait: Callable[[], None] | None = None) -> Message:
    """Read one message; ValueError when it is not a well-formed one.

    >>> r, w = os.pipe(); _ = os.write(w, frame({"op": "loaded"}) + b"\\x7f\\xff\\xff\\xff")
    >>> receive(r)
    {'op': 'loaded'}
    >>> receive(r)  # a length past MAX_MESSAGE: a broken channel
    Traceback (most recent call last):
    ValueError: message too long
    >>> os.close(r); os.close(w)
    """
    (n,) = struct.unpack(">I", read_exactly(fd, 4, wait))
    if n > MAX_MESSAGE:
        raise ValueError("message too long")
    message = json.loads(read_exactly(fd, n, wait))
    if not isinstance(message, dict):
        raise ValueError("not a message")
    return message


_KINDS_OF = {"UsedDescentlab": "descentlab", "NotImplementedError": "not_written",
             "SystemExit": "exit", "MemoryError": "memory", "RecursionError": "recursion"}


def fault_of(exc: BaseException, path: str | None) -> dict[str, object]:
    """``{"kind", "type", "line"}`` of an exception raised by the learner's code: its type's
    name and the line in the learner's file, never its text (which may hold a file it read).

    >>> learner: dict = {}
    >>> exec(compile("def f(x):\\n    return x / 0\\n", "ann.py", "exec"), learner)
    >>> try:
    ...     learner["f"](1)
    ... except ZeroDivisionError as exc:
    ...     fault_of(exc, "ann.py")
    {'kind': 'exception', 'type': 'ZeroDivisionError', 'line': 2}
    """
    kind = next((k for cls in type(exc).__mro__ for n, k in _KINDS_OF.items()
                 if cls.__name__ == n), "exception")
    name = type(exc).__name__
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    return {"kind": kind, "type": name if name.isidentifier() and len(name) <= 40 else "?",
            "line": lines[-1] if lines else None}
