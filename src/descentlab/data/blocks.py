"""Row blocks from any source: an in-memory array, a NumPy memmap, or a ``.npy`` file
read piece by piece, so data larger than memory streams through in bounded memory.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError

DEFAULT_BLOCK_BYTES = 4 * 2**20  # 4 MiB of float64 per block: fits in cache
# The moments pass: a block big enough that the BLAS's symmetric product runs at full speed
# (thousands of rows: many of its panels), small enough that the shifted copy stays in the
# core's L2 cache between being written and being multiplied, so memory is read once.
GRAM_BLOCK_BYTES = 2 * 2**20


def block_rows_for(n_features: int, block_bytes: int = DEFAULT_BLOCK_BYTES, itemsize: int = 8) -> int:
    """How many rows of ``itemsize``-byte numbers make a block of about ``block_bytes``.

    Examples
    --------
    >>> block_rows_for(n_features=128, block_bytes=2**20)  # 1 MiB of 128 float64 a row
    1024
    """
    return max(64, block_bytes // (itemsize * max(1, n_features)))


def float_dtype(X: Any) -> np.dtype[Any]:
    """The dtype the fast paths compute ``X`` in: float32 stays float32, all else float64.

    Examples
    --------
    >>> import numpy as np
    >>> float_dtype(np.zeros(2, dtype=np.float32)), float_dtype(np.arange(2))
    (dtype('float32'), dtype('float64'))
    """
    return np.dtype(np.float32) if np.dtype(getattr(X, "dtype", np.float64)) == np.float32 \
        else np.dtype(np.float64)


def native_blocks(X: Any, y: Any = None, block_rows: int | None = None,
                  n_buffers: int = 2) -> Iterator[tuple[int, np.ndarray, Any]]:
    """Yield ``(start, X_block, y_block)`` in row order, in :func:`float_dtype` of ``X``.

    Unlike :func:`row_blocks` nothing is converted to float64 and an in-memory array's
    blocks are views, not copies; a memmap or :class:`NpyRows` is read into ``n_buffers``
    reusable buffers in turn, so each yielded ``X_block`` stays valid while the next
    ``n_buffers - 1`` are read (for consumers that work on blocks while the next arrive),
    not longer.

    Examples
    --------
    >>> import numpy as np
    >>> [(start, Xb.dtype.name, yb.tolist()) for start, Xb, yb in native_blocks(np.zeros((5, 1), np.float32), np.arange(5), 2)]
    [(0, 'float32', [0, 1]), (2, 'float32', [2, 3]), (4, 'float32', [4])]
    """
    if isinstance(X, np.memmap):
        X = NpyRows.of_memmap(X) or X
    dtype, n = float_dtype(X), X.shape[0]
    block_rows = block_rows or block_rows_for(X.shape[1], itemsize=dtype.itemsize)
    bufs = None
    if isinstance(X, NpyRows) and X.dtype == dtype and X.ndim == 2:
        bufs = [np.empty((min(block_rows, n), X.shape[1]), dtype=dtype) for _ in range(n_buffers)]
    for i, start in enumerate(range(0, n, block_rows)):
        stop = min(start + block_rows, n)
        Xb = X.read_into(start, bufs[i % n_buffers][:stop - start]) if bufs is not None else \
            np.asarray(X[start:stop], dtype=dtype)
        yb = None if y is None else np.asarray(y[start:stop])
        yield start, Xb, yb


def row_blocks(X: Any, y: Any = None, block_rows: int | None = None) -> Iterator[tuple[int, np.ndarray, Any]]:
    """Yield ``(start, X_block, y_block)`` in row order, each block as float64.

    ``X`` is anything with ``shape`` and row slicing (ndarray, memmap,
    :class:`NpyRows`); only one block is in memory as float64 at a time. A whole
    memmap is read through its file (:meth:`NpyRows.of_memmap`), so its pages do not
    pile up in this process's memory.

    Examples
    --------
    >>> import numpy as np
    >>> [(start, Xb.ravel().tolist()) for start, Xb, _ in row_blocks(np.arange(5).reshape(5, 1), block_rows=2)]
    [(0, [0.0, 1.0]), (2, [2.0, 3.0]), (4, [4.0])]
    """
    if isinstance(X, np.memmap):
        X = NpyRows.of_memmap(X) or X
    n = X.shape[0]
    block_rows = block_rows or block_rows_for(X.shape[1])
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        Xb = np.asarray(X[start:stop], dtype=np.float64)
        yb = None if y is None else np.asarray(y[start:stop], dtype=np.float64)
        yield start, Xb, yb


def shifted_blocks(X: Any, y: Any = None,
                   block_rows: int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray, Any]]:
    r"""Yield ``(shift, X_block - shift, y_block)``, ``shift`` the first block's column means.

    Sums of squares taken about a value close to the mean avoid the cancellation of
    :math:`\sum x^2 - N\mu^2` on data far from 0, in one pass. Each shifted block is a
    new array, so the caller's data is never written.

    Examples
    --------
    >>> import numpy as np
    >>> [(shift.tolist(), Xb.ravel().tolist()) for shift, Xb, _ in shifted_blocks(np.arange(4.0).reshape(4, 1), block_rows=2)]
    [([0.5], [-0.5, 0.5]), ([0.5], [1.5, 2.5])]
    """
    shift = None
    for _, Xb, yb in row_blocks(X, y, block_rows):
        if shift is None:
            shift = Xb.mean(axis=0)
        yield shift, Xb - shift, yb


class NpyRows:
    """A 2-D ``.npy`` file read a slice of rows at a time, never mapped whole.

    Unlike a memmap, whose pages count towards the process's resident memory once
    touched, only the block being read is in this process's memory, so a file far
    larger than memory streams with a small, bounded footprint.

    Parameters
    ----------
    path : str or Path
        A C-ordered 2-D (or 1-D) ``.npy`` file (``np.save`` writes these).

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     np.save(path := os.path.join(folder, "X.npy"), np.arange(6.0).reshape(3, 2))
    ...     rows, mm = NpyRows(path), np.load(path, mmap_mode="r")
    ...     print(rows.shape, rows.ndim, rows[1:3].tolist(), rows.read_into(2, np.empty((1, 2))).tolist())
    ...     print(NpyRows.of_memmap(mm), NpyRows.of_memmap(mm[1:]))  # a whole memmap's file; a view's: None
    (3, 2) 2 [[2.0, 3.0], [4.0, 5.0]] [[4.0, 5.0]]
    NpyRows('.../X.npy', shape=(3, 2), dtype=float64) None
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            with open(self.path, "rb") as fh:
                version = np.lib.format.read_magic(fh)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, fortran, dtype = read_header(fh)
                self._offset = fh.tell()
        except (OSError, ValueError) as exc:
            raise DescentlabError(f"cannot read {str(path)!r} as a .npy file ({exc}): "
                                  "save the array with numpy.save") from None
        if fortran or dtype.hasobject or len(shape) not in (1, 2):
            raise DescentlabError(f"{str(path)!r} must hold a C-ordered 1-D or 2-D numeric array")
        self.shape, self.dtype = shape, dtype
        self._row_bytes = dtype.itemsize * (shape[1] if len(shape) == 2 else 1)

    @classmethod
    def of_memmap(cls, mm: np.memmap[Any, Any]) -> "NpyRows | None":
        """The file behind a whole C-ordered NumPy memmap, read in blocks instead of mapped.

        Returns None for a memmap that is a view (sliced) or not C-ordered: use it as is.
        """
        import mmap

        if not (isinstance(mm.base, mmap.mmap) and mm.flags.c_contiguous and mm.ndim in (1, 2)
                and mm.filename):
            return None
        rows = cls.__new__(cls)
        rows.path, rows._offset = Path(mm.filename), mm.offset
        rows.shape, rows.dtype = mm.shape, mm.dtype
        rows._row_bytes = mm.dtype.itemsize * (mm.shape[1] if mm.ndim == 2 else 1)
        return rows

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: slice) -> np.ndarray:
        if not isinstance(rows, slice) or rows.step not in (None, 1):
            raise TypeError("NpyRows supports contiguous row slices only")
        start, stop, _ = rows.indices(self.shape[0])
        count = max(0, stop - start)
        with open(self.path, "rb") as fh:
            fh.seek(self._offset + start * self._row_bytes)
            flat = np.fromfile(fh, dtype=self.dtype, count=count * self._row_bytes // self.dtype.itemsize)
        return flat.reshape((count,) + tuple(self.shape[1:]))

    def read_into(self, start: int, out: np.ndarray) -> np.ndarray:
        """Read the rows ``start:start + len(out)`` into ``out`` (C-ordered, of this file's
        dtype) without allocating; returns ``out``."""
        with open(self.path, "rb") as fh:
            fh.seek(self._offset + start * self._row_bytes)
            got = fh.readinto(memoryview(out).cast("B"))  # type: ignore[arg-type]  # an ndarray is a buffer
        if got != out.nbytes:
            raise DescentlabError(f"{str(self.path)!r} ended early: it holds fewer rows than its header says")
        return out

    def __repr__(self) -> str:
        return f"NpyRows({str(self.path)!r}, shape={self.shape}, dtype={self.dtype})"
