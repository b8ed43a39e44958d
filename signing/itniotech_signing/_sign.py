"""The vendor's signature rule, kept apart so that the mock and the tests share the exact same code."""

from __future__ import annotations

import hashlib

from ._errors import ConfigurationError

__all__ = ["sign"]


def sign(api_key: str, api_secret: str, timestamp: int | str) -> str:
    """Return the ``Sign`` header value: lowercase hex MD5 of ``api_key + api_secret + timestamp``.

    ``timestamp`` is Unix time in seconds, as an ``int`` or as the decimal string sent in the ``Timestamp``
    header. Raises :class:`ConfigurationError` for anything else (the message never contains the secret).
    """
    if not isinstance(api_key, str) or not isinstance(api_secret, str):
        raise ConfigurationError("sign(): api_key and api_secret must be str")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | str):
        raise ConfigurationError(f"sign(): timestamp must be int or str, not {type(timestamp).__name__}")
    # The vendor mandates MD5; usedforsecurity=False keeps FIPS-mode Pythons from refusing to compute it.
    digest = hashlib.md5(f"{api_key}{api_secret}{timestamp}".encode(), usedforsecurity=False)
    return digest.hexdigest()
