"""fast/blas.py: the BLAS's threads through one threadpoolctl controller, read live."""

import numpy as np
import pytest

from descentlab.fast.blas import blas_threads, one_blas_thread
from descentlab.fast.gram import _pipeline, augmented_gram

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_count_follows_limits_set_elsewhere_and_the_pass_restores_it(threads):
    with threadpoolctl.threadpool_limits(threads, user_api="blas"):
        assert blas_threads() == threads
        with _pipeline() as (_, k):
            assert k == threads and blas_threads() == 1  # the pass's threads each on one BLAS thread
        assert blas_threads() == threads
        X = np.random.default_rng(0).normal(size=(3000, 5))
        G = augmented_gram(X, X[:, 0], block_rows=256)[0]
        assert blas_threads() == threads and np.isfinite(G).all()


def test_one_blas_thread_restores_the_count_after_an_error():
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        with pytest.raises(ZeroDivisionError), one_blas_thread():
            assert blas_threads() == 1
            raise ZeroDivisionError("a failure inside")
        assert blas_threads() == 2


def test_a_small_factorisation_runs_on_one_thread_a_large_one_on_all():
    from descentlab.fast.blas import SMALL_MATRIX, blas_for

    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        with blas_for(SMALL_MATRIX):
            assert blas_threads() == 1
        with blas_for(SMALL_MATRIX + 1):
            assert blas_threads() == 2
