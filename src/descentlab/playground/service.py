"""Answering ``POST /api/train`` for a class: fair to every student, no work for nobody.

* **A cache** of answers, and one training per distinct request: equal settings asked
  while they train wait for the same run (a link the whole class opens trains once).
* **One request per client.** A client (a page, by the ``X-Client-Id`` it sends; else its
  connection) has at most one request in the server: a newer one replaces the older,
  which is answered 409 and, when nobody else waits for it, dropped from its queue or
  stopped within one epoch.
* **Nobody waits for nothing.** A request whose client goes away (the page aborted it:
  the slider moved on) is dropped from its queue, or its training stops within one
  epoch, unless another client waits for the same run.
* **Light before heavy.** Each request goes to the light or the heavy lane by its cost
  (:mod:`descentlab.playground.lanes`); a heavy one waits :data:`HEAVY_GRACE` before it
  starts, so that a student dragging a slider over a heavy setting replaces it instead of
  starting runs nobody will see.

The counts and CPU seconds of what was answered and what was abandoned are in
:attr:`Answers.stats` (``GET /api/stats``).
"""

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from descentlab.playground.lanes import LIGHT_US, Cancelled, Job, Lane, Ticket, cost, make_lanes
from descentlab.playground.runner import cache_key
from descentlab.playground.settings import validate

#: Answers kept: 128 of at most about 0.5 MB.
CACHE_SIZE = 128
#: Seconds a heavy request waits before it trains (a newer one from its client replaces it).
HEAVY_GRACE = 0.15


class Replaced(Exception):
    """A request replaced by a newer one of the same client.

    >>> import asyncio
    >>> async def slider_moved(answers):  # a heavy request (queued), then a newer one from the same tab
    ...     first = asyncio.ensure_future(answers.get({"model": "network", "epochs": 3000}, client="tab"))
    ...     await asyncio.sleep(0)
    ...     await answers.get({"epochs": 5}, client="tab")
    ...     return await asyncio.gather(first, return_exceptions=True)
    >>> answers = Answers()
    >>> asyncio.run(slider_moved(answers)), answers.stats["dropped"], answers.close()  # never trained
    ([Replaced()], 1, None)
    """


class Stopping(Exception):
    """The server is stopping: the request is not trained.

    >>> import asyncio
    >>> answers = Answers()
    >>> answers.close()
    >>> asyncio.run(answers.get({"epochs": 5}))
    Traceback (most recent call last):
    ...
    descentlab.playground.service.Stopping
    """


class Left(Exception):
    """The client went away before its answer (the page aborted the request).

    >>> import asyncio
    >>> async def gone():  # the page has closed the connection already
    ...     return None
    >>> answers = Answers()
    >>> asyncio.run(answers.get({"model": "network", "epochs": 3000}, "tab", gone))
    Traceback (most recent call last):
    ...
    descentlab.playground.service.Left
    >>> answers.stats["left"], answers.stats["dropped"], answers.close()  # dropped from its queue, untrained
    (1, 1, None)
    """


class Answers:
    """The answers of one server: ``await answers.get(body, client, gone)`` -> JSON bytes.

    Parameters
    ----------
    workers : int, default=1
        Slots of the light lane (the heavy lane has ``workers - 1``, at least 1); 1 trains
        in threads of this process, more in processes.

    Examples
    --------
    >>> import asyncio
    >>> answers = Answers(workers=1); answers.start()  # threads: they warm up in the background
    >>> first = asyncio.run(answers.get({"epochs": 3}))  # trained in a thread
    >>> asyncio.run(answers.get({"epochs": 3})) == first, answers.stats["answered"], answers.stats["cached"]
    (True, 1, 1)
    >>> answers.progress("nobody"), answers.snapshot()["answered"]  # no request of that client's
    ({'state': 'idle'}, 1)
    >>> answers.close()  # the thread ends
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.light, self.heavy = make_lanes(workers)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._jobs: dict[object, Job] = {}  # key -> Job, queued or training
        self._clients: dict[str, tuple[Job, Ticket]] = {}  # client -> (Job, ticket)
        self._stopping = False
        self.stats: dict[str, float] = {"answered": 0, "cached": 0, "replaced": 0, "left": 0, "dropped": 0, "stopped": 0,
                      "cpu_answered": 0.0, "cpu_abandoned": 0.0, "queued": 0, "training": 0}

    def start(self) -> None:
        """Start the workers and warm them up in the background; call it before starting
        other threads, so that the workers can be forked."""
        self.light.start_workers()
        self.heavy.start_workers()

    def close(self) -> None:
        """Stop: every queued request is refused, every training stops within one epoch."""
        self._stopping = True
        for job in list(self._jobs.values()):
            for ticket in job.tickets:
                if not ticket.done():
                    ticket.set_exception(Stopping())
        self.light.close()
        self.heavy.close()

    def progress(self, client: str) -> dict[str, object]:
        """Where ``client``'s request is: ``{"state": "idle"}``, ``{"state": "queued",
        "ahead": n}`` (requests before it in its lane) or ``{"state": "training", "epoch": k,
        "epochs": E}`` (epochs done of all), for the page's "training..." line."""
        held = self._clients.get(client)
        if held is None:
            return {"state": "idle"}
        job = held[0]
        if job.slot is None:
            ahead = next((i for i, j in enumerate(job.lane.queue) if j is job), 0)
            return {"state": "queued", "ahead": ahead}
        return {"state": "training", "epoch": int(job.lane.progress[job.slot]),
                "epochs": job.settings["epochs"]}

    def snapshot(self) -> dict[str, float]:
        """The stats, with the requests queued and training now."""
        jobs = list(self._jobs.values())
        return dict(self.stats, queued=sum(j.slot is None for j in jobs),
                    training=sum(j.slot is not None for j in jobs))

    async def get(self, body: object, client: str | None = None,
                  gone: Callable[[], Awaitable[object]] | None = None) -> bytes:
        """The answer to a request ``body`` from ``client`` (any hashable; None: anonymous).

        ``gone``, a function, returns an awaitable that completes when the client has left. Raises
        DescentlabError on bad settings, :class:`Replaced` when a newer request of the
        same client came, :class:`Stopping` when the server stops, and :class:`Left`
        when the client left.
        """
        settings = validate(body)
        cached = cache_key(settings)
        key: object = cached
        if isinstance(key, str) and key in self._cache:
            self._cache.move_to_end(key)
            self.stats["cached"] += 1
            self._replace(client, None, None)
            return self._cache[key]
        if self._stopping:
            raise Stopping()
        loop = asyncio.get_running_loop()
        job = self._jobs.get(key) if key is not None else None
        if job is None:
            light = cost(settings) < LIGHT_US
            lane = self.light if light else self.heavy
            job = Job(cached, settings, lane, time.monotonic() + (0 if light else HEAVY_GRACE))
            if key is None:
                key = object()  # an upload: not shared, not cached
            job.table_key = key
            self._jobs[key] = job
            lane.queue.append(job)
        ticket: Ticket = loop.create_future()
        job.tickets.append(ticket)
        self._replace(client, job, ticket)
        self._pump(job.lane)
        try:
            if gone is None:
                return await asyncio.shield(ticket)
            waiter = asyncio.ensure_future(gone())
            both: set[asyncio.Future[Any]] = {ticket, waiter}
            done, _ = await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
            if ticket in done:
                waiter.cancel()
                return ticket.result()
            self.stats["left"] += 1
            self._leave(job, ticket)
            raise Left()
        except asyncio.CancelledError:
            self._leave(job, ticket)
            raise
        finally:
            held = self._clients.get(client) if client is not None else None
            if client is not None and held is not None and held[1] is ticket:
                del self._clients[client]

    def _replace(self, client: str | None, job: Job | None, ticket: Ticket | None) -> None:
        """``client``'s newer request: its older one (another ticket) is answered 409."""
        if client is None:
            return
        old = self._clients.pop(client, None)
        if old is not None and old[1] is not ticket and not old[1].done():
            self.stats["replaced"] += 1
            old[1].set_exception(Replaced())
            self._leave(*old)
        if ticket is not None and job is not None:
            self._clients[client] = (job, ticket)

    def _leave(self, job: Job, ticket: Ticket) -> None:
        """A ticket leaves its job; a job nobody waits for is dropped or stopped."""
        if ticket in job.tickets:
            job.tickets.remove(ticket)
        if job.tickets:
            return
        if job.slot is None:
            if job in job.lane.queue:
                job.lane.queue.remove(job)
                self.stats["dropped"] += 1
                self._forget(job)
        else:  # stopped within one epoch; the same settings asked again train anew
            job.lane.stop(job.slot)
            self._forget(job)

    def _forget(self, job: Job) -> None:
        if self._jobs.get(job.table_key) is job:
            del self._jobs[job.table_key]

    def _pump(self, lane: Lane) -> None:
        """Start the lane's ready jobs on its free slots; look again when the next is ready."""
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        while lane.free and lane.queue and not self._stopping:
            job = lane.queue[0]
            if job.ready_at > now:  # one timer a lane: the first job in the queue is the next ready
                if lane.timer is None or lane.timer.cancelled() or lane.timer.when() > loop.time() + (
                        job.ready_at - now):
                    if lane.timer is not None:
                        lane.timer.cancel()
                    lane.timer = loop.call_later(job.ready_at - now + 0.001, self._wake, lane)
                return
            lane.queue.popleft()
            job.slot = lane.free.pop()
            future = lane.submit(loop, job.settings, job.slot)
            future.add_done_callback(functools.partial(self._finished, job))

    def _wake(self, lane: Lane) -> None:
        lane.timer = None
        self._pump(lane)

    def _finished(self, job: Job, future: asyncio.Future[tuple[bytes, float]]) -> None:
        lane = job.lane
        assert job.slot is not None  # it trained in a slot
        lane.free.append(job.slot)
        self._forget(job)
        waiting = [t for t in job.tickets if not t.done()]
        error = Stopping() if future.cancelled() else future.exception()
        if isinstance(error, BrokenProcessPool) and not self._stopping and not job.retried and waiting:
            lane.reset()  # a worker died (killed, out of memory): a new pool, and this job again, once
            job.retried, job.slot = True, None
            self._jobs[job.table_key] = job
            lane.queue.appendleft(job)
            self._pump(lane)
            return
        if isinstance(error, Cancelled):
            self.stats["stopped"] += 1
            self.stats["cpu_abandoned"] += error.args[0]
            for t in waiting:
                t.set_exception(Stopping())
        elif error is not None:
            for t in waiting:
                t.set_exception(error)
        else:
            content, cpu = future.result()
            if waiting:
                self.stats["answered"] += 1
                self.stats["cpu_answered"] += cpu
            else:
                self.stats["cpu_abandoned"] += cpu
            if job.key is not None:
                self._cache[job.key] = content
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            for t in waiting:
                t.set_result(content)
        if not self._stopping:
            self._pump(lane)
