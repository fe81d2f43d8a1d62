"""What a run needs in memory, checked before anything is allocated, and files read with a cap.

A size the machine cannot hold (``--samples 99999999999999``, a model file whose hidden
layer has 10**12 units) should end in one line that says how much memory it would take
and how much there is, not in a MemoryError traceback, nor in the operating system
killing the process half-way (Linux lends memory it does not have until it is touched).
"""



import os
import stat

from descentlab.errors import DescentlabError

GIB = 2**30
#: Below this many bytes nothing is checked (not worth reading /proc/meminfo).
SMALL = 64 * 2**20
#: The largest JSON file (a model, a history.json) descentlab reads.
MAX_JSON_BYTES = 256 * 2**20


def available_bytes() -> int | None:
    """Memory that can be allocated now: MemAvailable of /proc/meminfo, else free pages.

    Returns None where neither is known (then nothing is refused).

    Examples
    --------
    >>> n = available_bytes()
    >>> n is None or n > 2**20  # at least a MiB, wherever it is known
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def gib(n_bytes: float) -> str:
    """``n_bytes`` in GiB, as text: three figures below 100 GiB, whole GiB with commas above.

    Examples
    --------
    >>> gib(3 * 2**28), gib(22.9 * 2**30), gib(447034 * 2**30)
    ('0.75 GiB', '22.9 GiB', '447,034 GiB')
    """
    value = n_bytes / GIB
    return f"{value:.3g} GiB" if value < 100 else f"{value:,.0f} GiB"


def check_memory(what: str, n_bytes: int, fix: str) -> int:
    """Raise a one-line :class:`DescentlabError` when ``n_bytes`` exceed the available memory.

    Parameters
    ----------
    what : str
        What would take the memory: ``"200 samples x 99999999 features"``.
    n_bytes : int or float
        The estimate (Python ints never overflow, so any size can be asked about).
    fix : str
        What to do instead: ``"use fewer --samples"``.

    Returns
    -------
    int
        ``n_bytes``, when it fits (or is under 64 MiB, which is not checked).

    Examples
    --------
    >>> check_memory("200 samples x 2 features", array_bytes(200, 2), "use fewer --samples")
    3200
    >>> check_memory("10**5 samples x 10**7 features", array_bytes(10**5, 10**7), "use fewer --samples")
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: 10**5 samples x 10**7 features would need about 7,451 GiB of memory but ... is available: use fewer --samples
    """
    if n_bytes < SMALL:
        return n_bytes
    available = available_bytes()
    if available is not None and n_bytes > available:
        raise DescentlabError(f"{what} would need about {gib(n_bytes)} of memory but "
                              f"{gib(available)} is available: {fix}")
    return n_bytes


def array_bytes(*shape: int, copies: int = 1, itemsize: int = 8) -> int:
    """Bytes of ``copies`` float64 arrays of ``shape`` (exact integers, no overflow).

    Examples
    --------
    >>> array_bytes(200, 3), array_bytes(10**6, 10**6, copies=2)
    (4800, 16000000000000)
    """
    n = copies * itemsize
    for size in shape:
        n *= int(size)
    return n


def read_text_capped(path: str | os.PathLike[str], what: str, limit: int | None = None) -> str:
    """The text of a file of at most ``limit`` bytes (:data:`MAX_JSON_BYTES` by default),
    UTF-8; one-line errors otherwise.

    A regular file is measured before it is read; anything else (a pipe, a device such
    as /dev/zero) is read up to the limit and no further.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with open(os.path.join(tmp, "m.json"), "w") as fh: _ = fh.write('{"w": 2}')
    ...     print(read_text_capped(os.path.join(tmp, "m.json"), "the model"))
    ...     try: read_text_capped(tmp, "the model")
    ...     except DescentlabError as exc: print(str(exc).split(": ", 1)[1])
    {"w": 2}
    it is a folder, not a file: pass the file's path
    """
    shown, limit = str(path), MAX_JSON_BYTES if limit is None else limit
    try:
        info = os.stat(path)  # before opening, which itself blocks on a FIFO
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            raise DescentlabError(f"cannot read {what} {shown!r}: it is a FIFO or a socket, not a "
                                  "file: save it to a regular file and pass that")
        if stat.S_ISDIR(info.st_mode):
            raise DescentlabError(f"cannot read {what} {shown!r}: it is a folder, not a file: "
                                  "pass the file's path")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_large(what, shown, limit)
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DescentlabError(f"cannot read {what} {shown!r} ({exc.strerror or exc}): "
                              "check the path") from None
    if len(data) > limit:
        raise _too_large(what, shown, limit)
    try:
        return data.decode("utf-8-sig")  # a byte-order mark some editors add is not content
    except UnicodeDecodeError:
        raise DescentlabError(f"cannot read {what} {shown!r}: it is not UTF-8 text: pass a "
                              "file written by descentlab") from None


def _too_large(what: str, shown: str, limit: int) -> DescentlabError:
    return DescentlabError(f"cannot read {what} {shown!r}: it is larger than {limit // 2**20} MiB, "
                           "more than descentlab writes: pass a file written by descentlab")

