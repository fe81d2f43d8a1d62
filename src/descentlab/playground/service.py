"""Answering ``POST /api/train`` for a class: a cache, one training per distinct request in
flight, and the training off the event loop, in one thread or in a pool of processes.

One answer of 1,000 epochs is about 15 ms of CPU, almost all of it Python in the
library's ``train`` loop, which holds the GIL: threads of one process cannot train on two
cores at once (and eight of them at once only add switching). So:

* ``workers=1`` trains in one thread, first come first served;
* ``workers=N`` trains in ``N`` processes (each warmed up once: imports, the article's
  data), every request going to the first free one, so all cores train and a
  long run does not hold up the connections that a process-per-connection server would
  have pinned behind it.

The event loop (one process) validates, answers from the cache and writes the bytes; a
request already being trained is not trained twice: later asks wait for the same answer.
"""

import asyncio
import multiprocessing
import signal
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from descentlab.playground.runner import answer, cache_key, compute
from descentlab.playground.settings import validate

#: Answers kept: 128 of at most about 0.5 MB.
CACHE_SIZE = 128


def warm_up():
    """Import everything and answer the default request once (a worker's first task)."""
    try:
        answer({})
    except Exception:  # only a head start: a request will say what is wrong
        pass


def _context():
    """Fork while this process has one thread (the workers start at once with its imports:
    no 2 s of importing before the first answer); spawn otherwise, where forking is unsafe."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _worker_start():
    """A pool worker: Ctrl-C (sent to the terminal's whole process group) is the server's
    to handle, which then stops the pool; then the warm-up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()


class Answers:
    """The answers of one server: ``await answers.get(body)`` -> JSON bytes.

    Parameters
    ----------
    workers : int, default=1
        1 trains in a thread of this process; more trains in that many processes.
    """

    def __init__(self, workers=1):
        self.workers = workers
        self._executor = None
        self._cache = OrderedDict()
        self._in_flight = {}

    def executor(self):
        if self._executor is None:
            if self.workers == 1:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="descentlab-train")
            else:
                self._executor = ProcessPoolExecutor(self.workers, initializer=_worker_start,
                                                     mp_context=_context())
        return self._executor

    def start(self):
        """Start the workers and warm them up in the background (the first visitor does not wait);
        call it before starting other threads, so that the workers can be forked."""
        if self.workers == 1:  # a daemon thread: a Ctrl-C during the warm-up does not wait for it
            threading.Thread(target=warm_up, daemon=True).start()
            return
        executor = self.executor()
        for _ in range(self.workers):  # a pool starts one process per task while none is idle
            executor.submit(int)

    def close(self):
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def _train(self, settings):
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor(), compute, settings)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool, once
            self.close()
            return await loop.run_in_executor(self.executor(), compute, settings)

    async def get(self, body):
        """The answer to a request ``body``; raises DescentlabError on bad settings."""
        settings = validate(body)
        key = cache_key(settings)
        if key is None:
            return await self._train(settings)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        task = self._in_flight.get(key)
        if task is None:
            task = self._in_flight[key] = asyncio.ensure_future(self._train(settings))
            task.add_done_callback(lambda done: self._store(key, done))
        return await asyncio.shield(task)  # a client that leaves does not cancel the others' run

    def _store(self, key, task):
        del self._in_flight[key]
        if task.cancelled() or task.exception() is not None:
            return
        self._cache[key] = task.result()
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
