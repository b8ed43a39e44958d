"""The recorded mock: the vendor's rules, replay, per-operation behaviour, the server and the fixture."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, MockServer, create_app, mock_process
from itniotech_signing import DataNotFoundError, sign
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest

from .conftest import DOC_SIGN, DOC_TIMESTAMP, ROOT

DOC_BODY = {"account": "account", "appId": "4luaKsL2"}


class AsgiClient:
    """A sync client for an ASGI app, in-process, through httpx.ASGITransport."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)


def _post(
    client: AsgiClient, body: Any, *, timestamp: int = DOC_TIMESTAMP, headers: dict[str, str] | None = None
) -> Any:
    signed = {
        "Content-Type": "application/json;charset=UTF-8",
        "Api-Key": DOC_API_KEY,
        "Timestamp": str(timestamp),
        "Sign": sign(DOC_API_KEY, DOC_API_SECRET, timestamp),
        **(headers or {}),
    }
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post("/voice/sipReset", content=content, headers=signed)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def docs_mock() -> AsgiClient:
    return AsgiClient(create_app(clock=DOC_TIMESTAMP))


def test_docs_signed_request_replays_to_the_docs_response(docs_mock: AsgiClient) -> None:
    headers = {"Sign": DOC_SIGN, "Timestamp": str(DOC_TIMESTAMP), "Api-Key": DOC_API_KEY}
    answer = _post(docs_mock, DOC_BODY, headers=headers)
    assert answer == {
        "status": "0",
        "reason": "success",
        "data": {"account": "account", "password": "Zi6CsOka"},
    }


@pytest.mark.parametrize(
    "headers",
    [{"Api-Key": "otherKey1"}, {"Sign": "0" * 32}, {"Sign": ""}, {"Timestamp": str(DOC_TIMESTAMP + 1)}],
    ids=["wrong-key", "wrong-sign", "empty-sign", "sign-for-another-time"],
)
def test_wrong_key_or_sign_is_an_authentication_error(docs_mock: AsgiClient, headers: dict[str, str]) -> None:
    assert _post(docs_mock, DOC_BODY, headers=headers) == {"status": "-1", "reason": "Authentication error"}


def test_sign_is_compared_case_insensitively(docs_mock: AsgiClient) -> None:
    assert _post(docs_mock, DOC_BODY, headers={"Sign": DOC_SIGN.upper()})["status"] == "0"


def test_timestamp_outside_the_window_expires() -> None:
    client = AsgiClient(create_app(clock=DOC_TIMESTAMP, window=60))
    assert _post(client, DOC_BODY, timestamp=DOC_TIMESTAMP - 60)["status"] == "0"
    assert _post(client, DOC_BODY, timestamp=DOC_TIMESTAMP - 61)["status"] == "-16"
    assert _post(client, DOC_BODY, timestamp=DOC_TIMESTAMP + 61)["status"] == "-16"


@pytest.mark.parametrize(
    "body",
    [
        {"account": "abc", "appId": "4luaKsL2"},
        {"account": "a" * 33, "appId": "4luaKsL2"},
        {"account": "account"},
        {"appId": "4luaKsL2"},
        {"account": 1234, "appId": "4luaKsL2"},
        b'{"account": "account", "appId": ',
        b"",
        b"[]",
    ],
    ids=["3-chars", "33-chars", "no-appId", "no-account", "number", "broken-json", "empty", "array"],
)
def test_body_the_spec_rejects_is_a_parameter_exception(docs_mock: AsgiClient, body: Any) -> None:
    assert _post(docs_mock, body) == {"status": "-22", "reason": "Parameter exception"}


def test_boundary_lengths_of_account_are_accepted() -> None:
    client = AsgiClient(create_app(clock=DOC_TIMESTAMP, accounts=["abcd", "a" * 32]))
    assert _post(client, {"account": "abcd", "appId": "4luaKsL2"})["status"] == "0"
    assert _post(client, {"account": "a" * 32, "appId": "4luaKsL2"})["status"] == "0"


def test_unknown_account_or_app_is_data_unexisting(docs_mock: AsgiClient) -> None:
    assert _post(docs_mock, {"account": "nobody00", "appId": "4luaKsL2"})["status"] == "-24"
    assert _post(docs_mock, {"account": "1001", "appId": "otherApp"})["status"] == "-24"


def test_known_account_gets_a_fresh_password_that_the_mock_remembers() -> None:
    app = create_app(clock=DOC_TIMESTAMP)
    client = AsgiClient(app)
    first = _post(client, {"account": "1001", "appId": "4luaKsL2"})
    second = _post(client, {"account": "1001", "appId": "4luaKsL2"})
    assert first["status"] == second["status"] == "0"
    assert first["data"]["account"] == "1001"
    assert first["data"]["password"] != second["data"]["password"]
    assert app.state.mock.passwords["1001"] == second["data"]["password"]
    assert second["data"]["password"] not in repr(app.state.mock)


def test_any_account_mode_accepts_every_well_formed_account() -> None:
    client = AsgiClient(create_app(clock=DOC_TIMESTAMP, any_account=True))
    assert _post(client, {"account": "acct-0042", "appId": "4luaKsL2"})["status"] == "0"


def test_unknown_paths_and_methods_are_plain_http_errors(docs_mock: AsgiClient) -> None:
    assert docs_mock.post("/voice/noSuchThing").status_code == 404
    assert docs_mock.get("/voice/sipReset").status_code == 405


def test_clashing_recordings_are_refused(tmp_path: Path) -> None:
    source = (ROOT / "openapi" / "recordings" / "sipReset" / "00-docs-success.yaml").read_text()
    (tmp_path / "a.yaml").write_text(source)
    (tmp_path / "b.yaml").write_text(source)
    with pytest.raises(ValueError, match="answer the same request"):
        create_app(recordings_dir=tmp_path)


def test_mock_server_serves_the_sdk_over_loopback() -> None:
    with MockServer() as mock, mock.client() as client:
        assert mock.url.startswith("http://127.0.0.1:")
        result = sip_reset.sync(client=client, body=SipResetRequest(account="1002", app_id="4luaKsL2"))
        assert result is not None
        assert isinstance(result.data, SipResetData)
        assert mock.state.passwords["1002"] == result.data.password
        with pytest.raises(DataNotFoundError):
            sip_reset.sync(client=client, body=SipResetRequest(account="nobody00", app_id="4luaKsL2"))


def test_itnio_mock_fixture_is_shipped_as_a_pytest_plugin(itnio_mock: MockServer) -> None:
    with itnio_mock.client() as client:
        result = sip_reset.sync(client=client, body=SipResetRequest(account="1003", app_id="4luaKsL2"))
    assert result is not None
    assert isinstance(result.data, SipResetData)
    assert itnio_mock.state.passwords["1003"] == result.data.password


def test_python_m_itniotech_mock_serves_on_the_port_it_announces() -> None:
    with mock_process("--clock", str(DOC_TIMESTAMP)) as url:
        headers = {"Sign": DOC_SIGN, "Timestamp": str(DOC_TIMESTAMP), "Api-Key": DOC_API_KEY}
        response = httpx.post(f"{url}/voice/sipReset", json=DOC_BODY, headers=headers)
    assert response.json()["data"]["password"] == "Zi6CsOka"
    assert response.headers["Date"] == "Wed, 01 Sep 2021 04:00:00 GMT"  # the mock's clock, not the host's
