"""The SDK's exception tree.

Everything the SDK raises on purpose derives from :class:`ItnioError`. API failures reported inside the
vendor's envelope are :class:`ItnioApiError`, with one subclass per documented status code; answers that are
not a readable envelope at all are :class:`UnexpectedResponseError`.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "DataCapReachedError",
    "DataExistsError",
    "DataNotFoundError",
    "DataValidationError",
    "InsufficientBalanceError",
    "IpRestrictedError",
    "ItnioApiError",
    "ItnioError",
    "ParameterError",
    "RateUnavailableError",
    "ServerSideError",
    "TaskRejectedError",
    "TimestampExpiredError",
    "UnexpectedResponseError",
]


class ItnioError(Exception):
    """Base class of every error the SDK raises on purpose."""


class ConfigurationError(ItnioError):
    """The SDK was set up or called with bad input (missing credentials, a wrong argument type...)."""


class UnexpectedResponseError(ItnioError):
    """The server's answer is not a readable ITNIO envelope.

    Raised for HTTP statuses other than 200 (including ones outside the IANA registry, such as 520), bodies
    that are empty, truncated or not JSON (e.g. an HTML page from a gateway), and JSON without a status.

    Attributes:
        http_status: the HTTP status code of the answer.
        excerpt: the start of the body, with anything that looks like a secret masked.

    """

    def __init__(self, message: str, *, http_status: int, excerpt: str) -> None:
        super().__init__(
            f"{message} (HTTP {http_status}): {excerpt!r}" if excerpt else f"{message} (HTTP {http_status})"
        )
        self.http_status = http_status
        self.excerpt = excerpt


class ItnioApiError(ItnioError):
    """The API answered with a failure code in its envelope.

    Instantiating ``ItnioApiError(status, reason)`` directly is fine; :meth:`from_status` picks the subclass
    registered for the code, or this base class for codes nobody documented.

    Attributes:
        status: the envelope's status code, always as a string (``"-24"``), even if the server sent a number.
        reason: the envelope's reason text, ``""`` when absent.

    """

    #: The documented status code a subclass stands for; ``None`` on the base class.
    code: ClassVar[str | None] = None
    #: The vendor's documented meaning of :attr:`code`.
    description: ClassVar[str] = "undocumented status code"
    _registry: ClassVar[dict[str, type[ItnioApiError]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code is not None:
            ItnioApiError._registry[cls.code] = cls

    def __init__(self, status: str, reason: str = "") -> None:
        super().__init__(f"error {status}: {reason or self.description}")
        self.status = status
        self.reason = reason

    @staticmethod
    def from_status(status: str, reason: str = "") -> ItnioApiError:
        """Build the exception registered for ``status``, or an :class:`ItnioApiError` for an unknown code."""
        return ItnioApiError._registry.get(status, ItnioApiError)(status, reason)

    @staticmethod
    def documented_codes() -> dict[str, type[ItnioApiError]]:
        """Return the status codes that have their own exception class."""
        return dict(ItnioApiError._registry)


class AuthenticationError(ItnioApiError):
    """-1: wrong API key or signature."""

    code = "-1"
    description = "Authentication error"


class IpRestrictedError(ItnioApiError):
    """-2: the caller's IP address is not on the account's allow-list."""

    code = "-2"
    description = "Restricted IP access"


class InsufficientBalanceError(ItnioApiError):
    """-10: the account's balance is too low."""

    code = "-10"
    description = "Balance insufficient"


class TimestampExpiredError(ItnioApiError):
    """-16: the ``Timestamp`` header is outside the server's window (a skewed clock or a stale request)."""

    code = "-16"
    description = "Timestamp expires"


class ServerSideError(ItnioApiError):
    """-18: the vendor's "port program unusual", a system exception on the server."""

    code = "-18"
    description = "Port program unusual"


class DataExistsError(ItnioApiError):
    """-20: the data already exists."""

    code = "-20"
    description = "Data already exists"


class DataValidationError(ItnioApiError):
    """-21: data validation exception."""

    code = "-21"
    description = "Data validation exception"


class ParameterError(ItnioApiError):
    """-22: a request parameter is missing or invalid."""

    code = "-22"
    description = "Parameter exception"


class DataCapReachedError(ItnioApiError):
    """-23: a data cap was reached."""

    code = "-23"
    description = "Data cap reached"


class DataNotFoundError(ItnioApiError):
    """-24: the referenced data (e.g. the phone account) does not exist."""

    code = "-24"
    description = "Data unexisting"


class RateUnavailableError(ItnioApiError):
    """-26: the rate could not be obtained."""

    code = "-26"
    description = "Failed to get rate"


class TaskRejectedError(ItnioApiError):
    """-54: the submitted task is wrong."""

    code = "-54"
    description = "Submitted task is wrong"
