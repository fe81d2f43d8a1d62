"""The BLAS's threads, through threadpoolctl (a dependency of scikit-learn).

threadpoolctl finds the loaded BLAS libraries by scanning the process's shared objects:
about a millisecond, tens of them on a busy machine, each time ``threadpool_info()`` or
``threadpool_limits()`` is called. :func:`blas_controller` scans once; the rest ask the
controller it made, whose thread counts are read live.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

#: The largest order of a matrix factored with the BLAS on one thread (:func:`blas_for`): on
#: the 2-core VM, busy, the 2-thread factorisations of orders 128 to 512 took 1 to 10 times
#: as long as on one thread; idle, about as long.
SMALL_MATRIX = 512

_CONTROLLER: list[Any] = []


def blas_controller() -> Any:
    """threadpoolctl's ``ThreadpoolController``, made once (None without threadpoolctl).

    >>> blas_controller() is blas_controller()
    True
    """
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return None
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def blas_threads() -> int | None:
    """The threads the BLAS uses now, the most of any BLAS loaded (None when none is known).

    >>> blas_threads() >= 1
    True
    """
    controller = blas_controller()
    if controller is None:
        return None
    return max((lib.num_threads for lib in controller.select(user_api="blas").lib_controllers), default=None)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """The BLAS on one thread meanwhile: for the threads of a parallel pass, or a small
    factorisation whose BLAS threads would wait for each other for microseconds of work
    (milliseconds to hundreds of them on a machine busy with other work).

    >>> with one_blas_thread():
    ...     blas_threads()
    1
    """
    controller = blas_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


def blas_for(n: int) -> AbstractContextManager[None]:
    """:func:`one_blas_thread` for a factorisation of an ``n`` x ``n`` matrix up to
    :data:`SMALL_MATRIX`, whose BLAS threads would wait for each other for microseconds of
    work; the BLAS as it is for a larger one.

    >>> with blas_for(100):
    ...     blas_threads()
    1
    """
    return one_blas_thread() if n <= SMALL_MATRIX else nullcontext()
