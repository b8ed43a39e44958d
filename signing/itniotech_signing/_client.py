"""``signed_client()``: the generated client, wired with the signature and sane transport defaults."""

from __future__ import annotations

import os
from typing import Any

import httpx
from itniotech_voice import Client

from ._auth import ItnioAuth
from ._errors import ConfigurationError
from ._retry import RetryPolicy, RetryTransport

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "ENV_BASE_URL", "signed_client"]

DEFAULT_BASE_URL = "https://api.itniotech.com"
ENV_BASE_URL = "ITNIO_BASE_URL"
#: Finite by default: the vendor's samples wait up to 600 s just to connect.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# httpx ignores these client arguments once a transport is given, so they go to the transport instead.
_TRANSPORT_ARGS = ("verify", "cert", "http1", "http2", "limits", "proxy", "local_address", "socket_options")
# What the generated Client accepts besides base_url, timeout and httpx_args (which signed_client sets).
_CLIENT_ARGS = {"cookies", "headers", "verify_ssl", "follow_redirects", "raise_on_unexpected_status"}


def signed_client(
    api_key: str | None = None,
    api_secret: str | None = None,
    *,
    base_url: str | None = None,
    timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
    httpx_args: dict[str, Any] | None = None,
    retry: RetryPolicy | None = None,
    **client_kwargs: Any,
) -> Client:
    """Return an ``itniotech_voice.Client`` that signs every request and raises typed errors.

    Args:
        api_key: the API key; from ``ITNIO_API_KEY`` when omitted.
        api_secret: the API secret; from ``ITNIO_API_SECRET`` when omitted.
        base_url: the API host; defaults to ``ITNIO_BASE_URL``, then ``https://api.itniotech.com``.
        timeout: an ``httpx.Timeout`` or seconds; finite by default (10 s to connect, 30 s otherwise).
        httpx_args: extra arguments for the underlying httpx clients (a ``transport``, ``event_hooks``,
            ``limits``...); they are kept, and the signature is added to them.
        retry: the retry policy (default ``RetryPolicy()``; ``RetryPolicy.disabled()`` turns retries off).
        client_kwargs: other keyword arguments of ``itniotech_voice.Client`` (``headers``, ``cookies``...).

    TLS verification stays on and redirects are not followed (httpx would re-send the signature headers to
    whatever host a redirect names). Raises :class:`ConfigurationError` for missing credentials or for
    arguments that would turn either off.

    """
    auth = ItnioAuth.from_env_or(api_key, api_secret)
    unknown = sorted(set(client_kwargs) - _CLIENT_ARGS)
    if unknown:
        raise ConfigurationError(
            f"signed_client(): unknown argument(s) {', '.join(unknown)}; "
            f"itniotech_voice.Client takes {', '.join(sorted(_CLIENT_ARGS))}"
        )

    args = dict(httpx_args or {})
    if "auth" in args:
        raise ConfigurationError("signed_client(): httpx_args['auth'] would replace the ITNIO signature")
    if args.get("verify", True) is False or client_kwargs.get("verify_ssl", True) is False:
        raise ConfigurationError(
            "signed_client(): TLS verification cannot be switched off; pass verify_ssl=<ssl.SSLContext or "
            "CA bundle path> to trust a private certificate authority"
        )
    if client_kwargs.get("follow_redirects") or args.get("follow_redirects"):
        raise ConfigurationError(
            "signed_client(): following redirects would send the signature headers to another host"
        )
    args["auth"] = auth
    transport_args = {name: args.pop(name) for name in _TRANSPORT_ARGS if name in args}
    transport_args.setdefault("verify", client_kwargs.get("verify_ssl", True))
    args["transport"] = RetryTransport(auth, policy=retry, transport=args.get("transport"), **transport_args)
    client_kwargs.setdefault("raise_on_unexpected_status", True)
    if timeout is not None and not isinstance(timeout, httpx.Timeout):
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigurationError(
                f"signed_client(): timeout must be an httpx.Timeout or seconds > 0, not {timeout!r}"
            )
        timeout = httpx.Timeout(timeout)
    resolved_base_url = base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    return Client(base_url=resolved_base_url, timeout=timeout, httpx_args=args, **client_kwargs)
