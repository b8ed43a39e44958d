"""The generated client + the signing plugin, end to end over httpx.MockTransport (no network)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from itniotech_signing import (
    ItnioApiError,
    ItnioAuth,
    ItnioError,
    UnexpectedResponseError,
    sign,
)
from itniotech_voice import Client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest, SipResetResponse

from .conftest import DOC_KEY, DOC_SECRET, DOC_SIGN, DOC_TIMESTAMP, Recorder, envelope, json_response

MakeClient = Callable[..., tuple[Client, Recorder]]
DOC_BODY = SipResetRequest(account="account", app_id="4luaKsL2")
DOC_SUCCESS = envelope(data={"account": "account", "password": "Zi6CsOka"})


def _codes_in_spec(spec: dict[str, Any]) -> list[tuple[str, str]]:
    media = spec["paths"]["/voice/sipReset"]["post"]["responses"]["200"]["content"]["application/json"]
    return [(ex["value"]["status"], ex["value"]["reason"]) for ex in media["examples"].values()]


def test_sip_reset_sends_exactly_the_documented_request(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.time", lambda: float(DOC_TIMESTAMP))
    client, recorder = make_client(DOC_SUCCESS)
    sip_reset.sync(client=client, body=DOC_BODY)
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.itniotech.com/voice/sipReset"
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert request.headers["Api-Key"] == DOC_KEY
    assert request.headers["Timestamp"] == str(DOC_TIMESTAMP)
    assert request.headers["Sign"] == DOC_SIGN
    assert json.loads(request.content) == {"account": "account", "appId": "4luaKsL2"}


def test_sip_reset_returns_the_new_password(make_client: MakeClient) -> None:
    client, _ = make_client(DOC_SUCCESS)
    result = sip_reset.sync(client=client, body=DOC_BODY)
    assert isinstance(result, SipResetResponse)
    assert isinstance(result.data, SipResetData)
    assert (result.status, result.data.account, result.data.password) == ("0", "account", "Zi6CsOka")


def test_sip_reset_async_returns_the_new_password(make_client: MakeClient) -> None:
    client, recorder = make_client(DOC_SUCCESS)

    async def call() -> SipResetResponse | None:
        async with client as c:
            return await sip_reset.asyncio(client=c, body=DOC_BODY)

    result = asyncio.run(call())
    assert isinstance(result, SipResetResponse)
    assert isinstance(result.data, SipResetData)
    assert result.data.password == "Zi6CsOka"
    (request,) = recorder.requests
    assert request.headers["Sign"] == sign(DOC_KEY, DOC_SECRET, request.headers["Timestamp"])


def test_every_attempt_is_signed_afresh() -> None:
    ticks: Iterator[int] = itertools.count(DOC_TIMESTAMP, 7)
    recorder = Recorder(DOC_SUCCESS)
    auth = ItnioAuth(DOC_KEY, DOC_SECRET, clock=lambda: float(next(ticks)))
    client = Client(
        "https://api.itniotech.com", httpx_args={"auth": auth, "transport": httpx.MockTransport(recorder)}
    )
    for _ in range(3):
        sip_reset.sync(client=client, body=DOC_BODY)
    stamps = [r.headers["Timestamp"] for r in recorder.requests]
    assert stamps == [str(DOC_TIMESTAMP), str(DOC_TIMESTAMP + 7), str(DOC_TIMESTAMP + 14)]
    assert [r.headers["Sign"] for r in recorder.requests] == [sign(DOC_KEY, DOC_SECRET, t) for t in stamps]


@pytest.mark.parametrize("numeric", [False, True], ids=["string", "number"])
def test_each_documented_code_raises_its_class(
    make_client: MakeClient, spec: dict[str, Any], numeric: bool
) -> None:
    documented = ItnioApiError.documented_codes()
    for code, reason in _codes_in_spec(spec):
        if code == "0":
            continue
        client, _ = make_client(envelope(int(code) if numeric else code, reason))
        with pytest.raises(ItnioApiError) as info:
            sip_reset.sync(client=client, body=DOC_BODY)
        assert type(info.value) is documented[code]
        assert (info.value.status, info.value.reason) == (code, reason)
        assert str(info.value) == f"error {code}: {reason}"


@pytest.mark.parametrize("code", ["-10", "-20", "-21", "-23", "-26", "-54"])
def test_codes_from_other_voice_pages_have_classes_too(make_client: MakeClient, code: str) -> None:
    client, _ = make_client(envelope(code, "whatever"))
    with pytest.raises(ItnioApiError) as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert type(info.value) is not ItnioApiError
    assert info.value.code == code


def test_unknown_code_raises_the_base_api_error(make_client: MakeClient) -> None:
    client, _ = make_client(envelope(-99, "brand new failure", data=None))
    with pytest.raises(ItnioApiError) as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert type(info.value) is ItnioApiError
    assert (info.value.status, info.value.reason) == ("-99", "brand new failure")


def test_error_without_reason_still_says_what_the_code_means(make_client: MakeClient) -> None:
    client, _ = make_client(envelope("-24", reason=None))
    with pytest.raises(ItnioApiError, match=r"error -24: Data unexisting") as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert info.value.reason == ""


def test_group_call_envelope_with_numeric_code_is_understood(make_client: MakeClient) -> None:
    client, _ = make_client(json.dumps({"code": -22, "msg": "Parameter exception", "data": None}).encode())
    with pytest.raises(ItnioApiError) as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert (info.value.status, info.value.reason) == ("-22", "Parameter exception")


@pytest.mark.parametrize(
    "body",
    [
        envelope("0", "success"),
        json.dumps({"status": "0", "reason": "success", "data": None}).encode(),
        envelope(0, "success", data={"account": "account", "password": "p"}),
    ],
    ids=["data-absent", "data-null", "numeric-zero"],
)
def test_success_envelopes_parse_whatever_the_shape_of_data(make_client: MakeClient, body: bytes) -> None:
    client, _ = make_client(body)
    result = sip_reset.sync(client=client, body=DOC_BODY)
    assert isinstance(result, SipResetResponse)
    assert result.status == "0"
    assert (
        result.data is None
        or isinstance(result.data, SipResetData)
        or result.data.__class__.__name__ == "Unset"
    )


@pytest.mark.parametrize(
    ("status_code", "content", "content_type", "message"),
    [
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", "unexpected HTTP status"),
        (520, b"<html>origin error</html>", "text/html", "unexpected HTTP status"),
        (500, b"Internal Server Error", "text/plain", "unexpected HTTP status"),
        (200, b"", "application/json", "empty body"),
        (200, b'{"status":"0","reason":"succ', "application/json", "not JSON"),
        (200, b"<html>maintenance</html>", "text/html", "not JSON"),
        (200, b"[1, 2]", "application/json", "not a JSON object"),
        (200, b'{"reason": "no status here"}', "application/json", "no status"),
        (200, b'{"status": null}', "application/json", "no status"),
        (200, b'{"status": true}', "application/json", "not a code"),
        (200, b"\xff\xfe\x00garbage", "application/json", "not JSON"),
    ],
    ids=[
        "html-502",
        "cloudflare-520",
        "text-500",
        "empty",
        "truncated",
        "html-200",
        "array",
        "no-status",
        "null-status",
        "bool-status",
        "binary",
    ],
)
def test_unreadable_answers_raise_unexpected_response_error(
    make_client: MakeClient, status_code: int, content: bytes, content_type: str, message: str
) -> None:
    answer = httpx.Response(status_code, content=content, headers={"Content-Type": content_type})
    client, _ = make_client(answer)
    with pytest.raises(UnexpectedResponseError, match=message) as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert info.value.http_status == status_code
    assert len(info.value.excerpt) <= 200
    if content and content.isascii():
        assert info.value.excerpt[:10] == " ".join(content.decode().split())[:10]


class _CutOffStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks off mid-stream, the way httpcore reports a peer closing early."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"status":"0","da'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b'{"status":"0","da'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_body_cut_off_mid_stream_raises_unexpected_response_error(make_client: MakeClient) -> None:
    client, _ = make_client(lambda request: httpx.Response(200, stream=_CutOffStream()))
    with pytest.raises(UnexpectedResponseError, match="could not be read") as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert info.value.http_status == 200

    async def call() -> None:
        async with client as c:
            await sip_reset.asyncio(client=c, body=DOC_BODY)

    with pytest.raises(UnexpectedResponseError, match="could not be read"):
        asyncio.run(call())


def test_async_path_maps_errors_the_same_way(make_client: MakeClient) -> None:
    client, _ = make_client(lambda request: json_response(b"", status_code=520))
    error_client, _ = make_client(envelope(-24, "Data unexisting"))

    async def call(c: Client) -> None:
        async with c:
            await sip_reset.asyncio(client=c, body=DOC_BODY)

    with pytest.raises(UnexpectedResponseError) as unexpected:
        asyncio.run(call(client))
    assert unexpected.value.http_status == 520
    with pytest.raises(ItnioApiError) as api_error:
        asyncio.run(call(error_client))
    assert api_error.value.code == "-24"


def test_redirects_are_not_followed_so_the_signature_stays_home(make_client: MakeClient) -> None:
    client, recorder = make_client(
        lambda request: httpx.Response(302, headers={"Location": "https://evil.example/steal"})
    )
    with pytest.raises(UnexpectedResponseError) as info:
        sip_reset.sync(client=client, body=DOC_BODY)
    assert info.value.http_status == 302
    assert [r.url.host for r in recorder.requests] == ["api.itniotech.com"]


def test_all_sdk_errors_share_one_base_class() -> None:
    assert issubclass(ItnioApiError, ItnioError)
    assert issubclass(UnexpectedResponseError, ItnioError)


def test_threads_sharing_one_client_always_send_matching_timestamp_and_sign() -> None:
    from concurrent.futures import ThreadPoolExecutor

    ticks = itertools.count(DOC_TIMESTAMP)
    recorder = Recorder(DOC_SUCCESS)
    auth = ItnioAuth(DOC_KEY, DOC_SECRET, clock=lambda: float(next(ticks)))  # a new second on every call
    client = Client(
        "https://api.itniotech.com", httpx_args={"auth": auth, "transport": httpx.MockTransport(recorder)}
    )
    with client, ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: sip_reset.sync(client=client, body=DOC_BODY), range(400)))
    sent = [(r.headers["Timestamp"], r.headers["Sign"]) for r in recorder.requests]
    assert len(sent) == 400
    assert all(signature == sign(DOC_KEY, DOC_SECRET, stamp) for stamp, signature in sent)


def test_numeric_status_becomes_a_string_in_the_model_with_itnio_auth_alone() -> None:
    # The envelope check itself rewrites it, so a plain httpx setup (no retry layer) gets it too.
    recorder = Recorder(envelope(0, "success", data={"account": "account", "password": "p"}))
    auth = ItnioAuth(DOC_KEY, DOC_SECRET)
    with Client(
        "https://api.itniotech.com", httpx_args={"auth": auth, "transport": httpx.MockTransport(recorder)}
    ) as c:
        result = sip_reset.sync(client=c, body=DOC_BODY)
    assert isinstance(result, SipResetResponse)
    assert result.status == "0"


@pytest.mark.parametrize("status", [200, 520])
def test_sync_and_asyncio_agree_with_their_detailed_forms(status: int) -> None:
    # `sync`/`asyncio` skip the Response wrapper (openapi/templates/endpoint_module.py.jinja): same answer,
    # and an HTTP status outside http.HTTPStatus (Cloudflare's 520) is the generator's own typed error.
    from itniotech_voice import errors

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=DOC_SUCCESS if status == 200 else b"<html>520</html>")

    def client() -> Client:
        transport = httpx.MockTransport(answer)
        return Client(
            base_url="https://api.itniotech.com",
            raise_on_unexpected_status=True,
            httpx_args={"transport": transport},
        )

    async def run_async() -> SipResetResponse | None:
        async with client() as c:
            return await sip_reset.asyncio(client=c, body=DOC_BODY)

    if status == 200:
        with client() as c:
            detailed = sip_reset.sync_detailed(client=c, body=DOC_BODY)
            assert sip_reset.sync(client=c, body=DOC_BODY) == detailed.parsed
        assert asyncio.run(run_async()) == SipResetResponse.from_dict(json.loads(DOC_SUCCESS))
    else:
        with client() as c, pytest.raises(errors.UnexpectedStatus) as caught:
            sip_reset.sync(client=c, body=DOC_BODY)
        assert caught.value.status_code == 520
        with pytest.raises(errors.UnexpectedStatus):
            asyncio.run(run_async())
