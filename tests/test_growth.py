"""Adding an endpoint costs a spec edit, a recording and `make generate`: no Python edits.

From a temporary copy of the spec with one extra operation (and its recording), a fresh generation is
signed by the plugin, has its error codes mapped, is served by the mock and is covered by the contract
tests, all without touching hand-written code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import regenerate
import yaml

from .conftest import ROOT, SPEC_PATH

NEW_OPERATION: dict[str, Any] = {
    "post": {
        "tags": ["sip"],
        "operationId": "sipQuery",
        "summary": "Count phone accounts",
        "requestBody": {
            "required": True,
            "content": {
                "application/json;charset=UTF-8": {
                    "schema": {"$ref": "#/components/schemas/SipQueryRequest"},
                    "examples": {"docs": {"value": {"appId": "4luaKsL2"}}},
                }
            },
        },
        "responses": {
            "200": {
                "description": "The envelope.",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/SipQueryResponse"},
                        "examples": {
                            "success": {
                                "value": {
                                    "status": "0",
                                    "reason": "success",
                                    "data": {"total": 3, "pin": "8x4Kd0"},
                                }
                            },
                            "dataNotFound": {"value": {"status": "-24", "reason": "Data unexisting"}},
                        },
                    }
                },
            }
        },
    }
}
NEW_SCHEMAS: dict[str, Any] = {
    "SipQueryRequest": {
        "type": "object",
        "required": ["appId"],
        "properties": {"appId": {"type": "string", "minLength": 1}},
    },
    "SipQueryResponse": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"$ref": "#/components/schemas/Status"},
            "reason": {"type": "string"},
            "data": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "total": {"type": "integer"},
                            "pin": {"type": "string", "format": "password"},
                        },
                    },
                    {"type": "null"},
                ]
            },
        },
    },
}


def _recording(body: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": "sipQuery",
        "request": {
            "method": "POST",
            "path": "/voice/sipQuery",
            "headers": {"Api-Key": "bDqJFiq9"},
            "body": body,
        },
        "response": {"status": 200, "body": answer},
    }


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A spec with sipQuery added, its recordings, and the package generated from it."""
    root = tmp_path_factory.mktemp("grown")
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["paths"]["/voice/sipQuery"] = NEW_OPERATION
    spec["components"]["schemas"].update(NEW_SCHEMAS)
    spec_path = root / "itniotech-voice.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    recordings = root / "recordings"
    shutil.copytree(ROOT / "openapi" / "recordings", recordings)
    (recordings / "sipQuery").mkdir()
    for name, body, answer in (
        (
            "00-success",
            {"appId": "4luaKsL2"},
            {"status": "0", "reason": "success", "data": {"total": 3, "pin": "8x4Kd0"}},
        ),
        ("01-data-unexisting", {"appId": "noSuchApp"}, {"status": "-24", "reason": "Data unexisting"}),
    ):
        (recordings / "sipQuery" / f"{name}.yaml").write_text(yaml.safe_dump(_recording(body, answer)))
    package_parent = root / "generated"
    package_parent.mkdir()
    regenerate.generate(spec_path, package_parent)
    return {"spec": spec_path, "recordings": recordings, "generated": package_parent}


def _run(args: list[str], grown: dict[str, Path], **env: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter with the grown package first on sys.path: this process already imported the old one.
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(grown["generated"]), str(ROOT)]), **env}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_new_operation_is_signed_served_and_error_mapped_without_python_edits(grown: dict[str, Path]) -> None:
    script = textwrap.dedent(
        f"""
        import json
        from itniotech_mock import MockServer
        from itniotech_signing import DataNotFoundError, ParameterError
        from itniotech_voice.api.sip import sip_query
        from itniotech_voice.models import SipQueryRequest

        out = {{"module": sip_query.__file__}}
        spec, recordings = {str(grown["spec"])!r}, {str(grown["recordings"])!r}
        with MockServer(spec_path=spec, recordings_dir=recordings) as mock:
            with mock.client() as client:
                result = sip_query.sync(client=client, body=SipQueryRequest(app_id="4luaKsL2"))
                out["success"] = result.to_dict()
                out["repr"] = repr(result)
                for app_id, error in (("noSuchApp", DataNotFoundError), ("", ParameterError)):
                    try:
                        sip_query.sync(client=client, body=SipQueryRequest(app_id=app_id))
                    except error as exc:
                        out[error.__name__] = exc.status
        print(json.dumps(out))
        """
    )
    result = _run(["-c", script], grown)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["module"].startswith(str(grown["generated"]))
    assert out["success"] == {"status": "0", "reason": "success", "data": {"total": 3, "pin": "8x4Kd0"}}
    assert "8x4Kd0" not in out["repr"], "a new `format: password` field is masked with no Python edits"
    assert "pin=***" in out["repr"]
    assert (out["DataNotFoundError"], out["ParameterError"]) == ("-24", "-22")


def test_new_operation_gets_contract_tests_without_editing_a_test(grown: dict[str, Path]) -> None:
    result = _run(
        [
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "tests/test_contract.py",
            "tests/test_recordings.py",
        ],
        grown,
        ITNIO_CONTRACT_SPEC=str(grown["spec"]),
        ITNIO_CONTRACT_RECORDINGS=str(grown["recordings"]),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    passed = [line for line in result.stdout.splitlines() if line.startswith("PASSED")]
    # schemathesis makes one pytest item per operation: each contract test now runs for both operations.
    for test in (
        "test_mock_answers_every_operation_as_the_spec_documents",
        "test_unsigned_and_badly_signed_requests_get_authentication_error",
        "test_contract_holds_over_a_real_loopback_socket",
    ):
        assert sum(line.endswith(f"::{test}") for line in passed) == 2, (test, passed)
    assert "failed" not in result.stdout.splitlines()[-1]
