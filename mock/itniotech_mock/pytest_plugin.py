"""A pytest plugin (auto-loaded when itniotech-voice is installed): the ``itnio_mock`` fixture.

``itnio_mock`` is a running :class:`itniotech_mock.MockServer` on a free loopback port, in-process, with the
docs' example credentials; ``itnio_mock.client()`` is a signed client for it. Requires the ``mock`` extra;
the plugin imports nothing heavy until the fixture is used, so it never slows down or breaks other suites.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._server import MockServer


@pytest.fixture
def itnio_mock() -> Iterator[MockServer]:
    """Yield a fresh mock server for one test (its state starts clean)."""
    from ._server import MockServer

    with MockServer() as server:
        yield server
