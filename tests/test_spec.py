"""The spec says what the vendor's sipReset page says (../shared/seeds), and is valid OpenAPI."""

from __future__ import annotations

from typing import Any

from itniotech_signing import ItnioApiError
from openapi_spec_validator import validate

from .conftest import DOC_SIGN

JSON_UTF8 = "application/json;charset=UTF-8"
# The codes and reasons printed on the vendor's sipReset page.
SIP_RESET_CODES = {
    "0": "success",
    "-1": "Authentication error",
    "-2": "Restricted IP access",
    "-16": "Timestamp expires",
    "-18": "Port program unusual",
    "-22": "Parameter exception",
    "-24": "Data unexisting",
}


def _sip_reset(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/voice/sipReset"]["post"]
    return operation


def _schema(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return schema


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def test_spec_names_the_vendor_server_tag_and_operation(spec: dict[str, Any]) -> None:
    assert [s["url"] for s in spec["servers"]] == ["https://api.itniotech.com"]
    operation = _sip_reset(spec)
    assert operation["operationId"] == "sipReset"
    assert operation["tags"] == ["sip"]


def test_request_body_has_account_of_4_to_32_chars_and_app_id(spec: dict[str, Any]) -> None:
    body = _sip_reset(spec)["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == [JSON_UTF8]
    schema = _schema(spec, body["content"][JSON_UTF8]["schema"]["$ref"])
    assert sorted(schema["required"]) == ["account", "appId"]
    account, app_id = schema["properties"]["account"], schema["properties"]["appId"]
    assert (account["type"], account["minLength"], account["maxLength"]) == ("string", 4, 32)
    assert app_id["type"] == "string"
    assert body["content"][JSON_UTF8]["examples"]["docs"]["value"] == {
        "account": "account",
        "appId": "4luaKsL2",
    }


def test_signature_headers_are_global_api_key_schemes_not_parameters(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert spec["security"] == [{name: [] for name in schemes}]
    assert {(s["type"], s["in"], s["name"]) for s in schemes.values()} == {
        ("apiKey", "header", "Api-Key"),
        ("apiKey", "header", "Timestamp"),
        ("apiKey", "header", "Sign"),
    }
    sign_scheme = next(s for s in schemes.values() if s["name"] == "Sign")
    assert "md5(apiKey + apiSecret + Timestamp)" in sign_scheme["description"]
    assert DOC_SIGN in sign_scheme["description"]
    operation = _sip_reset(spec)
    assert "security" not in operation
    assert "parameters" not in operation


def test_envelope_status_is_an_open_string_and_data_may_be_null_or_absent(spec: dict[str, Any]) -> None:
    media = _sip_reset(spec)["responses"]["200"]["content"]["application/json"]
    envelope = _schema(spec, media["schema"]["$ref"])
    assert envelope["required"] == ["status"]
    status = _schema(spec, envelope["properties"]["status"]["$ref"])
    assert status["type"] == "string"
    assert "enum" not in status
    for code, reason in SIP_RESET_CODES.items():
        assert f"| {code} | {reason}" in status["description"]
    data = envelope["properties"]["data"]
    assert {"type": "null"} in data["anyOf"]
    data_schema = _schema(spec, next(s["$ref"] for s in data["anyOf"] if "$ref" in s))
    assert data_schema["properties"]["password"]["format"] == "password"
    assert data_schema["properties"]["account"]["type"] == "string"


def test_response_examples_cover_every_documented_code(spec: dict[str, Any]) -> None:
    media = _sip_reset(spec)["responses"]["200"]["content"]["application/json"]
    examples = {ex["value"]["status"]: ex["value"] for ex in media["examples"].values()}
    assert {code: ex["reason"] for code, ex in examples.items()} == SIP_RESET_CODES
    assert examples["0"]["data"] == {"account": "account", "password": "Zi6CsOka"}


def test_every_code_in_the_spec_has_its_own_exception_class(spec: dict[str, Any]) -> None:
    media = _sip_reset(spec)["responses"]["200"]["content"]["application/json"]
    codes = {ex["value"]["status"] for ex in media["examples"].values()} - {"0"}
    documented = ItnioApiError.documented_codes()
    assert codes <= documented.keys()
    for code in codes:
        assert documented[code] is not ItnioApiError
        assert documented[code].description == SIP_RESET_CODES[code]
