import os

# scikit-learn's array_api_dispatch needs SciPy's array-API mode, set before SciPy is imported
# (tests/estimators/test_array_api.py); NumPy inputs behave as without it
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import matplotlib

matplotlib.use("Agg")


import pytest


@pytest.fixture(scope="session")
def article_run():
    """The article's run with the default settings (trained once for the whole session)."""
    from descentlab.lessons.article import run_tutorial

    return run_tutorial(log=None)
