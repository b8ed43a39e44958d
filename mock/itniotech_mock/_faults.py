"""Fault injection: what a real network and a real gateway do to answers, on demand.

Faults are chosen when the mock starts (``create_app(faults=[...])``, ``--fault``) or per request with the
``X-Itnio-Mock-Fault`` header; several are separated by commas. Each is ``name`` or ``name=value``:

=====================  =====================================================================================
``latency=S``          wait S seconds before answering
``status=N``           answer HTTP N with a gateway's HTML page (502, 503, 504, 520...)
``drop``               send the status line and headers, then close the connection: no body
``truncate``           announce the full body's length, send half of it, close the connection
``truncated-json``     a complete HTTP 200 answer whose JSON body is cut in half
``empty``              a complete HTTP 200 answer with an empty body
``numeric-status``     the envelope's ``status`` as a number instead of a string
``code=X``             answer the envelope ``{"status": X}`` (an undocumented code such as -99)
``expire-first=N``     answer ``-16`` to the first N requests that carry this fault
``clock-offset=S``     the mock's clock (and its ``Date`` header) runs S seconds ahead (negative: behind)
``first=N``            apply the other faults of the same list only to its first N requests (then recover)
=====================  =====================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["FAULT_HEADER", "Fault", "parse_faults"]

FAULT_HEADER = "X-Itnio-Mock-Fault"
_NUMERIC = {"latency": float, "status": int, "expire-first": int, "clock-offset": float, "first": int}
_FLAGS = {"drop", "truncate", "truncated-json", "empty", "numeric-status"}
_TEXT = {"code"}


@dataclass(frozen=True)
class Fault:
    """One injected fault: its name, and its value for the ones that take one."""

    name: str
    value: float | str | None = None
    #: Where the fault came from (the start list, or one request header); counters are kept per scope.
    scope: str = ""

    @property
    def key(self) -> str:
        """The fault as written, e.g. ``expire-first=2`` (counters are kept per key)."""
        return self.name if self.value is None else f"{self.name}={self.value}"


def parse_faults(specs: Iterable[str]) -> list[Fault]:
    """Parse fault specs; raises ``ValueError`` naming an unknown fault or a bad value."""
    faults: list[Fault] = []
    for spec in specs:
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, _, raw = part.partition("=")
            name = name.strip().lower()
            if name in _FLAGS and not raw:
                faults.append(Fault(name))
            elif name in _TEXT and raw:
                faults.append(Fault(name, raw.strip()))
            elif name in _NUMERIC and raw:
                try:
                    value = _NUMERIC[name](raw.strip())
                except ValueError:
                    raise ValueError(f"fault {part!r}: {raw!r} is not a number") from None
                if name == "status" and not 100 <= value <= 599:
                    raise ValueError(f"fault {part!r}: an HTTP status is 100 to 599")
                faults.append(Fault(name, value))
            else:
                known = sorted(_FLAGS | {f"{n}=..." for n in (*_NUMERIC, *_TEXT)})
                raise ValueError(f"unknown fault {part!r}; known: {', '.join(known)}")
    return faults
