"""The recorded ITNIO Tech voice API mock.

It enforces the vendor's signing rule, replays the exchanges printed in the vendor's docs
(``openapi/recordings``) and answers every other operation of the spec generically. Use it as an ASGI
app (:func:`create_app`), as a server (``python -m itniotech_mock`` or :class:`MockServer`), or through
the ``itnio_mock`` pytest fixture.
"""

from ._app import (
    DEFAULT_ACCOUNTS,
    DEFAULT_APP_IDS,
    DOC_API_KEY,
    DOC_API_SECRET,
    Behaviour,
    MockContext,
    MockState,
    create_app,
)
from ._faults import FAULT_HEADER, Fault, parse_faults
from ._paths import RECORDINGS_DIR, SPEC_PATH
from ._recordings import Recording, load_recordings
from ._server import MockServer, mock_process
from ._spec import Operation, SpecIndex

__all__ = [
    "DEFAULT_ACCOUNTS",
    "DEFAULT_APP_IDS",
    "DOC_API_KEY",
    "DOC_API_SECRET",
    "FAULT_HEADER",
    "RECORDINGS_DIR",
    "SPEC_PATH",
    "Behaviour",
    "Fault",
    "MockContext",
    "MockServer",
    "MockState",
    "Operation",
    "Recording",
    "SpecIndex",
    "create_app",
    "load_recordings",
    "mock_process",
    "parse_faults",
]
