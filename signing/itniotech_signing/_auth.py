"""``ItnioAuth``: signs every request as it is sent, and reads every answer's envelope."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping

import httpx

from ._envelope import raise_for_envelope
from ._errors import ConfigurationError, UnexpectedResponseError
from ._sign import sign

__all__ = ["ENV_API_KEY", "ENV_API_SECRET", "ItnioAuth"]

ENV_API_KEY = "ITNIO_API_KEY"
ENV_API_SECRET = "ITNIO_API_SECRET"  # noqa: S105 (a variable name, not a secret)

logger = logging.getLogger("itniotech_signing")


def _masked(value: str) -> str:
    return f"{value[:3]}***" if len(value) > 6 else "***"


class ItnioAuth(httpx.Auth):
    """An ``httpx.Auth`` for the ITNIO API; works with ``httpx.Client`` and ``httpx.AsyncClient`` alike.

    On every request, at the moment it is sent, sets ``Api-Key``, ``Timestamp`` (Unix seconds) and
    ``Sign`` = ``md5(api_key + api_secret + Timestamp)``: each attempt carries a fresh signature.

    With ``check_envelope=True`` (the default) it also reads each answer and raises the SDK's typed errors
    (see :func:`itniotech_signing.check_envelope`), so every operation of the generated client gets the
    same error semantics without per-endpoint code. Pass ``check_envelope=False`` to sign raw calls only.

    ``clock`` returns the current Unix time (default: :func:`time.time`, looked up at each call).
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        check_envelope: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        for name, value in (("api_key", api_key), ("api_secret", api_secret)):
            if not isinstance(value, str) or not value.strip():
                raise ConfigurationError(f"ItnioAuth: {name} must be a non-empty string")
        self.api_key = api_key
        self._api_secret = api_secret
        self.check_envelope = check_envelope
        self.clock = clock
        #: Seconds to add to the local clock when signing; the retry layer learns it from the server's Date.
        self.clock_offset = 0.0
        self._last_signed = ("", "")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, check_envelope: bool = True) -> ItnioAuth:
        """Build from ``ITNIO_API_KEY`` and ``ITNIO_API_SECRET`` (of ``environ``, default ``os.environ``).

        Raises :class:`ConfigurationError` naming whichever variable is missing or empty.
        """
        return cls.from_env_or(None, None, environ, check_envelope=check_envelope)

    @classmethod
    def from_env_or(
        cls,
        api_key: str | None,
        api_secret: str | None,
        environ: Mapping[str, str] | None = None,
        *,
        check_envelope: bool = True,
    ) -> ItnioAuth:
        """Build from the given credentials, taking each one that is ``None`` from the environment."""
        env = os.environ if environ is None else environ
        key = env.get(ENV_API_KEY, "") if api_key is None else api_key
        secret = env.get(ENV_API_SECRET, "") if api_secret is None else api_secret
        missing = [
            name
            for name, given, value in ((ENV_API_KEY, api_key, key), (ENV_API_SECRET, api_secret, secret))
            if given is None and not value.strip()
        ]
        if missing:
            raise ConfigurationError(
                f"missing ITNIO credentials: set {' and '.join(missing)} in the environment "
                f"(both {ENV_API_KEY} and {ENV_API_SECRET} are needed), or pass them explicitly"
            )
        return cls(key, secret, check_envelope=check_envelope)

    def __repr__(self) -> str:
        return f"ItnioAuth(api_key={_masked(self.api_key)!r}, api_secret='***')"

    def local_time(self) -> float:
        """Unix time by the local clock (before any learned offset)."""
        return self.clock() if self.clock is not None else time.time()

    def sign_request(self, request: httpx.Request) -> None:
        """Set the three signature headers on ``request``, stamped with the current time."""
        timestamp = str(int(self.local_time() + self.clock_offset))
        # Hot path: the signature changes once a second, so the last one is reused within the same second.
        # One tuple, read and replaced whole: threads sharing this auth never mix two seconds.
        last = self._last_signed
        if last[0] != timestamp:
            last = self._last_signed = (timestamp, sign(self.api_key, self._api_secret, timestamp))
        headers = request.headers
        headers["Api-Key"] = self.api_key
        headers["Timestamp"] = timestamp
        headers["Sign"] = last[1]
        if logger.isEnabledFor(logging.DEBUG):  # the arguments cost more than the check, on every call
            logger.debug(
                "signed %s %s (key %s, timestamp %s)",
                request.method,
                request.url.path,
                _masked(self.api_key),
                timestamp,
            )

    def _check(self, response: httpx.Response, request: httpx.Request) -> None:
        if self.check_envelope:
            # The secrets to mask are looked up only when there is an error message to mask them in.
            raise_for_envelope(response, lambda: (self._api_secret, request.headers.get("Sign")))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request``, send it, and check the envelope of the answer."""
        self.sign_request(request)
        response = yield request
        self._check(response, request)

    # httpx reads the body between the two halves of auth_flow. These overrides do the same in one generator
    # (this runs on every call), and turn a body cut off mid-stream, or garbled by its content-encoding, into
    # the SDK's error instead of httpx's.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Run :meth:`auth_flow` for a sync client."""
        self.sign_request(request)
        response = yield request
        try:
            response.read()
        except (httpx.RemoteProtocolError, httpx.DecodingError) as exc:
            raise _cut_off(response, exc) from exc
        self._check(response, request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Run :meth:`auth_flow` for an async client."""
        self.sign_request(request)
        response = yield request
        try:
            await response.aread()
        except (httpx.RemoteProtocolError, httpx.DecodingError) as exc:
            raise _cut_off(response, exc) from exc
        self._check(response, request)


def _cut_off(response: httpx.Response, exc: Exception) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"body could not be read ({type(exc).__name__})", http_status=response.status_code, excerpt=""
    )
