"""The recorded mock as an ASGI app: enforces the signing rule, replays recordings, answers from the spec."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import hmac
import json
import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itniotech_signing import ItnioApiError, sign
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._faults import FAULT_HEADER, Fault, parse_faults
from ._paths import RECORDINGS_DIR, SPEC_PATH
from ._recordings import Recording, canonical_body, load_recordings
from ._spec import Operation, SpecIndex

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_APP_IDS",
    "DOC_API_KEY",
    "DOC_API_SECRET",
    "Behaviour",
    "MockContext",
    "MockState",
    "create_app",
]

# The vendor's published example credentials (public, not a real account).
DOC_API_KEY = "bDqJFiq9"
DOC_API_SECRET = "7bz1lzh9"  # noqa: S105 (the vendor's published example, not a real secret)
DEFAULT_APP_IDS = ("4luaKsL2",)
DEFAULT_ACCOUNTS = ("account", "1001", "1002", "1003")
_PASSWORD_ALPHABET = string.ascii_letters + string.digits
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class MockState:
    """What the mock remembers between requests; tests read it to check what the server now accepts."""

    app_ids: set[str]
    #: account -> its current SIP password (``None`` until the first reset).
    passwords: dict[str, str | None]
    any_account: bool = False
    requests_served: int = 0
    #: How many requests each counting fault (e.g. ``expire-first=2``) has seen.
    fault_calls: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __repr__(self) -> str:
        return f"MockState(app_ids={sorted(self.app_ids)}, accounts={len(self.passwords)}, passwords=***)"


@dataclass(frozen=True)
class MockContext:
    """What a behaviour may use: the mock's state and its envelope helper."""

    state: MockState
    error: Callable[[str], dict[str, Any]]


#: A per-operation behaviour: given the state and the valid JSON body, return an envelope, or ``None`` to fall
#: back to the spec's success example.
Behaviour = Callable[[MockContext, Any], "dict[str, Any] | None"]


def _new_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(8))


def sip_reset_behaviour(ctx: MockContext, body: Any) -> dict[str, Any] | None:
    """sipReset: an unknown app or account is ``-24``; a known one gets a fresh password, remembered."""
    account, app_id = body["account"], body["appId"]
    state = ctx.state
    with state.lock:
        if app_id not in state.app_ids or (account not in state.passwords and not state.any_account):
            return ctx.error("-24")
        password = _new_password()
        state.passwords[account] = password
    return {"status": "0", "reason": "success", "data": {"account": account, "password": password}}


BEHAVIOURS: dict[str, Behaviour] = {"sipReset": sip_reset_behaviour}


class _Mock:
    def __init__(
        self,
        spec: SpecIndex,
        recordings: Iterable[Recording],
        *,
        api_key: str,
        api_secret: str,
        clock: Callable[[], float],
        window: float,
        state: MockState,
        behaviours: Mapping[str, Behaviour],
        latency: float = 0.0,
        faults: list[Fault] | None = None,
    ) -> None:
        self.spec = spec
        self.faults = faults or []
        self.recordings: dict[tuple[str, str, str], Recording] = {}
        for recording in recordings:
            if not recording.replay:
                continue
            clash = self.recordings.setdefault(recording.key, recording)
            if clash is not recording:
                raise ValueError(f"recordings {clash.name} and {recording.name} answer the same request")
        self.api_key = api_key
        self._api_secret = api_secret
        self.clock = clock
        self.window = window
        self.state = state
        self.behaviours = behaviours
        self.latency = latency

    def error(self, code: str) -> dict[str, Any]:
        registered = ItnioApiError.documented_codes().get(code)
        reason = self.spec.reasons.get(code) or (registered.description if registered else "error")
        return {"status": code, "reason": reason}

    def _signature_error(self, request: Request, now: float) -> dict[str, Any] | None:
        key = request.headers.get("Api-Key", "")
        timestamp = request.headers.get("Timestamp", "")
        given = request.headers.get("Sign", "").lower()
        expected = sign(self.api_key, self._api_secret, timestamp)
        if not (hmac.compare_digest(key, self.api_key) and hmac.compare_digest(given, expected)):
            return self.error("-1")
        try:
            skew = abs(now - int(timestamp))
        except ValueError:
            return self.error("-16")
        if skew > self.window:
            return self.error("-16")
        return None

    async def handle(self, request: Request) -> Response:
        asked = request.headers.getlist(FAULT_HEADER)
        try:
            faults = self._active(self.faults, "start") + self._active(parse_faults(asked), ",".join(asked))
        except ValueError as exc:
            return PlainTextResponse(f"Bad {FAULT_HEADER}: {exc}", status_code=400)
        now = self.clock() + sum(float(f.value or 0) for f in faults if f.name == "clock-offset")
        op, path_known = self.spec.find(request.method, request.url.path)
        if op is None:
            text, code = ("Method Not Allowed", 405) if path_known else ("Not Found", 404)
            return PlainTextResponse(text, status_code=code, headers=_date(now))
        with self.state.lock:
            self.state.requests_served += 1
        delay = self.latency + sum(float(f.value or 0) for f in faults if f.name == "latency")
        if delay > 0:
            await asyncio.sleep(delay)
        for fault in faults:
            if fault.name == "status":
                return HTMLResponse(_GATEWAY_PAGE.format(code=fault.value), status_code=int(fault.value or 0))
            if fault.name == "expire-first" and self._count(fault) <= int(fault.value or 0):
                return self._render(self.error("-16"), 200, faults, now)
        envelope, http_status = await self._envelope(request, op, now)
        return self._render(envelope, http_status, faults, now)

    def _count(self, fault: Fault) -> int:
        key = f"{fault.scope}|{fault.key}"
        with self.state.lock:
            self.state.fault_calls[key] = self.state.fault_calls.get(key, 0) + 1
            return self.state.fault_calls[key]

    def _active(self, faults: list[Fault], scope: str) -> list[Fault]:
        """Return the faults of a list that apply to this request (``first=N`` ends them after N)."""
        scoped = [dataclasses.replace(f, scope=scope) for f in faults]
        first = next((f for f in scoped if f.name == "first"), None)
        if first is not None and self._count(first) > int(first.value or 0):
            return []
        return [f for f in scoped if f.name != "first"]

    async def _envelope(self, request: Request, op: Operation, now: float) -> tuple[Any, int]:
        failure = self._signature_error(request, now)
        if failure is not None:
            return failure, 200
        raw = await request.body()
        body: Any = None
        if op.body_schema is not None:
            try:
                body = json.loads(raw) if raw else None
            except (ValueError, RecursionError):
                return self.error("-22"), 200
            if (body is None and op.body_required) or self.spec.body_errors(op, body):
                return self.error("-22"), 200
        recording = self.recordings.get((request.method.upper(), request.url.path, canonical_body(body)))
        if recording is not None:
            return recording.response_body, recording.response_status
        behaviour = self.behaviours.get(op.operation_id)
        answer = behaviour(MockContext(self.state, self.error), body) if behaviour else None
        return (answer if answer is not None else op.success_body()), 200

    def _render(self, envelope: Any, http_status: int, faults: list[Fault], now: float) -> Response:
        names = {f.name: f for f in faults}
        if "code" in names:
            envelope = {"status": names["code"].value, "reason": "Undocumented failure"}
        if "numeric-status" in names and isinstance(envelope, dict):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                envelope = {**envelope, "status": int(envelope["status"])}
        content = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", **_date(now)}
        if "empty" in names:
            content = b""
        elif "truncated-json" in names:
            content = content[: len(content) // 2]
        if "drop" in names or "truncate" in names:
            sent = b"" if "drop" in names else content[: len(content) // 2]
            return _BrokenResponse(http_status, headers, content, sent)
        return Response(content, status_code=http_status, headers=headers)


_GATEWAY_PAGE = (
    "<html><head><title>{code}</title></head><body><h1>{code} Bad Gateway</h1><hr>nginx</body></html>"
)


def _date(now: float) -> dict[str, str]:
    # The mock's own clock, not the host's: a clock-offset fault shows in Date, as a skewed server's would.
    return {"Date": email.utils.formatdate(now, usegmt=True)}


class _ConnectionDropped(Exception):
    """Raised inside the ASGI app so that the server closes the connection mid-answer."""


class _BrokenResponse(Response):
    """Send the status line and headers for ``content``, then only ``sent`` of it, then drop the line."""

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes, sent: bytes) -> None:
        super().__init__(content, status_code=status_code, headers=headers)
        self.sent = sent

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if self.sent:
            await send({"type": "http.response.body", "body": self.sent, "more_body": True})
        raise _ConnectionDropped("fault injection: connection dropped")


def create_app(
    *,
    spec_path: str | Path = SPEC_PATH,
    recordings_dir: str | Path | None = RECORDINGS_DIR,
    api_key: str = DOC_API_KEY,
    api_secret: str = DOC_API_SECRET,
    clock: float | Callable[[], float] | None = None,
    window: float = 300.0,
    app_ids: Iterable[str] = DEFAULT_APP_IDS,
    accounts: Iterable[str] = DEFAULT_ACCOUNTS,
    any_account: bool = False,
    behaviours: Mapping[str, Behaviour] | None = None,
    latency: float = 0.0,
    faults: Iterable[str] = (),
) -> Starlette:
    """Build the mock ITNIO API as an ASGI app.

    Every request goes through the vendor's checks, in its order: a wrong ``Api-Key`` or ``Sign`` answers
    ``-1``; a ``Timestamp`` more than ``window`` seconds from the mock's clock answers ``-16``; a body that
    is not JSON or does not match the operation's schema in the spec answers ``-22`` — all as HTTP 200
    envelopes. A request that then matches a recording (method, path and body) gets the recorded answer;
    otherwise the operation's behaviour (sipReset: ``-24`` for an unknown account, else a fresh password)
    or the spec's success example answers.

    Args:
        spec_path: the OpenAPI document to serve (default: the project's spec).
        recordings_dir: recordings to replay; ``None`` for none.
        api_key: the credentials the mock accepts (default: the docs' public example pair).
        api_secret: see ``api_key``.
        clock: Unix time now; a number fixes the clock (``1630468800`` replays the docs' exact request).
        window: how far (seconds) a ``Timestamp`` may be from the clock; the vendor does not document it.
        app_ids: the audio application IDs that exist.
        accounts: the phone accounts that exist.
        any_account: treat every well-formed account as existing (for bulk tests).
        behaviours: per-operationId behaviours replacing the built-in ones.
        latency: seconds to wait before answering each request.
        faults: faults injected into every answer (see :mod:`itniotech_mock._faults`), e.g.
            ``["clock-offset=600"]``; a request adds its own with the ``X-Itnio-Mock-Fault`` header.

    The app's ``state.mock`` is the :class:`MockState` (current passwords and counters).

    """
    if clock is None:
        clock_fn: Callable[[], float] = time.time
    elif callable(clock):
        clock_fn = clock
    else:
        fixed = float(clock)

        def clock_fn() -> float:
            return fixed

    state = MockState(app_ids=set(app_ids), passwords=dict.fromkeys(accounts), any_account=any_account)
    mock = _Mock(
        SpecIndex.load(Path(spec_path)),
        load_recordings(Path(recordings_dir)) if recordings_dir is not None else [],
        api_key=api_key,
        api_secret=api_secret,
        clock=clock_fn,
        window=window,
        state=state,
        behaviours=BEHAVIOURS if behaviours is None else behaviours,
        latency=latency,
        faults=parse_faults(faults),
    )
    app = Starlette(routes=[Route("/{path:path}", mock.handle, methods=_ALL_METHODS)])
    app.state.mock = state
    app.state.spec = mock.spec
    return app
