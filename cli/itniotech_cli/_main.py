"""The ``itniotech-voice`` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import NoReturn

import click
import httpx
from itniotech_signing import ConfigurationError, ItnioError, signed_client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest

from ._creds import read_accounts
from ._rotate import RotationReport, rotate, summary

base_url_option = click.option(
    "--base-url", envvar="ITNIO_BASE_URL", help="API host (default: $ITNIO_BASE_URL, else the vendor's)."
)
app_id_option = click.option("--app-id", required=True, help="The audio application ID.")


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ITNIO Tech voice API from the command line. Credentials: ITNIO_API_KEY and ITNIO_API_SECRET."""


@main.command("sip-reset")
@app_id_option
@base_url_option
@click.argument("account")
def sip_reset_command(app_id: str, base_url: str | None, account: str) -> None:
    """Reset ACCOUNT's SIP password; print {"account", "password"} as JSON."""
    try:
        with signed_client(base_url=base_url) as client:
            result = sip_reset.sync(client=client, body=SipResetRequest(account=account, app_id=app_id))
    except ConfigurationError as error:
        _fail(f"error: {error}", 2)
    except ItnioError as error:
        _fail(str(error), 1)
    except httpx.HTTPError as error:
        _fail(f"error: {type(error).__name__}: {error}", 1)
    if result is None or not isinstance(result.data, SipResetData):
        _fail("error: the answer carries no new password", 1)
    click.echo(json.dumps({"account": result.data.account, "password": result.data.password}))


@main.command("rotate")
@app_id_option
@click.option(
    "--accounts",
    "accounts_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File of accounts, one per line (# comments and blank lines ignored).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of new passwords (account,password), mode 0600; rerun with the same file to resume.",
)
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 256))
@base_url_option
def rotate_command(
    app_id: str, accounts_file: Path, out: Path, concurrency: int, base_url: str | None
) -> None:
    """Reset every account in --accounts, recording each new password in --out as it arrives."""
    try:
        accounts = read_accounts(accounts_file)
        client = signed_client(
            base_url=base_url, httpx_args={"limits": httpx.Limits(max_connections=concurrency)}
        )
    except ConfigurationError as error:
        _fail(f"error: {error}", 2)
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"error: cannot read {accounts_file}: {error}", 2)

    async def run() -> RotationReport:
        async with client:
            return await rotate(client, accounts=accounts, app_id=app_id, out=out, concurrency=concurrency)

    try:
        report = asyncio.run(run())
    except (OSError, ValueError) as error:
        _fail(f"error: {out}: {error}", 2)
    except KeyboardInterrupt:
        _fail(f"interrupted: every password received is in {out}; run the same command again to resume", 130)
    click.echo(summary(report, out), err=True)
    if report.failures:
        sys.exit(1)
