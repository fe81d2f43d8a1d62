"""Data: the article's synthetic sets and their split, CSV files, and row blocks of data
too large for memory (memmaps, ``.npy`` streams)."""

from descentlab.data.synthetic import (
                                       NONLINEAR_SETS,
                                       Dataset,
                                       check_split_sizes,
                                       make_abs,
                                       make_article_data,
                                       make_blobs,
                                       make_sine,
                                       split,
)

__all__ = ["NONLINEAR_SETS", "Dataset", "check_split_sizes", "make_abs", "make_article_data",
           "make_blobs", "make_sine", "split"]
