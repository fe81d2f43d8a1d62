"""The playground API tests' shared client (a starlette TestClient, one per test module)."""

import pytest

from helpers import playground_client


@pytest.fixture(scope="module")
def client():
    return playground_client()
