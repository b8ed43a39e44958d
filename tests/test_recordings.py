"""Docs fidelity: the recordings, the spec's examples and the mock tell the same story."""

from __future__ import annotations

import importlib
import json
import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, MockServer, Recording, load_recordings
from itniotech_signing import ItnioApiError, ItnioAuth, sign
from itniotech_voice import Client
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from .conftest import DOC_SIGN, DOC_TIMESTAMP

RECORDINGS = load_recordings()
DOCS_CLOCK = float(DOC_TIMESTAMP)


def _ids(recordings: list[Recording]) -> list[str]:
    return [r.name for r in recordings]


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _response_examples(operation: dict[str, Any]) -> list[Any]:
    media = operation["responses"]["200"]["content"]["application/json"]
    return [example["value"] for example in media["examples"].values()]


def test_the_docs_sample_is_recorded_verbatim() -> None:
    docs = next(r for r in RECORDINGS if r.name == "00-docs-success")
    assert (docs.method, docs.path) == ("POST", "/voice/sipReset")
    assert docs.headers == {
        "Content-Type": "application/json;charset=UTF-8",
        "Sign": DOC_SIGN,
        "Timestamp": str(DOC_TIMESTAMP),
        "Api-Key": DOC_API_KEY,
    }
    assert docs.body == {"account": "account", "appId": "4luaKsL2"}
    assert docs.response_body == {
        "status": "0",
        "reason": "success",
        "data": {"account": "account", "password": "Zi6CsOka"},
    }


def test_recordings_carry_only_the_docs_example_credentials() -> None:
    for recording in RECORDINGS:
        assert recording.headers["Api-Key"] == DOC_API_KEY
        well_signed = sign(DOC_API_KEY, DOC_API_SECRET, recording.headers["Timestamp"])
        # Either signed with the docs' secret, or (the -1 recording) with no secret at all.
        assert recording.headers["Sign"] in (well_signed, "0" * 32), recording.name


@pytest.mark.parametrize("recording", RECORDINGS, ids=_ids(RECORDINGS))
def test_each_recording_validates_against_the_spec(recording: Recording, spec: dict[str, Any]) -> None:
    api = OpenAPI.from_dict(spec)
    request = MockRequest(
        spec["servers"][0]["url"],
        recording.method.lower(),
        recording.path,
        headers=dict(recording.headers),
        data=json.dumps(recording.body).encode(),
        content_type=recording.headers["Content-Type"],
    )
    request_errors = api.unmarshal_request(request).errors
    assert (not request_errors) is recording.request_conforms, request_errors
    response = MockResponse(
        json.dumps(recording.response_body).encode(),
        status_code=recording.response_status,
        content_type="application/json",
    )
    assert api.unmarshal_response(request, response).errors == []


def test_spec_examples_and_recordings_agree(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        recorded = [r for r in RECORDINGS if (r.method, r.path) == (method, path)]
        assert recorded, f"{method} {path} has no recording"
        assert all(r.operation_id == operation["operationId"] for r in recorded)
        examples = _response_examples(operation)
        responses = [r.response_body for r in recorded]
        assert sorted(map(json.dumps, examples)) == sorted(map(json.dumps, responses)), (
            f"{operation['operationId']}: the spec's response examples and the recordings drifted apart"
        )
        request_examples = [
            ex["value"]
            for media in operation["requestBody"]["content"].values()
            for ex in media["examples"].values()
        ]
        successes = [r.body for r in recorded if r.response_body.get("status") == "0"]
        assert request_examples == successes


def _generated_module(spec: dict[str, Any], recording: Recording) -> Any:
    operation = next(op for _, _, op in _operations(spec) if op["operationId"] == recording.operation_id)
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", recording.operation_id).lower()
    return importlib.import_module(f"itniotech_voice.api.{operation['tags'][0]}.{snake}")


@pytest.fixture(scope="module")
def docs_clock_mock() -> Iterator[MockServer]:
    with MockServer(clock=DOCS_CLOCK) as server:
        yield server


@pytest.mark.parametrize("recording", RECORDINGS, ids=_ids(RECORDINGS))
def test_replaying_each_recording_through_the_sdk_gives_the_recorded_outcome(
    recording: Recording, spec: dict[str, Any], docs_clock_mock: MockServer
) -> None:
    timestamp = recording.headers["Timestamp"]
    well_signed = recording.headers["Sign"] == sign(DOC_API_KEY, DOC_API_SECRET, timestamp)
    auth = ItnioAuth(
        recording.headers["Api-Key"],
        DOC_API_SECRET if well_signed else "not-the-secret",
        clock=lambda: float(timestamp),
    )
    module = _generated_module(spec, recording)
    body_type = typing.get_type_hints(module.sync)["body"]
    with Client(base_url=docs_clock_mock.url, httpx_args={"auth": auth}) as client:
        expected = recording.response_body
        if expected["status"] == "0":
            result = module.sync(client=client, body=body_type.from_dict(recording.body))
            assert result.to_dict() == expected
        else:
            with pytest.raises(ItnioApiError) as info:
                module.sync(client=client, body=body_type.from_dict(recording.body))
            assert type(info.value) is ItnioApiError.documented_codes()[expected["status"]]
            assert (info.value.status, info.value.reason) == (expected["status"], expected["reason"])
