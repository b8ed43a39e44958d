from __future__ import annotations

import re

import pytest
from itniotech_signing import ConfigurationError, sign

from .conftest import DOC_KEY, DOC_SECRET, DOC_SIGN, DOC_TIMESTAMP


@pytest.mark.parametrize("timestamp", [DOC_TIMESTAMP, str(DOC_TIMESTAMP)])
def test_sign_matches_documented_vector(timestamp: int | str) -> None:
    assert sign(DOC_KEY, DOC_SECRET, timestamp) == DOC_SIGN


def test_sign_is_32_lowercase_hex_and_depends_on_every_input() -> None:
    variants = {
        sign(DOC_KEY, DOC_SECRET, DOC_TIMESTAMP),
        sign(DOC_KEY + "x", DOC_SECRET, DOC_TIMESTAMP),
        sign(DOC_KEY, DOC_SECRET + "x", DOC_TIMESTAMP),
        sign(DOC_KEY, DOC_SECRET, DOC_TIMESTAMP + 1),
    }
    assert len(variants) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", s) for s in variants)


@pytest.mark.parametrize(
    ("key", "secret", "timestamp"),
    [(None, DOC_SECRET, 1), (DOC_KEY, b"bytes", 1), (DOC_KEY, DOC_SECRET, 1.5), (DOC_KEY, DOC_SECRET, True)],
)
def test_sign_rejects_wrong_types_with_typed_error(key: object, secret: object, timestamp: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        sign(key, secret, timestamp)  # type: ignore[arg-type]
    assert DOC_SECRET not in str(info.value)
