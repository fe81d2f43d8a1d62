"""``descentlab fit FOLDER`` and ``--scheduler ADDRESS``: fit where the data lives.

A folder of CSV or Parquet files is read lazily with ``dask.dataframe``
(:func:`descentlab.data.folders.read_folder`); with a scheduler address the rows are read,
persisted and trained on by that cluster's workers (``distributed.Client(ADDRESS)``), each
epoch one reduction over the chunks (:mod:`descentlab.fast.distributed`). The
metrics bring back one prediction (and a classifier's probabilities) and one target value
a row, never the features.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.estimators.device import Array

if TYPE_CHECKING:
    from descentlab.data.folders import FolderData
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.workflow import FitConfig

CONNECT_TIMEOUT_S = 5
#: A scheduler's handshake comes at once; this long without one means something else listens.
HANDSHAKE_S = 2.0


@contextmanager
def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Iterator[Any]:  # a distributed.Client
    """A ``distributed.Client`` to the scheduler at ``address``, the default while open;
    a one-line error when it cannot be reached within ``timeout`` seconds.

    >>> with connect("tcp://127.0.0.1:1"):  # nothing listens there
    ...     pass
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot reach a Dask scheduler at 'tcp://127.0.0.1:1' (...): start one with 'dask scheduler', or check the address
    """
    try:
        from distributed import Client
    except ImportError:
        raise DescentlabError("--scheduler needs dask.distributed: pip install "
                              "'dask[distributed]'") from None
    _answers_as_dask(address, timeout)
    try:
        client = Client(address, timeout=timeout, set_as_default=True)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise DescentlabError(f"cannot reach a Dask scheduler at {address!r} within {timeout} s "
                              f"({type(exc).__name__}): start one with 'dask scheduler' and "
                              "'dask worker ADDRESS', or check the address") from None
    try:
        yield client
    finally:
        client.close()


def _answers_as_dask(address: str, timeout: float) -> None:
    """One-line error unless ``address`` (``tcp://host:port`` or ``host:port``) answers as a
    Dask scheduler within ``timeout`` seconds. A scheduler writes its handshake first, an
    8-byte length then a small header; a web server says nothing until asked, and its
    bytes read as a length (``HTTP/1.1``: 3 EiB) would make Dask wait or allocate forever."""
    import socket
    import struct
    import time

    scheme, _, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("", "tcp") or not port.isdigit():
        return  # tls://, inproc://, ...: Dask's own checks
    deadline = time.monotonic() + min(timeout, HANDSHAKE_S)
    first = b""
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout) as sock:
            while len(first) < 8 and time.monotonic() < deadline:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = sock.recv(8 - len(first))
                if not chunk:
                    break
                first += chunk
    except (OSError, ValueError) as exc:
        if not isinstance(exc, socket.timeout):
            reason = exc.strerror if isinstance(exc, OSError) else None
            raise DescentlabError(f"cannot reach a Dask scheduler at {address!r} ({reason or exc}): "
                                  "start one with 'dask scheduler', or check the address") from None
    if len(first) < 8 or not 0 < struct.unpack("<Q", first)[0] < 2**20:
        raise DescentlabError(f"{address!r} does not answer as a Dask scheduler within {min(timeout, HANDSHAKE_S):g} s "
                              "(something else listens there, e.g. a web server): give the "
                              "scheduler's address, e.g. tcp://host:8786")


def measure_dask(estimator: "GDEstimator", X: Array, y: Array) -> dict[str, float | int | None]:
    """The metrics of :func:`descentlab.estimators.workflow.measure` for Dask arrays: the
    predictions (and a classifier's probabilities) are made chunk by chunk on the workers
    (:mod:`descentlab.estimators.dask_predict`) and only they and ``y`` come back.

    >>> import dask.array as da
    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> reg = GDRegressor().fit(X, y)
    >>> round(measure_dask(reg, da.from_array(X, chunks=2), da.from_array(y, chunks=2))["r2"], 3)
    1.0
    """
    import dask

    if hasattr(estimator, "classes_"):
        from sklearn.metrics import accuracy_score, log_loss

        pred, proba, y = dask.compute(estimator.predict(X), estimator.predict_proba(X), y)
        return {"accuracy": float(accuracy_score(y, pred)),
                "log_loss": float(log_loss(y, proba, labels=estimator.classes_))}
    from descentlab.core.metrics import regression_metrics

    pred, y = dask.compute(estimator.predict(X), y)
    return regression_metrics(y, pred)


def _dask_data(config: "FitConfig", labels: bool) -> "FolderData":
    """The folder's (or the CSV file's) rows as Dask arrays and their description."""
    from pathlib import Path

    if Path(config.csv).is_dir():
        from descentlab.data.folders import read_folder

        return read_folder(config.csv, features=config.features, target=config.target,
                           labels=labels)
    import dask.array as da

    from descentlab.data.csvfile import check_fit_data, read_csv
    from descentlab.data.folders import FolderData

    data = read_csv(config.csv, features=config.features, target=config.target, labels=labels)
    check_fit_data(data)
    rows = max(1, -(-data.X.shape[0] // 8))  # a few chunks, so every worker gets some
    return FolderData(da.from_array(data.X, chunks=(rows, -1)), da.from_array(data.y, chunks=rows),
                      data.features, data.target, data.path, [data.path])


def fit_dask(config: "FitConfig", callbacks: Sequence[Any] = (),
             on_start: Callable[["FolderData", "GDEstimator"], object] | None = None,
             ) -> tuple["GDEstimator", int, list[str], dict[str, dict[str, float | int | None]]]:
    """:func:`descentlab.estimators.workflow.fit_csv` for a folder of files or a cluster.

    Returns ``estimator, n_rows, features, metrics``, the parts of its ``FitResult``.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from descentlab.estimators.workflow import FitConfig
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     csv = Path(folder, "line.csv")
    ...     _ = csv.write_text("x,y\\n0,1\\n1,3\\n2,5\\n3,7\\n")
    ...     estimator, n_rows, features, metrics = fit_dask(FitConfig(csv=str(csv), target="y"))
    >>> n_rows, features, round(metrics["train"]["r2"], 3)
    (4, ['x'], 1.0)
    """
    import dask

    estimator = config.estimator()
    if estimator.batch_size is not None and "batch_size" not in config.params:
        import warnings  # a network's default mini-batches: Dask trains full-batch, so say it

        estimator.set_params(batch_size=None)
        warnings.warn(f"a Dask fit trains full-batch (each epoch one reduction over the chunks), "
                      f"so {type(estimator).__name__}'s default batch_size="
                      f"{config.estimator().batch_size} becomes None here", stacklevel=2)
    labels = config.task == "classification"
    cluster: AbstractContextManager[Any] = connect(config.scheduler) if config.scheduler else nullcontext()
    with cluster:
        data = _dask_data(config, labels)
        X_train, y_train, X_test, y_test = data.X, data.y, None, None
        if config.test_size > 0:
            keep = _split_mask(X_train.shape[0], X_train.chunks[0], config.test_size, config.seed)
            X_test, y_test = X_train[~keep], y_train[~keep]
            X_train, y_train = X_train[keep], y_train[keep]
            X_train, X_test = X_train.compute_chunk_sizes(), X_test.compute_chunk_sizes()
            y_train, y_test = y_train.compute_chunk_sizes(), y_test.compute_chunk_sizes()
        X_train, y_train = dask.persist(X_train, y_train)  # read the files once
        if on_start is not None:
            on_start(data, estimator)
        estimator.fit(X_train, y_train, callbacks=callbacks)
        metrics = {"train": measure_dask(estimator, X_train, y_train)}
        if X_test is not None:
            metrics["test"] = measure_dask(estimator, X_test, y_test)
    return estimator, int(data.X.shape[0]), data.features, metrics


def _split_mask(n: int, chunks: Sequence[int], test_size: float, seed: int) -> Array:
    """A seeded random choice of the rows to train on, as a Dask array chunked like the rows."""
    import dask.array as da

    n_test = min(max(1, round(test_size * n)), n - 1)
    keep = np.ones(n, dtype=bool)
    keep[np.random.default_rng(seed).permutation(n)[:n_test]] = False
    return da.from_array(keep, chunks=(chunks,))
