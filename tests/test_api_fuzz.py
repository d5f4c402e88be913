"""A small bounded schemathesis pass over every API operation, in process (a few seconds).

Each operation gets a few generated requests (fuzzing; bench/fuzz_api.py runs the
larger pass with the coverage phase over a real server) and every response is checked
the way schemathesis checks them: no 5xx, a documented status, content type and body
schema, bad input refused. The store holds the seed reports, and path parameters are
real names and ids part of the time, so reads reach stories, not only 404s. A generated
`url` in a JSON body is pointed at 127.0.0.1 before the call, which the fetch guard
refuses without looking anything up: nothing leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode

from dugout.web import create_app

try:
    from tests.test_web_support import AUTH, TOKEN, Api, seed_records
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from test_web_support import AUTH, TOKEN, Api, seed_records

REAL = {
    "name": ["Carlo Ancelotti", "Real Madrid", "ancelotti"],
    "doc": ["000_f747a6ab05d9f706", "004_87e0b83675fd727f"],
    "entity_id": ["person:carlo-ancelotti", "Real Madrid"],
}


@pytest.fixture(scope="module")
def fuzz_schema(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = create_app(str(tmp_path_factory.mktemp("fuzz") / "fuzz.db"), TOKEN, False)
    api = Api(app)
    for record in seed_records(shared_dir):
        assert api.post("/api/articles", json=record, headers=AUTH).status_code == 201
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def fuzz(operation: Any, mode: GenerationMode) -> None:
    """A few generated requests to one operation, each response checked by schemathesis."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        for name, values in REAL.items():
            generated = str((case.path_parameters or {}).get(name, ""))
            if name in (case.path_parameters or {}) and len(generated) % 2 == 0:  # about half the time
                case.path_parameters[name] = values[len(generated) // 2 % len(values)]
        if isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
            case.body["url"] = "http://127.0.0.1:9/fuzz"  # refused as loopback, never resolved
        if case.method == "POST":
            # the POST also refuses what its schema cannot say (a date that is no real day, text of
            # spaces, a URL it cannot fetch): 422 is an answer, not a failure, as in bench/fuzz_api.py
            response = case.call_and_validate(headers=AUTH, excluded_checks=[positive_data_acceptance])
            assert response.status_code in (200, 201, 401, 403, 413, 415, 422), response.text
        else:
            case.call_and_validate(headers=AUTH)

    try:
        check()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # nothing in it can be wrong


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_api_conforms_to_its_openapi_document(fuzz_schema: Any, mode: GenerationMode) -> None:
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) == 11
    for operation in operations:
        fuzz(operation, mode)
