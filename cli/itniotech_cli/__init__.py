"""The ``itniotech-voice`` command: reset one SIP password, or rotate many without losing one.

The names below load on first use, so that ``itniotech-voice`` can explain a missing ``cli`` extra instead of
failing on an import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._creds import CredentialsFile, read_accounts
    from ._main import main
    from ._rotate import Failure, RotationReport, rotate

__all__ = ["CredentialsFile", "Failure", "RotationReport", "main", "read_accounts", "rotate"]

_HOMES = {
    "CredentialsFile": "._creds",
    "read_accounts": "._creds",
    "main": "._main",
    "Failure": "._rotate",
    "RotationReport": "._rotate",
    "rotate": "._rotate",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
