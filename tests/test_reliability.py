"""Faults injected by the mock, and what the SDK does about each: a typed error or a correct recovery."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, FAULT_HEADER, MockServer
from itniotech_signing import (
    ConfigurationError,
    DataNotFoundError,
    ItnioApiError,
    ItnioAuth,
    OperationTable,
    RetryPolicy,
    RetryTransport,
    TimestampExpiredError,
    UnexpectedResponseError,
    sign,
    signed_client,
)
from itniotech_voice import Client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest

BODY = SipResetRequest(account="1001", app_id="4luaKsL2")
FAST = RetryPolicy(backoff_initial=0.01, backoff_max=0.02)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def call(mock: MockServer, fault: str | None = None, **kwargs: Any) -> tuple[Any, int]:
    """Reset 1001 with `fault` on every request; return (the result or error, requests the mock saw)."""
    headers = {FAULT_HEADER: fault} if fault else {}
    before = mock.state.requests_served
    kwargs.setdefault("retry", FAST)
    with mock.client(headers=headers, **kwargs) as client:
        try:
            outcome: Any = sip_reset.sync(client=client, body=BODY)
        except Exception as exc:
            outcome = exc
    return outcome, mock.state.requests_served - before


def unique(fault: str) -> str:
    # Counting faults (first=N, expire-first=N) count per distinct header: make each test's header its own.
    return f"{fault},latency=0.00{next(_serial)}"


_serial = itertools.count(1)


def test_latency_within_the_timeout_still_succeeds(mock: MockServer) -> None:
    result, seen = call(mock, "latency=0.2")
    assert isinstance(result.data, SipResetData)
    assert seen == 1


def test_read_timeout_on_a_retry_safe_operation_is_retried_then_typed(mock: MockServer) -> None:
    result, seen = call(mock, "latency=1", timeout=0.2)
    assert isinstance(result, httpx.ReadTimeout)
    assert seen == FAST.max_attempts


def test_read_timeout_recovers_when_the_server_does(mock: MockServer) -> None:
    result, seen = call(mock, unique("latency=1,first=1"), timeout=0.3)
    assert isinstance(result.data, SipResetData)
    assert seen == 2


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_5xx_html_is_retried_for_retry_safe_operations(mock: MockServer, status: int) -> None:
    result, seen = call(mock, f"status={status}")
    assert isinstance(result, UnexpectedResponseError)
    assert result.http_status == status
    assert "Bad Gateway" in result.excerpt
    assert seen == FAST.max_attempts
    recovered, seen = call(mock, unique(f"status={status},first=2"))
    assert isinstance(recovered.data, SipResetData)
    assert seen == 3


def test_http_520_is_a_typed_error_without_retry(mock: MockServer) -> None:
    result, seen = call(mock, "status=520")
    assert isinstance(result, UnexpectedResponseError)
    assert (result.http_status, seen) == (520, 1)


@pytest.mark.parametrize(("fault", "message"), [("empty", "empty body"), ("truncated-json", "not JSON")])
def test_complete_but_unreadable_answers_are_typed_errors(mock: MockServer, fault: str, message: str) -> None:
    result, seen = call(mock, fault)
    assert isinstance(result, UnexpectedResponseError)
    assert message in str(result)
    assert seen == 1


@pytest.mark.parametrize("fault", ["truncate", "drop"])
def test_connection_lost_mid_answer_is_retried_then_typed(mock: MockServer, fault: str) -> None:
    result, seen = call(mock, fault)
    assert isinstance(result, UnexpectedResponseError)
    assert "could not be read" in str(result)
    assert seen == FAST.max_attempts
    recovered, seen = call(mock, unique(f"{fault},first=1"))
    assert isinstance(recovered.data, SipResetData)
    assert seen == 2


def test_numeric_status_is_read_as_its_string(mock: MockServer) -> None:
    result, _ = call(mock, "numeric-status")
    assert isinstance(result.data, SipResetData)
    assert result.status == "0"
    error, _ = call(mock, "numeric-status,code=-24")
    assert isinstance(error, DataNotFoundError)
    assert error.status == "-24"


def test_undocumented_code_is_the_base_api_error(mock: MockServer) -> None:
    result, seen = call(mock, "code=-99")
    assert type(result) is ItnioApiError
    assert (result.status, seen) == ("-99", 1)


def test_one_expired_timestamp_is_retried_with_a_fresh_signature(mock: MockServer) -> None:
    result, seen = call(mock, unique("expire-first=1"))
    assert isinstance(result.data, SipResetData)
    assert seen == 2


def test_expired_timestamp_twice_gives_up_with_a_typed_error(mock: MockServer) -> None:
    result, seen = call(mock, unique("expire-first=2"))
    assert isinstance(result, TimestampExpiredError)
    assert seen == 2


def test_retries_can_be_switched_off(mock: MockServer) -> None:
    result, seen = call(mock, unique("expire-first=1"), retry=RetryPolicy.disabled())
    assert isinstance(result, TimestampExpiredError)
    assert seen == 1
    result, seen = call(mock, "status=502", retry=RetryPolicy.disabled())
    assert (type(result), seen) == (UnexpectedResponseError, 1)


def test_total_deadline_bounds_the_retries(mock: MockServer) -> None:
    policy = RetryPolicy(max_attempts=50, backoff_initial=0.05, backoff_max=0.05, deadline=0.3)
    started = time.monotonic()
    result, seen = call(mock, "status=503", retry=policy)
    assert isinstance(result, UnexpectedResponseError)
    assert time.monotonic() - started < 2.0
    assert 2 <= seen < 50


@pytest.mark.parametrize("offset", [600, -600])
def test_skewed_clock_costs_one_extra_round_trip_then_none(offset: int) -> None:
    with MockServer(faults=[f"clock-offset={offset}"]) as skewed, skewed.client(retry=FAST) as client:
        first = sip_reset.sync(client=client, body=BODY)
        assert first is not None
        assert isinstance(first.data, SipResetData)
        assert skewed.state.requests_served == 2  # a -16, then the corrected retry
        for _ in range(3):
            sip_reset.sync(client=client, body=BODY)
        assert skewed.state.requests_served == 5  # later calls: no extra round-trip


def test_client_clock_ten_minutes_behind_recovers_too(mock: MockServer) -> None:
    auth = ItnioAuth(DOC_API_KEY, DOC_API_SECRET, clock=lambda: time.time() - 600)
    transport = RetryTransport(auth, policy=FAST)
    before = mock.state.requests_served
    with Client(base_url=mock.url, httpx_args={"auth": auth, "transport": transport}) as client:
        sip_reset.sync(client=client, body=BODY)
        sip_reset.sync(client=client, body=BODY)
    assert mock.state.requests_served - before == 3
    assert abs(auth.clock_offset - 600) < 5


def _flaky(
    failures: int, error: type[httpx.TransportError]
) -> tuple[httpx.MockTransport, list[dict[str, str]]]:
    sent: list[dict[str, str]] = []  # the headers of each attempt, as sent

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(dict(request.headers))
        if len(sent) <= failures:
            raise error("injected", request=request)
        return httpx.Response(200, json={"status": "0", "reason": "success", "data": {"password": "x"}})

    return httpx.MockTransport(handler), sent


def _client(
    inner: httpx.MockTransport, policy: RetryPolicy, operations: OperationTable | None = None
) -> Client:
    ticks = itertools.count(1_700_000_000)
    auth = ItnioAuth(DOC_API_KEY, DOC_API_SECRET, clock=lambda: float(next(ticks)))
    transport = RetryTransport(auth, policy=policy, operations=operations, transport=inner)
    return Client(base_url="https://api.itniotech.com", httpx_args={"auth": auth, "transport": transport})


def test_connection_failures_are_retried_with_backoff_each_attempt_freshly_signed() -> None:
    inner, sent = _flaky(2, httpx.ConnectError)
    with _client(inner, FAST) as client:
        result = sip_reset.sync(client=client, body=BODY)
    assert result is not None
    stamps = [headers["timestamp"] for headers in sent]
    assert len(stamps) == len(set(stamps)) == 3
    assert all(headers["sign"] == sign(DOC_API_KEY, DOC_API_SECRET, headers["timestamp"]) for headers in sent)


def test_connection_failures_give_up_after_max_attempts_with_httpx_error() -> None:
    inner, sent = _flaky(99, httpx.ConnectError)
    with _client(inner, FAST) as client, pytest.raises(httpx.ConnectError):
        sip_reset.sync(client=client, body=BODY)
    assert len(sent) == FAST.max_attempts


def test_maybe_processed_failures_are_not_retried_for_operations_not_marked_safe() -> None:
    inner, sent = _flaky(1, httpx.ReadTimeout)
    with _client(inner, FAST, OperationTable([])) as client, pytest.raises(httpx.ReadTimeout):
        sip_reset.sync(client=client, body=BODY)
    assert len(sent) == 1
    inner, sent = _flaky(1, httpx.ConnectError)  # not sent at all: safe for every operation
    with _client(inner, FAST, OperationTable([])) as client:
        assert sip_reset.sync(client=client, body=BODY) is not None
    assert len(sent) == 2


def test_the_spec_marks_sip_reset_retry_safe() -> None:
    table = OperationTable.packaged()
    assert table.retry_safe("POST", "/voice/sipReset")
    assert table.retry_safe("POST", "/reseller-prefix/voice/sipReset")
    assert not table.retry_safe("GET", "/voice/sipReset")
    assert not table.retry_safe("POST", "/voice/sendSip")


def test_backoff_is_exponential_capped_and_jittered() -> None:
    import random

    policy = RetryPolicy(backoff_initial=0.1, backoff_max=1.0)
    rng = random.Random(7)  # noqa: S311 (jitter, not secrets)
    waits = [[policy.backoff(n, rng) for n in range(1, 7)] for _ in range(50)]
    for n, ceiling in enumerate([0.1, 0.2, 0.4, 0.8, 1.0, 1.0]):
        column = [w[n] for w in waits]
        assert all(ceiling / 2 <= w <= ceiling for w in column)
        assert len(set(column)) > 1  # jitter


def test_invalid_policy_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        RetryPolicy(max_attempts=0)


def test_async_client_recovers_the_same_way(mock: MockServer) -> None:
    headers = {FAULT_HEADER: unique("status=502,first=1")}

    async def go() -> tuple[Any, int]:
        before = mock.state.requests_served
        async with mock.client(headers=headers, retry=FAST) as client:
            result = await sip_reset.asyncio(client=client, body=BODY)
        return result, mock.state.requests_served - before

    result, seen = asyncio.run(go())
    assert isinstance(result.data, SipResetData)
    assert seen == 2


def test_new_password_is_masked_in_the_model_repr(mock: MockServer) -> None:
    result, _ = call(mock)
    assert result.data.password not in repr(result)
    assert result.data.password not in str(result.data)
    assert "password=***" in repr(result.data)


def test_refused_connection_is_retried_then_raises_httpx_connect_error() -> None:
    with (
        signed_client(DOC_API_KEY, DOC_API_SECRET, base_url="http://127.0.0.1:9", retry=FAST) as client,
        pytest.raises(httpx.ConnectError),
    ):
        sip_reset.sync(client=client, body=BODY)


def test_unknown_fault_names_are_refused(mock: MockServer) -> None:
    response = httpx.post(f"{mock.url}/voice/sipReset", headers={FAULT_HEADER: "explode"})
    assert response.status_code == 400
    assert "unknown fault 'explode'" in response.text
    with pytest.raises(ValueError, match="not a number"):
        MockServer(faults=["latency=soon"])
    with pytest.raises(ValueError, match="100 to 599"):
        MockServer(faults=["status=42"])


def test_response_elapsed_is_set_over_a_real_socket_sync_and_async(mock: MockServer) -> None:
    # The retry layer reads each answer before httpx wraps it; httpx's own `elapsed` must survive that.
    payload = {"account": "1001", "appId": "4luaKsL2"}
    headers = {FAULT_HEADER: "latency=0.05"}
    with mock.client(retry=FAST) as client:
        answer = client.get_httpx_client().post("/voice/sipReset", json=payload, headers=headers)
    assert answer.elapsed.total_seconds() >= 0.05

    async def run() -> httpx.Response:
        async with mock.client(retry=FAST) as client:
            httpx_client = client.get_async_httpx_client()
            return await httpx_client.post("/voice/sipReset", json=payload, headers=headers)

    assert asyncio.run(run()).elapsed.total_seconds() >= 0.05
