"""schemathesis against the app's own /openapi.json (in process, over ASGI), with a bounded number of examples per
operation: no 5xx, and every response that has a documented schema matches it."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from assistant.engine import Assistant
from bots.http import create_app
from tests.bots.http.conftest import http_assistant, http_settings

__all__ = ["http_assistant"]

#: Per operation: enough to reach the odd shapes (empty strings, huge ints, unicode) while staying well under 30 s.
MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
def api_schema(
    tmp_path_factory: pytest.TempPathFactory, http_assistant: Assistant, corpus_index: Path
) -> schemathesis.BaseSchema:
    """The schema of an app over the shared corpus assistant, no auth (as `enroller serve` on loopback)."""
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    app = create_app(http_settings(data_dir, corpus_index, rate_limit=0), http_assistant)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


#: (method, path) of every operation exercised; the pytest plugin's lazy loader does not run on pytest 9, so each
#: operation's strategy is drawn from directly.
OPERATIONS = [
    ("POST", "/api/ask"),
    ("GET", "/api/search"),
    ("GET", "/api/tools"),
    ("POST", "/api/tools/{name}"),
    ("POST", "/api/help-requests/suggest"),
    ("POST", "/api/feedback"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_conforms(api_schema: schemathesis.BaseSchema, method: str, path: str) -> None:
    """No 5xx on any generated input; documented responses match their schema and content type."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call()
        assert response.status_code < 500, f"{method} {case.formatted_path}: {response.status_code} {response.text}"
        case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

    check()
