"""What an estimator trains on: standardised rows, or a fast path's full-batch objective.

:class:`descentlab.estimators.base.GDEstimator` builds a :class:`Problem` from the rows;
:func:`descentlab.estimators.fast.objectives.fast_problem` builds one from the data's moments or a fused pass.
"""

from descentlab.core.stepsize import curvature, hessian_bound


class Problem:
    """What :meth:`GDEstimator.fit` trains on: standardised rows, or a fast-path objective.

    ``Z``, ``t``: the standardised features and the target (None with an ``objective``);
    ``attrs``: the target's attributes (``y_mean_``, ``classes_``, ...); ``x_mean``,
    ``x_scale``: the features' standardisation; ``objective``: a full-batch objective for
    :func:`descentlab.core.trainer.train`, or None; ``sample_weight``: the rows' weights
    (mean 1) for the rows path, or None.
    """

    def __init__(self, *, Z=None, t=None, attrs=None, x_mean, x_scale, objective=None,
                 n_samples=None, batch_size=None, sample_weight=None):
        self.Z, self.t, self.attrs = Z, t, attrs or {}
        self.x_mean, self.x_scale, self.objective = x_mean, x_scale, objective
        self.n_samples = Z.shape[0] if n_samples is None else n_samples
        self.n_features = x_mean.shape[0]
        self.batch_size = batch_size
        self.sample_weight = sample_weight  # rows' weights of mean 1, or None

    def curvature(self, loss):
        """The loss's largest curvature :math:`L` (:func:`descentlab.core.stepsize.curvature`):
        from an objective's own :math:`\\lambda_{\\max}` when it has one, else from the rows."""
        if self.objective is not None and hasattr(self.objective, "curvature"):
            return hessian_bound(loss) * self.objective.curvature()
        return curvature(self.Z, loss, self.batch_size, sample_weight=self.sample_weight)

    def close(self):
        if hasattr(self.objective, "close"):
            self.objective.close()
