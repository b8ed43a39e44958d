"""``rotate``: reset many SIP passwords concurrently through the async SDK, losing none."""

from __future__ import annotations

import asyncio
import csv
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from itniotech_signing import ItnioApiError, ItnioError
from itniotech_voice import Client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest
from tqdm import tqdm

from ._creds import CredentialsFile

__all__ = ["Failure", "RotationReport", "rotate"]


@dataclass(frozen=True)
class Failure:
    """An account whose reset failed, with the code (an API status, or ``unexpected``) and the reason."""

    account: str
    code: str
    reason: str


@dataclass
class RotationReport:
    """What a rotation did."""

    rotated: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


async def _reset_one(client: Client, account: str, app_id: str) -> str:
    result = await sip_reset.asyncio(client=client, body=SipResetRequest(account=account, app_id=app_id))
    if (
        result is None
        or not isinstance(result.data, SipResetData)
        or not isinstance(result.data.password, str)
    ):
        raise ItnioError("the answer carries no new password")
    return result.data.password


def _failure(account: str, error: Exception) -> Failure:
    if isinstance(error, ItnioApiError):
        return Failure(account, error.status, error.reason or error.description)
    return Failure(account, "unexpected", f"{type(error).__name__}: {error}")


async def rotate(
    client: Client,
    *,
    accounts: list[str],
    app_id: str,
    out: Path,
    concurrency: int = 8,
    progress: bool | None = None,
) -> RotationReport:
    """Reset every account not yet in ``out``; see :class:`CredentialsFile` for the durability rules.

    Failures are written to ``<out>.failed`` (``account,code,reason``) and to stderr, never to ``out``.
    """
    started = time.monotonic()
    creds = CredentialsFile(out)
    failed_path = out.with_name(out.name + ".failed")
    report = RotationReport(skipped=sum(1 for a in accounts if a in creds.done))
    todo = [a for a in accounts if a not in creds.done]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for account in todo:
        queue.put_nowait(account)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(todo), unit="acct", file=sys.stderr, disable=not show, dynamic_ncols=True)
    fd = os.open(failed_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as failed_file:
            failed_csv = csv.writer(failed_file, lineterminator="\n")
            failed_csv.writerow(["account", "code", "reason"])

            async def worker() -> None:
                while not queue.empty():
                    account = queue.get_nowait()
                    try:
                        password = await _reset_one(client, account, app_id)
                    except (ItnioError, httpx.HTTPError) as error:
                        failure = _failure(account, error)
                        report.failures.append(failure)
                        failed_csv.writerow([failure.account, failure.code, failure.reason])
                        failed_file.flush()
                        bar.write(
                            f"error {failure.code}: {failure.reason} (account {account})", file=sys.stderr
                        )
                    else:
                        # Written before anything else happens: the server already holds this password.
                        creds.append(account, password)
                        report.rotated += 1
                    bar.update(1)

            await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(todo) or 1)))))
    finally:
        bar.close()
        creds.close()
    report.seconds = time.monotonic() - started
    return report


def summary(report: RotationReport, out: Path) -> str:
    """One line for stderr at the end of a rotation."""
    rate = report.rotated / report.seconds if report.seconds > 0 else 0.0
    text = (
        f"rotated {report.rotated}, skipped {report.skipped} already in {out}, failed {len(report.failures)}"
        f" in {report.seconds:.1f} s ({rate:.0f}/s)"
    )
    if report.failures:
        text += f"; failures in {out.name}.failed"
    return text
