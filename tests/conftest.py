"""Shared fixtures: the docs' example credentials and a signed client over an in-memory transport."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from itniotech_signing import signed_client
from itniotech_voice import Client

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "itniotech-voice.yaml"
# openapi/regenerate.py is a script, not an installed module; tests import it from its room.
sys.path.insert(0, str(ROOT / "openapi"))

# The vendor's public worked example (not real credentials).
DOC_KEY = "bDqJFiq9"
DOC_SECRET = "7bz1lzh9"
DOC_TIMESTAMP = 1630468800
DOC_SIGN = "05d7a50893e22a5c4bb3216ae3396c7c"

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def envelope(
    status: object = "0", reason: str | None = "success", data: object = None, **extra: object
) -> bytes:
    body: dict[str, object] = {"status": status, **extra}
    if reason is not None:
        body["reason"] = reason
    if data is not None:
        body["data"] = data
    return json.dumps(body).encode()


def json_response(content: bytes, status_code: int = 200) -> httpx.Response:
    return httpx.Response(status_code, content=content, headers={"Content-Type": "application/json"})


class Recorder:
    """An httpx.MockTransport handler that records requests and answers from a queue or a function."""

    def __init__(self, answer: Handler | httpx.Response | bytes) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if isinstance(self._answer, bytes):
            return json_response(self._answer)
        if isinstance(self._answer, httpx.Response):
            return self._answer
        return self._answer(request)


@pytest.fixture
def make_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., tuple[Client, Recorder]]]:
    """Build a signed client whose transport is a Recorder; the docs' credentials come from the env."""
    monkeypatch.setenv("ITNIO_API_KEY", DOC_KEY)
    monkeypatch.setenv("ITNIO_API_SECRET", DOC_SECRET)
    monkeypatch.delenv("ITNIO_BASE_URL", raising=False)
    clients: list[Client] = []

    def build(answer: Handler | httpx.Response | bytes, **kwargs: Any) -> tuple[Client, Recorder]:
        recorder = Recorder(answer)
        client = signed_client(httpx_args={"transport": httpx.MockTransport(recorder)}, **kwargs)
        clients.append(client)
        return client, recorder

    yield build
    for client in clients:
        client.get_httpx_client().close()
