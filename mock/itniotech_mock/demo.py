"""``make demo``: the mock on a free loopback port, passwords reset with the SDK and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from itniotech_signing import ItnioApiError, signed_client
from itniotech_voice.api.sip import sip_reset
from itniotech_voice.models import SipResetData, SipResetRequest

from ._app import DEFAULT_APP_IDS, DOC_API_KEY, DOC_API_SECRET
from ._server import mock_process


def _cli_demo() -> None:
    """Do the same with the itniotech-voice command (the environment above carries the credentials)."""
    command = [sys.executable, "-m", "itniotech_cli"]
    print("\n$ itniotech-voice sip-reset --app-id 4luaKsL2 1002", flush=True)
    subprocess.run([*command, "sip-reset", "--app-id", DEFAULT_APP_IDS[0], "1002"], check=False)
    with tempfile.TemporaryDirectory() as tmp:
        accounts, out = Path(tmp) / "accounts.txt", Path(tmp) / "creds.csv"
        accounts.write_text("# phones to rotate\n1001\n1002\n1003\nnobody00\n", encoding="utf-8")
        print(
            "\n$ itniotech-voice rotate --app-id 4luaKsL2 --accounts accounts.txt --out creds.csv", flush=True
        )
        rotate = [
            *command,
            "rotate",
            "--app-id",
            DEFAULT_APP_IDS[0],
            "--accounts",
            str(accounts),
            "--out",
            str(out),
        ]
        code = subprocess.run(rotate, check=False).returncode
        print(
            f"(exit {code}: one account does not exist)\n$ cat creds.csv\n{out.read_text(encoding='utf-8')}",
            end="",
        )


def main() -> int:
    """Run the demo; returns the exit code."""
    with mock_process() as url:
        print(f"mock ITNIO API on {url} (credentials: the docs' public example pair)")
        # What a user does: credentials in the environment, then signed_client().
        os.environ.update(
            {"ITNIO_API_KEY": DOC_API_KEY, "ITNIO_API_SECRET": DOC_API_SECRET, "ITNIO_BASE_URL": url}
        )
        with signed_client() as client:
            result = sip_reset.sync(
                client=client, body=SipResetRequest(account="1001", app_id=DEFAULT_APP_IDS[0])
            )
            if result is None or not isinstance(result.data, SipResetData):
                print("unexpected answer", file=sys.stderr)
                return 1
            print(f"reset phone account {result.data.account}: new password {result.data.password}")
            try:
                sip_reset.sync(
                    client=client, body=SipResetRequest(account="nobody00", app_id=DEFAULT_APP_IDS[0])
                )
            except ItnioApiError as error:
                print(f"reset phone account nobody00: {type(error).__name__}: {error}", flush=True)
        _cli_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
