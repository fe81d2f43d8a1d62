"""The fast path: the same loss and gradients as ``core``'s readable path, computed faster.

Between ``core`` (the math, written to be read) and ``estimators`` (which choose a path):
``gram`` (the augmented Gram matrix in one threaded pass over row blocks), ``moments``
(the data's :class:`~descentlab.fast.moments.Moments`: the squared loss in O(n^2) an epoch),
``objectives`` (the moments and fused full-batch objectives behind ``train(objective=)``),
``kernels`` and ``numba_kernel`` (one fused pass over X an epoch, Numba when installed),
``blockwise`` (sums over row blocks of a memmap or ``.npy`` file) and ``distributed``
(the same sums over a Dask array's chunks where they sit). Nothing here knows an estimator.
"""
