"""The recorded mock as an ASGI app: enforces the signing rule, replays recordings, answers from the spec."""

from __future__ import annotations

import asyncio
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
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

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
DOC_API_SECRET = "7bz1lzh9"  # noqa: S105
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
    ) -> None:
        self.spec = spec
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

    def _signature_error(self, request: Request) -> dict[str, Any] | None:
        key = request.headers.get("Api-Key", "")
        timestamp = request.headers.get("Timestamp", "")
        given = request.headers.get("Sign", "").lower()
        expected = sign(self.api_key, self._api_secret, timestamp)
        if not (hmac.compare_digest(key, self.api_key) and hmac.compare_digest(given, expected)):
            return self.error("-1")
        try:
            skew = abs(self.clock() - int(timestamp))
        except ValueError:
            return self.error("-16")
        if skew > self.window:
            return self.error("-16")
        return None

    async def handle(self, request: Request) -> Response:
        op, path_known = self.spec.find(request.method, request.url.path)
        if op is None:
            if path_known:
                return PlainTextResponse("Method Not Allowed", status_code=405)
            return PlainTextResponse("Not Found", status_code=404)
        with self.state.lock:
            self.state.requests_served += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._signature_error(request)
        if failure is not None:
            return JSONResponse(failure)
        raw = await request.body()
        body: Any = None
        if op.body_schema is not None:
            try:
                body = json.loads(raw) if raw else None
            except (ValueError, RecursionError):
                return JSONResponse(self.error("-22"))
            if (body is None and op.body_required) or self.spec.body_errors(op, body):
                return JSONResponse(self.error("-22"))
        return self._answer(op, request.method, request.url.path, body)

    def _answer(self, op: Operation, method: str, path: str, body: Any) -> Response:
        recording = self.recordings.get((method.upper(), path, canonical_body(body)))
        if recording is not None:
            return JSONResponse(recording.response_body, status_code=recording.response_status)
        behaviour = self.behaviours.get(op.operation_id)
        answer = behaviour(MockContext(self.state, self.error), body) if behaviour else None
        return JSONResponse(answer if answer is not None else op.success_body())


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
    )
    app = Starlette(routes=[Route("/{path:path}", mock.handle, methods=_ALL_METHODS)])
    app.state.mock = state
    app.state.spec = mock.spec
    return app
