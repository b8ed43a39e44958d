"""signed_client(): credentials, defaults, the caller's httpx arguments, and secrets kept out of sight."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from itniotech_signing import (
    DEFAULT_BASE_URL,
    ConfigurationError,
    ItnioAuth,
    ItnioError,
    UnexpectedResponseError,
    signed_client,
)
from itniotech_voice import Client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetRequest

from .conftest import DOC_KEY, DOC_SECRET, Recorder, envelope, json_response

MakeClient = Callable[..., tuple[Client, Recorder]]
BODY = SipResetRequest(account="account", app_id="4luaKsL2")
NEW_PASSWORD = "Zi6CsOka"


@pytest.mark.parametrize(
    "missing", [["ITNIO_API_KEY"], ["ITNIO_API_SECRET"], ["ITNIO_API_KEY", "ITNIO_API_SECRET"]]
)
def test_missing_credentials_error_names_the_environment_variables(
    monkeypatch: pytest.MonkeyPatch, missing: list[str]
) -> None:
    monkeypatch.setenv("ITNIO_API_KEY", DOC_KEY)
    monkeypatch.setenv("ITNIO_API_SECRET", DOC_SECRET)
    for name in missing:
        monkeypatch.delenv(name)
    with pytest.raises(ConfigurationError) as info:
        signed_client()
    assert isinstance(info.value, ItnioError)
    for name in missing:
        assert name in str(info.value)
    assert DOC_SECRET not in str(info.value)


def test_explicit_credentials_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITNIO_API_KEY", "envkey00")
    monkeypatch.setenv("ITNIO_API_SECRET", "envsecret")
    recorder = Recorder(envelope())
    client = signed_client(DOC_KEY, DOC_SECRET, httpx_args={"transport": httpx.MockTransport(recorder)})
    sip_reset.sync(client=client, body=BODY)
    assert recorder.requests[0].headers["Api-Key"] == DOC_KEY


@pytest.mark.parametrize(("key", "secret"), [("", DOC_SECRET), (DOC_KEY, "  "), (123, DOC_SECRET)])
def test_blank_or_non_string_credentials_are_rejected(key: object, secret: object) -> None:
    with pytest.raises(ConfigurationError, match=r"api_key|api_secret"):
        ItnioAuth(key, secret)  # type: ignore[arg-type]


def test_base_url_comes_from_argument_then_environment_then_default(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, recorder = make_client(envelope())
    sip_reset.sync(client=client, body=BODY)
    monkeypatch.setenv("ITNIO_BASE_URL", "https://voice.reseller.example")
    env_client, env_recorder = make_client(envelope())
    sip_reset.sync(client=env_client, body=BODY)
    arg_client, arg_recorder = make_client(envelope(), base_url="http://127.0.0.1:9")
    sip_reset.sync(client=arg_client, body=BODY)
    assert str(recorder.requests[0].url) == f"{DEFAULT_BASE_URL}/voice/sipReset"
    assert str(env_recorder.requests[0].url) == "https://voice.reseller.example/voice/sipReset"
    assert str(arg_recorder.requests[0].url) == "http://127.0.0.1:9/voice/sipReset"


def test_default_timeouts_are_finite_and_tls_verification_is_on(make_client: MakeClient) -> None:
    client, _ = make_client(envelope())
    timeout = client.get_httpx_client().timeout
    assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)
    assert client._verify_ssl is True
    assert client._follow_redirects is False


@pytest.mark.parametrize(
    "kwargs",
    [
        {"verify_ssl": False},
        {"httpx_args": {"verify": False}},
        {"follow_redirects": True},
        {"httpx_args": {"auth": ("user", "pass")}},
    ],
    ids=["verify_ssl", "httpx-verify", "redirects", "foreign-auth"],
)
def test_settings_that_would_weaken_the_client_are_refused(
    monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any]
) -> None:
    monkeypatch.setenv("ITNIO_API_KEY", DOC_KEY)
    monkeypatch.setenv("ITNIO_API_SECRET", DOC_SECRET)
    with pytest.raises(ConfigurationError):
        signed_client(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"timout": 5}, "timout"), ({"timeout": "soon"}, "timeout"), ({"timeout": -1}, "timeout")],
)
def test_bad_arguments_are_typed_errors_naming_them(
    monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], named: str
) -> None:
    monkeypatch.setenv("ITNIO_API_KEY", DOC_KEY)
    monkeypatch.setenv("ITNIO_API_SECRET", DOC_SECRET)
    with pytest.raises(ConfigurationError, match=named):
        signed_client(**kwargs)


def test_every_client_argument_signed_client_forwards_exists_on_the_generated_client() -> None:
    import inspect

    from itniotech_signing._client import _CLIENT_ARGS

    parameters = set(inspect.signature(Client).parameters)
    assert parameters == _CLIENT_ARGS | {"base_url", "timeout", "httpx_args"}


def test_callers_httpx_args_are_merged_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITNIO_API_KEY", DOC_KEY)
    monkeypatch.setenv("ITNIO_API_SECRET", DOC_SECRET)
    seen: list[str] = []
    recorder = Recorder(envelope())
    caller_args = {
        "transport": httpx.MockTransport(recorder),
        "event_hooks": {"request": [lambda request: seen.append(request.headers["Sign"])]},
        "limits": httpx.Limits(max_connections=3),
    }
    client = signed_client(httpx_args=caller_args, headers={"X-Trace": "t-1"})
    sip_reset.sync(client=client, body=BODY)
    (request,) = recorder.requests
    assert request.headers["X-Trace"] == "t-1"
    assert seen == [request.headers["Sign"]]  # the caller's hook ran, after signing
    assert "auth" not in caller_args  # the caller's dict is not mutated


def test_secret_is_absent_from_reprs(make_client: MakeClient) -> None:
    client, _ = make_client(envelope())
    auth = ItnioAuth(DOC_KEY, DOC_SECRET)
    for text in (repr(auth), str(auth), repr(client)):
        assert DOC_SECRET not in text
    assert "***" in repr(auth)


def test_secret_and_sign_are_masked_in_error_messages(make_client: MakeClient) -> None:
    def echo_gateway(request: httpx.Request) -> httpx.Response:
        leaked = f"<html>bad request: Sign={request.headers['Sign']} secret={DOC_SECRET}</html>"
        return httpx.Response(502, text=leaked)

    client, recorder = make_client(echo_gateway)
    with pytest.raises(UnexpectedResponseError) as info:
        sip_reset.sync(client=client, body=BODY)
    sign_sent = recorder.requests[0].headers["Sign"]
    for text in (str(info.value), info.value.excerpt, repr(info.value)):
        assert DOC_SECRET not in text
        assert sign_sent not in text
    assert "***" in info.value.excerpt


def test_new_password_is_masked_in_unexpected_response_excerpts(make_client: MakeClient) -> None:
    body = b'{"data": {"account": "account", "password": "' + NEW_PASSWORD.encode() + b'"}}'
    client, _ = make_client(lambda request: json_response(body, status_code=503))
    with pytest.raises(UnexpectedResponseError) as info:
        sip_reset.sync(client=client, body=BODY)
    assert NEW_PASSWORD not in str(info.value)
    assert "account" in info.value.excerpt


def test_debug_logs_never_contain_the_secret_or_sign(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, recorder = make_client(envelope(data={"account": "account", "password": NEW_PASSWORD}))
    sip_reset.sync(client=client, body=BODY)
    assert caplog.records, "expected the SDK to log at DEBUG"
    sign_sent = recorder.requests[0].headers["Sign"]
    assert DOC_SECRET not in caplog.text
    assert sign_sent not in caplog.text
    assert NEW_PASSWORD not in caplog.text
