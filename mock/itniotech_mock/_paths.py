"""Where the spec and the recordings are: ``openapi/``, reached through the package's ``openapi`` link."""

from __future__ import annotations

from pathlib import Path

OPENAPI_DIR = Path(__file__).resolve().parent / "openapi"
SPEC_PATH = OPENAPI_DIR / "itniotech-voice.yaml"
RECORDINGS_DIR = OPENAPI_DIR / "recordings"
