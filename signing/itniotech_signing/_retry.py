"""The retry layer: an httpx transport that retries what is safe to retry, re-signing every attempt.

What it retries (see :class:`RetryPolicy`, and README "Reliability"):

* a ``-16`` (Timestamp expired) answer, once, with a fresh signature — after learning the clock offset from
  the answer's ``Date`` header, so a client whose clock is minutes off recovers in one extra round-trip;
* failures before the request left (connection refused or timed out, no pooled connection free), for every
  operation, with bounded exponential backoff and jitter;
* failures after it may have been processed (read timeout, a dropped connection, HTTP 502/503/504) only for
  operations the spec marks ``x-itnio-retry-safe: true`` (read from ``operations.json``, written by
  ``make generate``).

All of it within one total deadline per call.
"""

from __future__ import annotations

import datetime
import functools
import json
import logging
import random
import re
import time
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ._auth import ItnioAuth
from ._envelope import normalize_status
from ._errors import ConfigurationError, ItnioError, UnexpectedResponseError

__all__ = ["OperationTable", "RetryPolicy", "RetryTransport"]

logger = logging.getLogger("itniotech_signing")

#: Raised before the request left this machine: repeating it cannot repeat its effect.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Raised after the request may have reached the server.
_MAYBE_PROCESSED = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
_TIMESTAMP_EXPIRED = "-16"


@dataclass(frozen=True)
class RetryPolicy:
    """How the SDK retries. ``RetryPolicy.disabled()`` turns all of it off.

    Attributes:
        enabled: the off switch.
        max_attempts: attempts per call for connection failures and retry-safe failures (the first included).
        backoff_initial: seconds before the first retry; doubles each time...
        backoff_max: ...up to this; each wait is drawn from [half, all] of it (jitter).
        deadline: seconds a call may spend across all its attempts and waits before giving up.
        retry_expired_timestamp: retry a ``-16`` answer once, freshly signed.
        clock_skew_tolerance: learn the server's clock from ``Date`` when ours is further off than this.
        retry_statuses: HTTP statuses that mean "maybe processed, try again" for retry-safe operations.

    """

    enabled: bool = True
    max_attempts: int = 4
    backoff_initial: float = 0.25
    backoff_max: float = 4.0
    deadline: float = 60.0
    retry_expired_timestamp: bool = True
    clock_skew_tolerance: float = 5.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({502, 503, 504}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.backoff_initial < 0 or self.backoff_max < 0 or self.deadline <= 0:
            raise ConfigurationError(f"RetryPolicy: invalid settings {self!r}")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """Return a policy that never retries and never adjusts the clock."""
        return cls(enabled=False, max_attempts=1, retry_expired_timestamp=False)

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry`` (1-based): exponential, capped, jittered."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2 ** (retry - 1))
        return rng.uniform(ceiling / 2, ceiling)


class OperationTable:
    """Which operations the spec marks retry-safe, by method and path (``operations.json``)."""

    def __init__(self, operations: Iterable[Mapping[str, Any]]) -> None:
        self._safe: list[tuple[str, re.Pattern[str]]] = []
        self._cache: dict[tuple[str, str], bool] = {}
        for op in operations:
            if op.get("retrySafe"):
                template = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(str(op["path"])))
                # Suffix match: a base URL may carry a path prefix of its own.
                self._safe.append((str(op["method"]).upper(), re.compile(f"(?:^|.*?){template}$")))

    @classmethod
    def packaged(cls) -> OperationTable:
        """Return the table generated from the spec this SDK was built from (read once per process)."""
        return _packaged_table()

    def retry_safe(self, method: str, path: str) -> bool:
        """Whether ``method path`` may be sent again after it may have been processed."""
        key = (method, path)
        safe = self._cache.get(key)
        if safe is None:
            if len(self._cache) > 1024:  # paths with parameters vary; keep the memo bounded
                self._cache.clear()
            safe = self._cache[key] = any(m == method and p.match(path) for m, p in self._safe)
        return safe


@functools.cache
def _packaged_table() -> OperationTable:
    from importlib import resources  # deferred, like asyncio and email below: import time is a feature too

    text = resources.files("itniotech_signing").joinpath("operations.json").read_text(encoding="utf-8")
    return OperationTable(json.loads(text)["operations"])


@dataclass
class _Send:
    request: httpx.Request


@dataclass
class _Sleep:
    seconds: float


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps the real transport (sync and async alike) with the retry policy and clock-skew learning.

    ``transport`` is the inner transport (e.g. ``httpx.MockTransport``); when omitted, httpx's own
    ``HTTPTransport`` / ``AsyncHTTPTransport`` are built from ``transport_kwargs`` (``verify``, ``limits``).
    """

    def __init__(
        self,
        auth: ItnioAuth,
        *,
        policy: RetryPolicy | None = None,
        operations: OperationTable | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        **transport_kwargs: Any,
    ) -> None:
        self.auth = auth
        self.policy = policy or RetryPolicy()
        self.operations = operations or OperationTable.packaged()
        self._given = transport
        self._transport_kwargs = transport_kwargs
        self._sync: httpx.BaseTransport | None = (
            transport if isinstance(transport, httpx.BaseTransport) else None
        )
        self._async: httpx.AsyncBaseTransport | None = (
            transport if isinstance(transport, httpx.AsyncBaseTransport) else None
        )
        self._last_date: str | None = None
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)

    def __repr__(self) -> str:
        return f"RetryTransport(policy={self.policy!r}, transport={self._given!r})"

    # --- the policy, written once for both worlds ---
    def _plan(self, request: httpx.Request) -> _Plan:
        policy = self.policy
        started = time.monotonic()
        safe = self.operations.retry_safe(request.method, request.url.path)
        attempt, expired_retried = 1, False
        while True:
            outcome = yield _Send(request)
            if isinstance(outcome, httpx.Response):
                self._learn_clock(outcome)
                if (
                    policy.retry_expired_timestamp
                    and not expired_retried
                    and _envelope_status(outcome) == _TIMESTAMP_EXPIRED
                    and time.monotonic() - started < policy.deadline
                ):
                    expired_retried = True
                    logger.info(
                        "%s %s: timestamp expired, retrying once freshly signed",
                        request.method,
                        request.url.path,
                    )
                    self.auth.sign_request(request)
                    continue
                if not (safe and outcome.status_code in policy.retry_statuses):
                    return outcome
                failure = f"HTTP {outcome.status_code}"
            elif isinstance(outcome, Exception):
                if not (isinstance(outcome, _NOT_SENT) or (safe and isinstance(outcome, _MAYBE_PROCESSED))):
                    raise outcome
                failure = type(outcome).__name__
            else:  # pragma: no cover - only a sleep resumes with None, and sleeps are not sends
                continue
            wait = policy.backoff(attempt, self._rng)
            if (
                not policy.enabled
                or attempt >= policy.max_attempts
                or time.monotonic() - started + wait > policy.deadline
            ):
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            logger.info(
                "%s %s: %s, retry %d of %d in %.2f s",
                request.method,
                request.url.path,
                failure,
                attempt,
                policy.max_attempts - 1,
                wait,
            )
            yield _Sleep(wait)
            attempt += 1
            self.auth.sign_request(request)

    def _settled(self, outcome: httpx.Response | Exception) -> bool:
        """Whether a first outcome needs no retry decision at all (then the plan is never built).

        The clock is learned only from answers that go on to the plan: a settled answer did not reject our
        timestamp, so its Date has nothing to teach.
        """
        if not isinstance(outcome, httpx.Response):
            return False
        policy = self.policy
        if outcome.status_code in policy.retry_statuses:
            return False
        return not (policy.retry_expired_timestamp and _envelope_status(outcome) == _TIMESTAMP_EXPIRED)

    def _learn_clock(self, response: httpx.Response) -> None:
        # get_list, not get: a missing header costs get() a raised and caught KeyError, on every call.
        dates = response.headers.get_list("date") if self.policy.enabled else None
        if not dates or dates[0] == self._last_date:  # Date has one-second resolution: parse each value once
            return
        date = dates[0]
        self._last_date = date
        import email.utils

        try:
            server_now = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return  # a malformed Date header teaches nothing
        skew = server_now - self.auth.local_time()
        learned = skew if abs(skew) > self.policy.clock_skew_tolerance else 0.0
        if abs(learned - self.auth.clock_offset) > self.policy.clock_skew_tolerance:
            logger.warning("server clock differs from ours by %+.0f s; signing with corrected time", skew)
            self.auth.clock_offset = learned

    # --- sync ---
    def _inner_sync(self) -> httpx.BaseTransport:
        if self._sync is None:
            if self._given is not None:
                raise ConfigurationError(
                    "the transport in httpx_args is async-only; it cannot serve a sync client"
                )
            self._sync = httpx.HTTPTransport(**self._transport_kwargs)
        return self._sync

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` under the retry policy (sync)."""
        inner = self._inner_sync()
        outcome, cut_off = _send_sync(inner, request)
        if self._settled(outcome):  # the common case: one attempt, nothing to retry
            return outcome  # type: ignore[return-value]  # _settled implies a Response
        driver = _Driver(self._plan(request))
        driver.advance(outcome, cut_off=cut_off)
        while (step := driver.step) is not None:
            if isinstance(step, _Sleep):
                time.sleep(step.seconds)
                driver.advance(None)
            else:
                driver.advance(*_send_sync(inner, step.request))
        return driver.result()

    def close(self) -> None:
        """Close the inner sync transport."""
        if self._sync is not None:
            self._sync.close()

    # --- async ---
    def _inner_async(self) -> httpx.AsyncBaseTransport:
        if self._async is None:
            if self._given is not None:
                raise ConfigurationError(
                    "the transport in httpx_args is sync-only; it cannot serve an async client"
                )
            self._async = httpx.AsyncHTTPTransport(**self._transport_kwargs)
        return self._async

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` under the retry policy (async)."""
        inner = self._inner_async()
        outcome, cut_off = await _send_async(inner, request)
        if self._settled(outcome):
            return outcome  # type: ignore[return-value]
        driver = _Driver(self._plan(request))
        driver.advance(outcome, cut_off=cut_off)
        while (step := driver.step) is not None:
            if isinstance(step, _Sleep):
                import asyncio  # an async caller has imported it already

                await asyncio.sleep(step.seconds)
                driver.advance(None)
            else:
                driver.advance(*await _send_async(inner, step.request))
        return driver.result()

    async def aclose(self) -> None:
        """Close the inner async transport."""
        if self._async is not None:
            await self._async.aclose()


_Outcome = tuple[httpx.Response | Exception, int | None]


def _send_sync(inner: httpx.BaseTransport, request: httpx.Request) -> _Outcome:
    """Make one attempt: the read response, or the exception (and the HTTP status if the body broke off)."""
    started = time.perf_counter()
    try:
        response = inner.handle_request(request)
    except httpx.TransportError as exc:
        return exc, None
    if not response.is_stream_consumed:  # e.g. httpx.MockTransport answers come already read
        try:
            response.read()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return exc, response.status_code
        _stamp_elapsed(response, started)
    return response, None


async def _send_async(inner: httpx.AsyncBaseTransport, request: httpx.Request) -> _Outcome:
    """Make one attempt, async (see :func:`_send_sync`)."""
    started = time.perf_counter()
    try:
        response = await inner.handle_async_request(request)
    except httpx.TransportError as exc:
        return exc, None
    if not response.is_stream_consumed:  # e.g. httpx.MockTransport answers come already read
        try:
            await response.aread()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return exc, response.status_code
        _stamp_elapsed(response, started)
    return response, None


def _stamp_elapsed(response: httpx.Response, started: float) -> None:
    # httpx sets `elapsed` when it closes the live stream it wraps around an answer; this layer reads that
    # stream first, so httpx never would: it is set here instead (request sent to body read, as httpx's).
    response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)


_Plan = Generator[_Send | _Sleep, httpx.Response | Exception | None, httpx.Response]


class _Driver:
    """Feeds outcomes into a plan; what the sync and async senders share."""

    def __init__(self, plan: _Plan) -> None:
        self._plan = plan
        self._result: httpx.Response | None = None
        self._cut_off: dict[int, int] = {}  # id(exception) -> HTTP status, for bodies lost mid-read
        self.step: _Send | _Sleep | None = next(plan)

    def advance(self, outcome: httpx.Response | Exception | None, cut_off: int | None = None) -> None:
        if cut_off is not None and outcome is not None:
            self._cut_off[id(outcome)] = cut_off
        try:
            self.step = self._plan.send(outcome)
        except StopIteration as done:
            self.step, self._result = None, done.value
        except (httpx.TransportError, httpx.DecodingError) as exc:
            if id(exc) in self._cut_off:  # the answer started but its body never arrived whole
                raise UnexpectedResponseError(
                    f"body could not be read ({type(exc).__name__})",
                    http_status=self._cut_off[id(exc)],
                    excerpt="",
                ) from exc
            raise

    def result(self) -> httpx.Response:
        if self._result is None:  # cannot happen: the loop ends only when the plan returns an answer
            raise ItnioError("internal error: the retry plan ended without an answer")
        return self._result


def _envelope_status(response: httpx.Response) -> str | None:
    # Cheap first: only an answer that mentions -16 is parsed here (the envelope check parses it anyway).
    if response.status_code != httpx.codes.OK or b"-16" not in response.content:
        return None
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return normalize_status(body.get("status", body.get("code"))) if isinstance(body, dict) else None
