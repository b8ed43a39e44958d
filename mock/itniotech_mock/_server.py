"""Serve the mock on a real loopback socket, from a background thread (tests, demos, benchmarks)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import uvicorn
from itniotech_signing import signed_client
from itniotech_voice import Client
from starlette.applications import Starlette

from ._app import DOC_API_KEY, DOC_API_SECRET, MockState, create_app

__all__ = ["MockServer", "bind_socket", "mock_process"]


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """Bind a listening TCP socket (port 0: a free port chosen by the OS)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it, uvicorn on a socket handed to it answers a kept-alive
    # connection ~40 ms late (Nagle against the client's delayed ACK): every pooled request would pay it.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


class MockServer:
    """The mock on ``http://127.0.0.1:<free port>``, served by uvicorn in a daemon thread.

    Usage::

        with MockServer(clock=1630468800) as mock:
            client = mock.client()          # a signed_client for the mock's credentials and URL
            ...
            mock.state.passwords["1001"]    # what the mock now accepts

    Keyword arguments go to :func:`create_app` unless ``app`` is given.
    """

    def __init__(
        self, app: Starlette | None = None, *, host: str = "127.0.0.1", **create_kwargs: Any
    ) -> None:
        self.app = app if app is not None else create_app(**create_kwargs)
        self.api_key: str = create_kwargs.get("api_key", DOC_API_KEY)
        self._api_secret: str = create_kwargs.get("api_secret", DOC_API_SECRET)
        self.host = host
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> MockState:
        """The mock's :class:`MockState`."""
        state: MockState = self.app.state.mock
        return state

    def start(self) -> MockServer:
        """Start serving; returns once the socket accepts connections."""
        sock = bind_socket(self.host)
        port = sock.getsockname()[1]
        # date_header=False: the mock sends Date from its own (possibly offset) clock.
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", date_header=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="itniotech-mock", daemon=True
        )
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the mock server failed to start")
            self._thread.join(0.01)
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
        self._server = self._thread = None

    def client(self, **kwargs: Any) -> Client:
        """Return a ``signed_client`` for this server and its credentials (kwargs go to signed_client)."""
        return signed_client(self.api_key, self._api_secret, base_url=self.url, **kwargs)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MockServer(url={self.url!r}, api_key={self.api_key!r})"


@contextmanager
def mock_process(*args: str, python: str = sys.executable, startup_timeout: float = 20.0) -> Iterator[str]:
    """Run ``python -m itniotech_mock --port 0 ARGS...`` in its own process; yield its URL once it answers.

    For demos and benchmarks that must not share a GIL (or a crash) with the mock. The process is stopped
    on exit.
    """
    import httpx

    command = [python, "-m", "itniotech_mock", "--host", "127.0.0.1", "--port", "0", *args]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        first_line = server.stdout.readline() if server.stdout else ""
        if not first_line:
            raise RuntimeError(f"the mock did not start: {' '.join(command)}")
        url = first_line.split()[-1]
        deadline = time.monotonic() + startup_timeout
        while True:  # the socket is bound before the line is printed; uvicorn may still be starting
            try:
                httpx.get(url, timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout:
            server.stdout.close()
