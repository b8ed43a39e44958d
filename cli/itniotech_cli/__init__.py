"""The ``itniotech-voice`` command: reset one SIP password, or rotate many without losing one."""

from ._creds import CredentialsFile, read_accounts
from ._main import main
from ._rotate import Failure, RotationReport, rotate

__all__ = ["CredentialsFile", "Failure", "RotationReport", "main", "read_accounts", "rotate"]
