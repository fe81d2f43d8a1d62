"""Where answers train: two lanes, light and heavy, each a few slots that stop when told.

A class sends two kinds of requests: light ones (the article's 61 epochs: about 1 ms of
CPU) and heavy ones (a network on 1,000 samples in batches of 16: seconds). In one queue
a heavy run holds up every light one behind it. So each request is priced by
:func:`cost` (microseconds of training, estimated from its settings) and goes to its
lane: light requests never wait behind a heavy one, and heavy ones never fill every
core (with ``workers=N`` the heavy lane has ``N - 1`` slots, at least 1).

A slot is a thread (``workers=1``) or a process (more). Each slot has a flag in shared
memory; a training checks its flag after every epoch (:func:`run_in_slot`), so a run
whose every client has gone stops within one epoch, and the CPU it spent is counted.
"""

import asyncio
import math
import multiprocessing
import signal
import threading
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.context import BaseContext
from typing import Protocol

from descentlab.playground.runner import Cancelled, answer, compute_stoppable
from descentlab.playground.settings import Settings

#: A request waiting for its answer (the JSON bytes).
Ticket = asyncio.Future[bytes]


class Slots(Protocol):
    """One small integer per training slot, shared with the workers: a ``bytearray`` or a
    list in threads, a ``multiprocessing.RawArray`` across processes."""

    def __getitem__(self, slot: int, /) -> int: ...
    def __setitem__(self, slot: int, value: int, /) -> None: ...
    def __len__(self) -> int: ...

#: Requests estimated under this many microseconds of training are light.
LIGHT_US = 50_000
#: Microseconds per update: the moments' full-batch step, a step on rows, a network's step.
US_MOMENTS, US_ROWS, US_NETWORK = 7.0, 25.0, 60.0

_FLAGS: Slots | None = None  # a worker process's view of the slots' flags (set by its initializer)
_PROGRESS: Slots | None = None  # and of the epochs each slot's training has done


def cost(s: Settings) -> float:
    """The estimated microseconds of training of validated settings ``s``.

    >>> from descentlab.playground.settings import validate
    >>> cost(validate({}))  # the article's 61 epochs on the moments: the light lane
    427.0
    >>> cost(validate({"model": "network", "hidden": 32, "epochs": 3000})) > LIGHT_US
    True
    """
    rows = s["samples"] if s["data"] != "csv" else 2000
    rows = math.ceil(rows * (1 - s.get("test_size", 0.2)))
    per_epoch = 1 if s["batch_size"] is None else math.ceil(rows / min(s["batch_size"], rows))
    if s["model"] == "network":
        unit = US_NETWORK + 2.0 * s["hidden"]
    elif s["model"] == "linear" and s["batch_size"] is None:
        unit = US_MOMENTS
    else:
        unit = US_ROWS
    return float(s["epochs"] * per_epoch * unit)


def run_in_slot(settings: Settings, slot: int, flags: Slots | None = None,
                progress: Slots | None = None) -> tuple[bytes, float]:
    """Train ``settings`` in slot ``slot``: (JSON bytes, CPU seconds), or raise
    :class:`Cancelled` (with the CPU seconds) once the slot's flag is set; the epochs done
    go to the slot's ``progress``.

    >>> from descentlab.playground.settings import validate
    >>> progress = [0]
    >>> content, cpu = run_in_slot(validate({"epochs": 5}), 0, flags=bytearray(1), progress=progress)
    >>> progress, content[:18]
    ([5], b'{"model":"linear",')
    >>> run_in_slot(validate({}), 0, flags=bytearray([1]), progress=[0])  # its flag set: stopped
    Traceback (most recent call last):
    ...
    descentlab.playground.runner.Cancelled: ...
    """
    flags_of = _FLAGS if flags is None else flags
    progress_of = _PROGRESS if progress is None else progress
    assert flags_of is not None and progress_of is not None  # given, or a worker's (_worker_start)

    def stop(epochs_done: int) -> bool:
        progress_of[slot] = epochs_done
        return flags_of[slot] != 0

    return compute_stoppable(settings, stop)


def warm_up() -> None:
    """Import everything and answer the default request once (a worker's first task).

    >>> from descentlab.playground import problems
    >>> problems._synthetic.cache_clear()
    >>> warm_up()  # never raises: a request will say what is wrong
    >>> problems._synthetic.cache_info().currsize  # the default request's data, ready
    1
    """
    try:
        answer({})
    except Exception:  # only a head start: a request will say what is wrong
        pass


def _worker_start(flags: Slots, progress: Slots) -> None:
    """A pool worker: Ctrl-C (sent to the terminal's whole process group) is the server's
    to handle, which then stops the pool; the slots' flags and progress; then the warm-up."""
    global _FLAGS, _PROGRESS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server ends its workers with SIGTERM
    _FLAGS, _PROGRESS = flags, progress
    warm_up()


def _context() -> BaseContext:
    """Fork while this process has one thread (the workers start at once with its imports);
    spawn otherwise, where forking is unsafe."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Job:
    """One training: the settings, the requests (tickets) waiting for it, its slot.

    >>> from descentlab.playground.settings import validate
    >>> Job(None, validate({}), make_lanes(1)[0], ready_at=0.0)  # queued: no slot yet
    Job(lane='light', waiting=0, slot=None)
    """

    def __init__(self, key: str | None, settings: Settings, lane: "Lane", ready_at: float) -> None:
        self.table_key: object = key
        self.key, self.settings, self.lane, self.ready_at = key, settings, lane, ready_at
        self.tickets: list[Ticket] = []
        self.slot: int | None = None
        self.retried = False

    def __repr__(self) -> str:
        return f"Job(lane={self.lane.name!r}, waiting={len(self.tickets)}, slot={self.slot})"


class Lane:
    """One lane: ``size`` slots (threads, or processes when ``processes``), a queue of jobs
    waiting for a slot, and the flags that stop a slot's training.

    >>> lane = Lane("light", 2, first_slot=0, flags=bytearray(2), progress=[0, 0], processes=False)
    >>> lane.stop(1)  # slot 1's training stops after its epoch
    >>> lane, list(lane.flags)
    (Lane('light', size=2, free=2, queued=0), [0, 1])
    """

    def __init__(self, name: str, size: int, first_slot: int, flags: Slots, progress: Slots,
                 processes: bool) -> None:
        self.name, self.size, self.flags, self.processes = name, size, flags, processes
        self.progress = progress
        self.free = list(range(first_slot, first_slot + size))
        self.queue: deque[Job] = deque()
        self.timer: asyncio.TimerHandle | None = None  # the event loop's timer that starts the next job once ready
        self._executor: Executor | None = None

    def __repr__(self) -> str:
        return f"Lane({self.name!r}, size={self.size}, free={len(self.free)}, queued={len(self.queue)})"

    def executor(self) -> Executor:
        """The lane's pool, made on first use: threads, or processes (:func:`_context`).

        >>> lane = make_lanes(1)[0]
        >>> type(lane.executor()).__name__, lane.executor() is lane.executor()
        ('ThreadPoolExecutor', True)
        """
        if self._executor is None:
            if self.processes:
                self._executor = ProcessPoolExecutor(self.size, initializer=_worker_start,
                                                     initargs=(self.flags, self.progress),
                                                     mp_context=_context())
            else:
                self._executor = ThreadPoolExecutor(self.size, thread_name_prefix=f"descentlab-{self.name}")
        return self._executor

    def start_workers(self) -> None:
        """Start the processes and warm them up in the background (a daemon thread for
        threads: a Ctrl-C during the warm-up does not wait for it).

        >>> import threading; from descentlab.playground import problems; problems._synthetic.cache_clear()
        >>> make_lanes(1)[0].start_workers()  # threads: a warm-up in the background
        >>> for t in threading.enumerate():  # wait for it
        ...     if t.name.endswith("(warm_up)"): t.join()
        >>> problems._synthetic.cache_info().currsize  # the default request's data, ready
        1
        """
        if not self.processes:
            threading.Thread(target=warm_up, daemon=True).start()
            return
        executor = self.executor()
        for _ in range(self.size):  # a pool starts one process per task while none is idle
            executor.submit(int)

    def submit(self, loop: asyncio.AbstractEventLoop, settings: Settings,
               slot: int) -> asyncio.Future[tuple[bytes, float]]:
        """Start ``settings`` in ``slot`` (its flag cleared); an asyncio future.

        >>> import asyncio; from descentlab.playground.settings import validate
        >>> lane = make_lanes(1)[0]
        >>> async def train(): return await lane.submit(asyncio.get_running_loop(), validate({"epochs": 5}), 0)
        >>> content, cpu = asyncio.run(train()); lane.close()
        >>> content[:18], list(lane.progress)  # the epochs each slot's training has done
        (b'{"model":"linear",', [5, 0])
        """
        self.flags[slot], self.progress[slot] = 0, 0
        if self.processes:
            return loop.run_in_executor(self.executor(), run_in_slot, settings, slot)
        return loop.run_in_executor(self.executor(), run_in_slot, settings, slot, self.flags, self.progress)

    def stop(self, slot: int) -> None:
        self.flags[slot] = 1

    def reset(self) -> None:
        """A new pool after a worker died; the old one's processes are left to end.

        >>> lane = make_lanes(1)[0]; old = lane.executor()
        >>> lane.reset(); lane.executor() is old
        False
        """
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        """Stop: every slot's training stops within one epoch; worker processes (which
        may be warming up, or between epochs) are ended at once.

        >>> light, heavy = make_lanes(1); light.executor()
        <concurrent.futures.thread.ThreadPoolExecutor object at ...>
        >>> light.close(); list(light.flags)  # the flags both lanes share: every slot told to stop
        [1, 1]
        """
        for slot in range(len(self.flags)):
            self.flags[slot] = 1
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list(getattr(executor, "_processes", {}).values()) if self.processes else []
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # they hold nothing worth keeping: no need to wait
            if process.is_alive():
                process.terminate()


def make_lanes(workers: int) -> tuple[Lane, Lane]:
    """The light and the heavy lane of a server with ``workers`` training slots a lane (the
    heavy one ``workers - 1``, at least 1), and their shared flags.

    >>> [(lane.name, lane.size, lane.processes) for lane in make_lanes(1)]  # threads; nothing starts yet
    [('light', 1, False), ('heavy', 1, False)]
    """
    heavy = max(1, workers - 1)
    processes = workers > 1
    size = workers + heavy
    flags: Slots = multiprocessing.RawArray("b", size) if processes else bytearray(size)
    progress: Slots = multiprocessing.RawArray("i", size) if processes else [0] * size
    return (Lane("light", workers, 0, flags, progress, processes),
            Lane("heavy", heavy, workers, flags, progress, processes))


__all__ = ["Cancelled", "Job", "Lane", "Ticket", "cost", "make_lanes", "run_in_slot", "warm_up", "LIGHT_US"]
