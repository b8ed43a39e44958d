"""Reading ITNIO's response envelope, generically for every operation.

The vendor answers errors with HTTP 200 and ``{"status": "<code>", "reason": ...}``; the newer group-call
endpoints use ``{"code", "msg"}`` instead. Both are accepted, and a numeric code is read as its string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from ._errors import ItnioApiError, UnexpectedResponseError

__all__ = ["SUCCESS", "check_envelope", "normalize_status", "raise_for_envelope", "redact"]

#: The envelope status of a successful call.
SUCCESS = "0"

_EXCERPT_CHARS = 200
_MASK = "***"
# Values of keys that name a secret, wherever a body quotes them: `"password": "..."`, `"Sign":"..."`.
_SECRET_FIELD = re.compile(r'("(?:[^"]*password|[^"]*secret|sign)"\s*:\s*)"[^"]*"', re.IGNORECASE)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Mask every occurrence of ``secrets`` in ``text``, and the values of JSON fields that name a secret."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _MASK)
    return _SECRET_FIELD.sub(rf'\1"{_MASK}"', text)


def normalize_status(value: object) -> str | None:
    """Return a status code as its canonical string (``-24`` → ``"-24"``), or ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        stripped = value.strip()
        try:
            return str(int(stripped))
        except ValueError:
            return stripped
    return None


def _excerpt(response: httpx.Response, secrets: Iterable[str | None]) -> str:
    text = response.content[: _EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())[:_EXCERPT_CHARS]
    return redact(text, secrets)


def check_envelope(response: httpx.Response, *, secrets: Iterable[str | None] = ()) -> None:
    """Raise unless ``response`` (already read) is an HTTP 200 envelope whose status is ``"0"``.

    Raises :class:`ItnioApiError` (its subclass for a documented code) for a failure code, and
    :class:`UnexpectedResponseError` for anything that is not a readable envelope. ``secrets`` are masked
    out of every message and excerpt.
    """
    kept = tuple(secrets)
    raise_for_envelope(response, lambda: kept)


def raise_for_envelope(response: httpx.Response, secrets: Callable[[], Iterable[str | None]]) -> None:
    """Do what :func:`check_envelope` does, fetching the secrets only if a message needs them masked.

    The body is parsed once, here. On success the parsed envelope is handed on to ``response.json()``, with
    a numeric status rewritten as the string the spec declares, so the generated client neither parses the
    same bytes again nor builds a model holding the wrong type.
    """
    # This runs on every call: the success path is written out in one function, without helpers.
    body: Any = _UNREAD
    if response.status_code == _HTTP_OK:
        content = response.content
        if content:
            try:
                body = json.loads(content)
            except (ValueError, UnicodeDecodeError, RecursionError):
                body = _UNREAD
    if type(body) is dict:
        key = "status" if "status" in body else "code"
        raw = body.get(key)
        if raw != SUCCESS and normalize_status(raw) == SUCCESS:  # e.g. a numeric 0: the parse is ours to fix
            raw = body[key] = SUCCESS
        if raw == SUCCESS:
            # Only a plain httpx.Response: a custom transport's subclass keeps its class (and parses again).
            if type(response) is httpx.Response:
                response.__class__ = _ParsedResponse
                response._itnio_body = body  # type: ignore[attr-defined]
            return
    _raise(response, body, tuple(secrets()))


_HTTP_OK = 200
_UNREAD: Any = object()  # not parsed: the answer was not HTTP 200, or its body was empty or not JSON


class _ParsedResponse(httpx.Response):
    """An ``httpx.Response`` whose ``json()`` returns the envelope the SDK already parsed."""

    _itnio_body: Any

    def json(self, **kwargs: Any) -> Any:
        return self._itnio_body if not kwargs else super().json(**kwargs)


def _raise(response: httpx.Response, body: Any, secrets: tuple[str | None, ...]) -> None:
    """Raise the error for an answer that is not a successful envelope (``body`` as parsed, or _UNREAD)."""

    def unexpected(message: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            message, http_status=response.status_code, excerpt=_excerpt(response, secrets)
        )

    if response.status_code != _HTTP_OK:
        raise unexpected("unexpected HTTP status")
    if not response.content.strip():
        raise unexpected("empty body")
    if body is _UNREAD:
        raise unexpected("body is not JSON (truncated, or a gateway's page?)")
    if not isinstance(body, dict):
        raise unexpected("body is not a JSON object")
    raw_status = body["status"] if "status" in body else body.get("code")
    status = normalize_status(raw_status)
    if status is None:
        raise unexpected("envelope has no status" if raw_status is None else "envelope status is not a code")
    reason = body["reason"] if "reason" in body else body.get("msg")
    raise ItnioApiError.from_status(status, redact(reason, secrets) if isinstance(reason, str) else "")
