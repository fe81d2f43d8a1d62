"""Old import paths keep working: ``descentlab.pipeline`` is ``descentlab.lessons.article``.

Before the package had rooms (``core``, ``data``, ``estimators``, ``lessons``, ``viz``,
``outputs``, ``cli``) every module sat at the top. Code written then imports, say,
``descentlab.trainer``; a finder on ``sys.meta_path`` hands it the module's new home
under its old name, with a DeprecationWarning that names the new path.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

MOVED = {
    "activations": "core.activations", "analysis": "core.quadratic", "chunks": "data.blocks",
    "collapse": "lessons.collapse", "csvdata": "data.csvfile", "estimator_base": "estimators.base",
    "fastfit": "estimators.fast.objectives", "fastlinear": "estimators.fast.kernels",
    "fileio": "files", "fitting": "estimators.workflow", "fused_kernel": "estimators.fast.numba_kernel",
    "history": "core.history", "layers": "core.layers", "logistic": "lessons.logistic",
    "losses": "core.losses", "metrics": "core.metrics", "models": "core.models",
    "network": "core.network", "network_estimator": "estimators.network",
    "nonlinear": "lessons.nonlinear", "optimizers": "core.optimizers", "persist": "estimators.persist",
    "pipeline": "lessons.article", "problem": "estimators.problem", "scaling": "core.scaling",
    "schedules": "core.schedules", "showcase": "outputs.media", "stepsize": "core.stepsize",
    "studies": "lessons.lr_study", "trainer": "core.trainer", "validation": "settings",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        warnings.warn(f"{spec.name} moved to {self.target}: import it from there",
                      DeprecationWarning, stacklevel=3)
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _OldPaths(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != "descentlab" or name not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, _Alias(f"descentlab.{MOVED[name]}"))


def install():
    if not any(isinstance(f, _OldPaths) for f in sys.meta_path):
        sys.meta_path.append(_OldPaths())
