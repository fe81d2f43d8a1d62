"""Fast full-batch objectives for the linear regressor: the data's moments (one pass,
then O(n^2) an epoch) and a fused pass (one pass over X an epoch, Numba when installed).
Each gives the same loss and gradients as the readable path, behind ``train(objective=)``."""
