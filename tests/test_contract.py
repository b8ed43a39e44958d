"""Schemathesis contract tests: the spec against the recorded mock, with envelope-aware checks.

Every operation in the spec is parametrized automatically (examples, coverage and fuzzing phases, fixed
seed). ITNIO answers errors as HTTP 200 envelopes, so the built-in checks that expect 401/4xx answers are
switched off and replaced by `envelope_matches_request`: unsigned or badly signed -> "-1", a body the
spec rejects -> "-22", anything else -> "0" or another code the spec documents.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, RECORDINGS_DIR, SPEC_PATH, MockServer, create_app
from itniotech_signing import sign
from openapi_schema_validator import OAS31Validator
from requests.structures import CaseInsensitiveDict
from schemathesis.config import SchemathesisConfig

CONTRACT_CONFIG: dict[str, Any] = {
    "seed": 20261204,
    "generation": {
        "mode": "all",
        "max-examples": 150,
        "deterministic": True,
        "database": "none",
        "no-shrink": True,
    },
    "phases": {"stateful": {"enabled": False}},
    # These expect HTTP 4xx errors; ITNIO answers errors as HTTP 200 envelopes (envelope_matches_request).
    "checks": {
        name: {"enabled": False}
        for name in (
            "ignored_auth",
            "negative_data_rejection",
            "missing_required_header",
            "unsupported_method",
            "positive_data_acceptance",
        )
    },
}
SIGNATURE_HEADERS = ("Api-Key", "Timestamp", "Sign")


def load_contract_schema(spec_path: Any = SPEC_PATH) -> Any:
    """The spec as a schemathesis schema, configured and signing every case."""
    loaded = schemathesis.openapi.from_path(spec_path, config=SchemathesisConfig.from_dict(CONTRACT_CONFIG))

    @loaded.auth(refresh_interval=None)
    class _Signer:
        """Signs each case at send time with the docs' example credentials (what the mock accepts)."""

        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
            return DOC_API_KEY

        def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
            timestamp = str(int(time.time()))
            case.headers = CaseInsensitiveDict(
                {
                    **dict(case.headers or {}),
                    "Api-Key": data,
                    "Timestamp": timestamp,
                    "Sign": sign(data, DOC_API_SECRET, timestamp),
                }
            )

    return loaded


# The growth test points these at a temporary copy of the spec with an extra operation.
CONTRACT_SPEC = Path(os.environ.get("ITNIO_CONTRACT_SPEC", SPEC_PATH))
CONTRACT_RECORDINGS = Path(os.environ.get("ITNIO_CONTRACT_RECORDINGS", RECORDINGS_DIR))
schema = load_contract_schema(CONTRACT_SPEC)
schema.app = create_app(spec_path=CONTRACT_SPEC, recordings_dir=CONTRACT_RECORDINGS)


def _documented_codes(operation: Any) -> set[str]:
    codes = {"0"}
    for response in operation.definition.raw.get("responses", {}).values():
        for media in response.get("content", {}).values():
            codes |= {
                str(ex["value"]["status"]) for ex in media.get("examples", {}).values() if "value" in ex
            }
    return codes


def _body_is_valid(case: schemathesis.Case) -> bool:
    raw = case.operation.definition.raw
    content = raw.get("requestBody", {}).get("content", {})
    if not content:
        return True
    body = case.body
    if isinstance(body, bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return False
    if body is None or type(body).__name__ == "NotSet":
        return not raw["requestBody"].get("required", False)
    media = next(iter(content.values()))
    root = {**media["schema"], "components": case.operation.schema.raw_schema.get("components", {})}
    return bool(OAS31Validator(root).is_valid(body))


def _is_signed(headers: dict[str, Any]) -> bool:
    timestamp = str(headers.get("Timestamp", ""))
    return headers.get("Api-Key") == DOC_API_KEY and headers.get("Sign") == sign(
        DOC_API_KEY, DOC_API_SECRET, timestamp
    )


@schemathesis.check
def envelope_matches_request(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """The envelope's status is the one the vendor's rules give for this request."""
    if response.status_code in (404, 405):  # a method the spec does not define: not an ITNIO operation
        return None
    assert response.status_code == 200, (
        f"ITNIO answers with HTTP 200 envelopes, got HTTP {response.status_code}"
    )
    status = str(response.json()["status"])
    if not _is_signed(dict(case.headers or {})):
        assert status == "-1", f"an unsigned or badly signed request got {status!r}, not '-1'"
    elif not _body_is_valid(case):
        assert status == "-22", f"a body the spec rejects got {status!r}, not '-22'"
    else:
        assert status in _documented_codes(case.operation) - {"-1", "-16", "-22"}, (
            f"a valid request got {status!r}"
        )
    return True


@schema.parametrize()
def test_mock_answers_every_operation_as_the_spec_documents(case: schemathesis.Case) -> None:
    response = case.call()
    case.validate_response(response, additional_checks=[envelope_matches_request])


@schema.parametrize()
def test_unsigned_and_badly_signed_requests_get_authentication_error(case: schemathesis.Case) -> None:
    signed = dict(case.headers or {})
    unsigned = {k: v for k, v in signed.items() if k not in SIGNATURE_HEADERS}
    for headers in (
        unsigned,
        {**signed, "Sign": "0" * 32},
        {**signed, "Api-Key": "someone-else"},
        {**signed, "Timestamp": "1"},
    ):
        case.headers = CaseInsensitiveDict(
            headers
        )  # the signer ran when the case was generated; replace its headers wholesale
        response = case.call()
        assert response.status_code in (200, 405), response.text
        if response.status_code == 200:
            assert response.json()["status"] == "-1", (headers, response.text)
    case.headers = CaseInsensitiveDict(signed)


@pytest.fixture(scope="module")
def loopback_mock() -> Iterator[MockServer]:
    with MockServer(spec_path=CONTRACT_SPEC, recordings_dir=CONTRACT_RECORDINGS) as server:
        yield server


@schema.parametrize()
def test_contract_holds_over_a_real_loopback_socket(
    case: schemathesis.Case, loopback_mock: MockServer
) -> None:
    response = case.call(base_url=loopback_mock.url)
    case.validate_response(response, additional_checks=[envelope_matches_request])
