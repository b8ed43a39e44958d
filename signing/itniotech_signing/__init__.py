"""Signing and typed errors for the ITNIO Tech API, plugged into the generated ``itniotech_voice`` client.

Quick use::

    from itniotech_signing import signed_client
    from itniotech_voice.api.sip import sip_reset
    from itniotech_voice.models import SipResetRequest

    with signed_client() as client:  # credentials from ITNIO_API_KEY / ITNIO_API_SECRET
        result = sip_reset.sync(client=client, body=SipResetRequest(account="1001", app_id="4luaKsL2"))
"""

import logging

from ._auth import ENV_API_KEY, ENV_API_SECRET, ItnioAuth
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ENV_BASE_URL, signed_client
from ._envelope import SUCCESS, check_envelope, normalize_status, redact
from ._errors import (
    AuthenticationError,
    ConfigurationError,
    DataCapReachedError,
    DataExistsError,
    DataNotFoundError,
    DataValidationError,
    InsufficientBalanceError,
    IpRestrictedError,
    ItnioApiError,
    ItnioError,
    ParameterError,
    RateUnavailableError,
    ServerSideError,
    TaskRejectedError,
    TimestampExpiredError,
    UnexpectedResponseError,
)
from ._retry import OperationTable, RetryPolicy, RetryTransport
from ._sign import sign

# A library logs, the application decides what to show (retries at INFO, a skewed clock at WARNING).
logging.getLogger("itniotech_signing").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_BASE_URL",
    "SUCCESS",
    "AuthenticationError",
    "ConfigurationError",
    "DataCapReachedError",
    "DataExistsError",
    "DataNotFoundError",
    "DataValidationError",
    "InsufficientBalanceError",
    "IpRestrictedError",
    "ItnioApiError",
    "ItnioAuth",
    "ItnioError",
    "OperationTable",
    "ParameterError",
    "RateUnavailableError",
    "RetryPolicy",
    "RetryTransport",
    "ServerSideError",
    "TaskRejectedError",
    "TimestampExpiredError",
    "UnexpectedResponseError",
    "check_envelope",
    "normalize_status",
    "redact",
    "sign",
    "signed_client",
]
