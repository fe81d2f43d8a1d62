import matplotlib

matplotlib.use("Agg")


import pytest


@pytest.fixture(scope="session")
def article_run():
    """The article's run with the default settings (trained once for the whole session)."""
    from descentlab.lessons.article import run_tutorial

    return run_tutorial(log=None)
