"""Schemathesis over the app's own OpenAPI schema: generated requests (valid and invalid) to
every operation never cause a 5xx, and every response matches its documented status, media
type and schema. Examples are bounded so the run stays quick."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app

pytestmark = pytest.mark.integration

# Coverage-phase boundary cases for every cheap operation; the answer-composing ones (each
# call ranks and composes a cited answer) get examples and bounded fuzzing only.
CONFIG = SchemathesisConfig.from_str("""
seed = 4
[[operations]]
include-path-regex = "^/(ask|v1/chat/completions)$"
phases.coverage.enabled = false
""")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


@pytest.fixture(scope="module")
def api_schema(read_settings, assistant):
    app = create_app(read_settings, assistant=assistant)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_openapi_conformance(case) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)
