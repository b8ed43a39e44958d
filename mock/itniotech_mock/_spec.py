"""The spec, read once: which operations exist, what their bodies must look like, what they answer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from ._paths import SPEC_PATH

__all__ = ["Operation", "SpecIndex"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json\b", re.IGNORECASE)


def _json_media(content: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((media for name, media in content.items() if _JSON_MEDIA.match(name)), None)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, as the mock needs it."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    body_schema: Mapping[str, Any] | None
    body_required: bool
    response_schema: Mapping[str, Any] | None
    #: Response examples of the operation, by example name.
    examples: Mapping[str, Any] = field(default_factory=dict)
    #: The request body examples of the operation, by example name.
    request_examples: Mapping[str, Any] = field(default_factory=dict)

    def success_body(self) -> dict[str, Any]:
        """Return the operation's documented success answer (its first example whose status is "0")."""
        for example in self.examples.values():
            if isinstance(example, dict) and str(example.get("status", example.get("code"))) == "0":
                return dict(example)
        return {"status": "0", "reason": "success"}


class SpecIndex:
    """Operations of an OpenAPI document, with JSON Schema validators for their request bodies."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.components = document.get("components", {})
        self.operations: list[Operation] = []
        self._validators: dict[str, Draft202012Validator] = {}  # operationId -> its body's validator
        for path, item in document.get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
            for method in _METHODS:
                if method in item:
                    self.operations.append(self._operation(path, method, pattern, item[method]))
        self.reasons = self._reasons()

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> SpecIndex:
        """Read a spec from a YAML or JSON file."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def _operation(
        self, path: str, method: str, pattern: re.Pattern[str], op: Mapping[str, Any]
    ) -> Operation:
        body = op.get("requestBody", {})
        request_media = _json_media(body.get("content", {})) or {}
        response_media = _json_media(op.get("responses", {}).get("200", {}).get("content", {})) or {}
        return Operation(
            operation_id=op.get("operationId", f"{method} {path}"),
            method=method.upper(),
            path=path,
            pattern=pattern,
            body_schema=request_media.get("schema"),
            body_required=bool(body.get("required", False)),
            response_schema=response_media.get("schema"),
            examples={k: v.get("value") for k, v in response_media.get("examples", {}).items()},
            request_examples={k: v.get("value") for k, v in request_media.get("examples", {}).items()},
        )

    def _reasons(self) -> dict[str, str]:
        reasons: dict[str, str] = {}
        for op in self.operations:
            for example in op.examples.values():
                if isinstance(example, dict) and "status" in example and "reason" in example:
                    reasons.setdefault(str(example["status"]), str(example["reason"]))
        return reasons

    def validator(self, schema: Mapping[str, Any]) -> Draft202012Validator:
        """Return a validator for ``schema``; its ``#/components/...`` references resolve in this spec."""
        ref = schema.get("$ref")
        if isinstance(ref, str) and len(schema) == 1 and ref.startswith("#/components/schemas/"):
            # Follow a top-level reference once here rather than on every request.
            schema = self.components["schemas"][ref.rsplit("/", 1)[-1]]
        return Draft202012Validator({**schema, "components": self.components})

    def find(self, method: str, path: str) -> tuple[Operation | None, bool]:
        """Return the operation for ``method path``, and whether the path exists under another method."""
        path_known = False
        for op in self.operations:
            if op.pattern.match(path):
                path_known = True
                if op.method == method.upper():
                    return op, True
        return None, path_known

    def body_errors(self, op: Operation, body: object) -> list[str]:
        """Return what is wrong with ``body`` for ``op`` (empty when it is valid)."""
        if op.body_schema is None:
            return []
        validator = self._validators.get(op.operation_id)
        if validator is None:  # built once per operation, not once per request
            validator = self._validators[op.operation_id] = self.validator(op.body_schema)
        return [error.message for error in validator.iter_errors(body)]
