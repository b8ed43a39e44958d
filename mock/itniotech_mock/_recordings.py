"""Recorded exchanges: the request/response pairs printed in the vendor's docs, one YAML file each."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._paths import RECORDINGS_DIR

__all__ = ["Recording", "load_recordings"]


def canonical_body(body: object) -> str:
    """Return a body's identity for matching: key order and whitespace do not matter."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Recording:
    """One exchange: the request as sent, the response as answered."""

    name: str
    operation_id: str
    method: str
    path: str
    headers: Mapping[str, str]
    body: Any
    response_status: int
    response_body: Any
    #: False when the mock's rules (not a body match) produce the answer, e.g. a bad signature.
    replay: bool = True
    #: False for a recording whose request deliberately breaks the spec (it shows the -22 answer).
    request_conforms: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        """What a request must share with this recording to be answered by it (never Sign or Timestamp)."""
        return (self.method, self.path, canonical_body(self.body))

    @classmethod
    def from_file(cls, path: Path) -> Recording:
        """Read one recording; raises ``ValueError`` naming the file and the missing field."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            request, response = data["request"], data["response"]
            return cls(
                name=path.stem,
                operation_id=str(data["operationId"]),
                method=str(request["method"]).upper(),
                path=str(request["path"]),
                headers={str(k): str(v) for k, v in request.get("headers", {}).items()},
                body=request.get("body"),
                response_status=int(response.get("status", 200)),
                response_body=response["body"],
                replay=bool(data.get("replay", True)),
                request_conforms=bool(data.get("requestConformsToSpec", True)),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"recording {path}: missing or malformed field {exc}") from None


def load_recordings(directory: Path = RECORDINGS_DIR) -> list[Recording]:
    """Load every ``*.yaml`` recording below ``directory``, in a stable order."""
    return [Recording.from_file(p) for p in sorted(directory.rglob("*.yaml"))]
