"""The itniotech-voice command, run for real against the mock over loopback."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from itniotech_cli import CredentialsFile, read_accounts, rotate
from itniotech_mock import DOC_API_KEY, DOC_API_SECRET, MockServer

COMMAND = [sys.executable, "-m", "itniotech_cli"]
APP_ID = "4luaKsL2"


@pytest.fixture
def mock() -> Iterator[MockServer]:
    with MockServer(accounts=["1001", "1002", "1003", "1004"]) as server:
        yield server


def run(
    args: list[str], mock: MockServer | None, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ITNIO_")}
    environ |= {"ITNIO_API_KEY": DOC_API_KEY, "ITNIO_API_SECRET": DOC_API_SECRET}
    if mock is not None:
        environ["ITNIO_BASE_URL"] = mock.url
    environ |= env or {}
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=environ, timeout=120, check=False
    )


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_sip_reset_prints_the_new_password_as_json(mock: MockServer) -> None:
    result = run(["sip-reset", "--app-id", APP_ID, "1001"], mock)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == {"account": "1001", "password": mock.state.passwords["1001"]}


def test_installed_console_script_is_the_same_command(mock: MockServer) -> None:
    script = Path(sys.executable).parent / "itniotech-voice"
    result = subprocess.run(
        [str(script), "sip-reset", "--app-id", APP_ID, "--base-url", mock.url, "1002"],
        capture_output=True,
        text=True,
        env={**os.environ, "ITNIO_API_KEY": DOC_API_KEY, "ITNIO_API_SECRET": DOC_API_SECRET},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["password"] == mock.state.passwords["1002"]


def test_api_error_is_one_line_and_exit_1(mock: MockServer) -> None:
    result = run(["sip-reset", "--app-id", APP_ID, "nobody00"], mock)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "error -24: Data unexisting\n")


def test_unreachable_api_is_one_line_and_exit_1() -> None:
    result = run(["sip-reset", "--app-id", APP_ID, "--base-url", "http://127.0.0.1:9", "1001"], None)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("missing", ["ITNIO_API_KEY", "ITNIO_API_SECRET"])
def test_missing_credentials_exit_2_naming_the_variables(mock: MockServer, missing: str) -> None:
    result = run(["sip-reset", "--app-id", APP_ID, "1001"], mock, env={missing: ""})
    assert result.returncode == 2
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [["sip-reset"], ["sip-reset", "1001"], ["rotate", "--app-id", APP_ID], ["no-such-command"]],
    ids=["no-account", "no-app-id", "rotate-no-files", "unknown-command"],
)
def test_bad_arguments_exit_2_with_usage(args: list[str]) -> None:
    result = run(args, None)
    assert result.returncode == 2
    assert "Usage:" in result.stderr


def test_read_accounts_skips_blanks_comments_and_duplicates(tmp_path: Path) -> None:
    listing = tmp_path / "accounts.txt"
    listing.write_text("1001\n\n# a comment\n  1002  \n1001\n   \n1003\n", encoding="utf-8")
    assert read_accounts(listing) == ["1001", "1002", "1003"]


def test_rotate_writes_one_private_row_per_account_and_reports_failures(
    mock: MockServer, tmp_path: Path
) -> None:
    listing = tmp_path / "accounts.txt"
    listing.write_text("# phones\n1001\n1002\n\n1001\nnobody00\n1003\n", encoding="utf-8")
    out = tmp_path / "creds.csv"
    result = run(["rotate", "--app-id", APP_ID, "--accounts", str(listing), "--out", str(out)], mock)
    assert result.returncode == 1
    assert "error -24: Data unexisting (account nobody00)" in result.stderr
    assert "rotated 3, skipped 0" in result.stderr
    table = rows(out)
    assert table[0] == ["account", "password"]
    assert sorted(table[1:]) == sorted([a, mock.state.passwords[a]] for a in ("1001", "1002", "1003"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert rows(tmp_path / "creds.csv.failed") == [
        ["account", "code", "reason"],
        ["nobody00", "-24", "Data unexisting"],
    ]


def test_rotate_resumes_skipping_written_rows_and_redoing_a_torn_line(
    mock: MockServer, tmp_path: Path
) -> None:
    listing = tmp_path / "accounts.txt"
    listing.write_text("1001\n1002\n1003\n1004\n", encoding="utf-8")
    out = tmp_path / "creds.csv"
    out.write_text("account,password\n1001,kept-from-before\n1002,tor", encoding="utf-8")
    mock.state.passwords["1001"] = "kept-from-before"
    result = run(["rotate", "--app-id", APP_ID, "--accounts", str(listing), "--out", str(out)], mock)
    assert result.returncode == 0, result.stderr
    assert "rotated 3, skipped 1" in result.stderr
    table = rows(out)
    assert [r[0] for r in table[1:]].count("1002") == 1
    assert dict(table[1:]) == {a: mock.state.passwords[a] for a in ("1001", "1002", "1003", "1004")}
    assert dict(table[1:])["1001"] == "kept-from-before"


def test_rotate_shows_progress_with_rate_and_eta_on_a_terminal(
    mock: MockServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def go() -> None:
        async with mock.client() as client:
            await rotate(
                client, accounts=["1001", "1002"], app_id=APP_ID, out=tmp_path / "c.csv", progress=True
            )

    asyncio.run(go())
    progress = capsys.readouterr().err
    assert "2/2" in progress
    assert "acct/s" in progress
    assert "<" in progress  # tqdm's elapsed<remaining (the ETA)


def test_sigkill_mid_rotation_loses_nothing_after_a_rerun(tmp_path: Path) -> None:
    accounts = [f"acct{n:04d}" for n in range(300)]
    listing = tmp_path / "accounts.txt"
    listing.write_text("\n".join(accounts) + "\n", encoding="utf-8")
    out = tmp_path / "creds.csv"
    args = ["rotate", "--app-id", APP_ID, "--accounts", str(listing), "--out", str(out), "--concurrency", "4"]
    with MockServer(any_account=True, latency=0.01) as mock:
        environ = {**os.environ, "ITNIO_API_KEY": DOC_API_KEY, "ITNIO_API_SECRET": DOC_API_SECRET}
        environ["ITNIO_BASE_URL"] = mock.url
        victim = subprocess.Popen([*COMMAND, *args], env=environ, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while (not out.exists() or out.read_bytes().count(b"\n") < 40) and time.monotonic() < deadline:
            time.sleep(0.005)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        written_before = out.read_bytes().count(b"\n") - 1
        assert 0 < written_before < len(accounts), "the kill must land mid-rotation"
        time.sleep(0.5)  # let the server finish requests the killed client left in flight
        result = run(args, mock)
        assert result.returncode == 0, result.stderr
        table = rows(out)
        assert table[0] == ["account", "password"]
        names = [r[0] for r in table[1:]]
        assert sorted(names) == sorted(accounts), "every account exactly once"
        assert dict(table[1:]) == {a: mock.state.passwords[a] for a in accounts}
        assert f"skipped {written_before}" in result.stderr


def test_credentials_file_refuses_a_foreign_csv(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,email\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        CredentialsFile(path)


def test_ctrl_c_mid_rotation_exits_130_without_a_traceback(tmp_path: Path) -> None:
    listing = tmp_path / "accounts.txt"
    listing.write_text("\n".join(f"acct{n:04d}" for n in range(200)) + "\n", encoding="utf-8")
    out = tmp_path / "creds.csv"
    args = ["rotate", "--app-id", APP_ID, "--accounts", str(listing), "--out", str(out), "--concurrency", "2"]
    with MockServer(any_account=True, latency=0.02) as mock:
        environ = {**os.environ, "ITNIO_API_KEY": DOC_API_KEY, "ITNIO_API_SECRET": DOC_API_SECRET}
        environ["ITNIO_BASE_URL"] = mock.url
        victim = subprocess.Popen([*COMMAND, *args], env=environ, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while (not out.exists() or out.read_bytes().count(b"\n") < 5) and time.monotonic() < deadline:
            time.sleep(0.005)
        victim.send_signal(signal.SIGINT)
        _, stderr = victim.communicate(timeout=60)
    assert victim.returncode == 130
    assert "run the same command again to resume" in stderr
    assert "Traceback" not in stderr


def test_missing_cli_extra_is_a_one_line_hint() -> None:
    code = "import sys; sys.modules['click'] = None; from itniotech_cli._entry import run; run()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "itniotech-voice needs the cli extra (click is not installed): pip install 'itniotech-voice[cli]'"
    )
