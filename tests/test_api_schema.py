"""Schemathesis against the app's OpenAPI schema: generated requests (valid and invalid) for every operation,
checked for server errors, undocumented status codes, response bodies against their schemas, and rejection of
invalid input with a 4xx in the one JSON error shape."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis not installed (make test installs the extras)")
from hypothesis import HealthCheck, settings  # noqa: E402

from test_api import coder, store_path  # noqa: E402,F401  (module fixtures: the examples + seed store, the Coder)

from parley.web import create_app  # noqa: E402

# the app is made at import (schemathesis reads its schema to parametrize); the store and the Coder are set on
# it by the fixture below before any request is sent
APP = create_app("not-yet.duckdb", token_from_env=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _wire(store_path, coder):  # noqa: F811
    from parley.web.data import ReaderPool

    APP.state.pool = ReaderPool(str(store_path))
    APP.state.coder.coder = coder
    yield
    APP.state.pool.close()


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case):
    response = case.call_and_validate()
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["status"] == response.status_code
        assert 400 <= response.status_code < 500
