"""Property tests: whatever comes back, the SDK gives a model or an ItnioError; the mock never answers 5xx."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, FAULT_HEADER, MockServer, create_app
from itniotech_signing import ItnioError, RetryPolicy, signed_client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest, SipResetResponse

BODY = SipResetRequest(account="1001", app_id="4luaKsL2")
NO_WAIT = RetryPolicy(backoff_initial=0, backoff_max=0, max_attempts=2)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
# Envelope-shaped JSON, to reach deep into the success path too.
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["0", 0, "-24", -16, "-99", "", None, 0.0, True]) | json_values,
        "reason": json_values,
        "data": st.none()
        | json_values
        | st.fixed_dictionaries({}, optional={"account": json_values, "password": json_values}),
        "code": json_values,
    },
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 404, 429, 500, 502, 503, 504, 520, 599])


def _outcome(status: int, content: bytes) -> object:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=content))
    client = signed_client(DOC_API_KEY, DOC_API_SECRET, retry=NO_WAIT, httpx_args={"transport": transport})
    try:
        with client:
            return sip_reset.sync(client=client, body=BODY)
    except ItnioError as error:
        return error


def _check(outcome: object) -> None:
    assert isinstance(outcome, SipResetResponse | ItnioError), type(outcome)
    assert DOC_API_SECRET not in str(outcome)


@PROPERTY_SETTINGS
@given(status=statuses, content=st.binary(max_size=300))
def test_any_bytes_with_any_status_give_a_model_or_an_itnio_error(status: int, content: bytes) -> None:
    _check(_outcome(status, content))


@PROPERTY_SETTINGS
@given(status=statuses, body=json_values | envelopes)
def test_any_json_with_any_status_gives_a_model_or_an_itnio_error(status: int, body: Any) -> None:
    _check(_outcome(status, json.dumps(body).encode()))


@PROPERTY_SETTINGS
@given(body=envelopes)
def test_async_path_agrees_with_the_sync_path(body: Any) -> None:
    content = json.dumps(body).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))

    async def go() -> object:
        client = signed_client(
            DOC_API_KEY, DOC_API_SECRET, retry=NO_WAIT, httpx_args={"transport": transport}
        )
        try:
            async with client:
                return await sip_reset.asyncio(client=client, body=BODY)
        except ItnioError as error:
            return error

    sync_outcome, async_outcome = _outcome(200, content), asyncio.run(go())
    assert type(sync_outcome) is type(async_outcome)
    _check(async_outcome)


header_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz-ABCXYZ0123456789", min_size=1, max_size=12
).filter(lambda name: name.lower() != FAULT_HEADER.lower())
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    path=st.sampled_from(["/voice/sipReset", "/voice/sipReset/", "/", "/voice", "/voice/sipReset?x=1"])
    | st.text(alphabet="/abcdefgh%.", max_size=20).map(lambda p: "/" + p),
    headers=st.dictionaries(header_names, header_values, max_size=6),
    signed=st.booleans(),
    content=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_mock_never_answers_5xx_to_arbitrary_requests(
    method: str, path: str, headers: dict[str, str], signed: bool, content: bytes
) -> None:
    if signed:
        from itniotech_signing import sign

        headers = {**headers, "Api-Key": DOC_API_KEY, "Timestamp": "1630468800"}
        headers["Sign"] = sign(DOC_API_KEY, DOC_API_SECRET, "1630468800")

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=_FUZZ_APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return await client.request(method, path, content=content, headers=headers)

    response = asyncio.run(go())
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        assert "status" in response.json()


_FUZZ_APP = create_app(clock=1630468800)


def test_debug_logs_of_a_real_exchange_with_retries_hold_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        MockServer(faults=["clock-offset=600"]) as mock,
        mock.client(headers={FAULT_HEADER: "status=502,first=1"}) as client,
    ):
        result = sip_reset.sync(client=client, body=BODY)
    assert result is not None
    messages = caplog.text
    assert "httpcore" in messages or "HTTP Request" in messages, "expected httpx/httpcore debug records"
    assert "retry" in messages
    assert DOC_API_SECRET not in messages
    assert "Sign" not in messages
    assert isinstance(result.data, SipResetData)
    assert isinstance(result.data.password, str)
    assert result.data.password not in messages
