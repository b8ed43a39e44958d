"""The credentials file of a rotation: append-only, fsynced row by row, resumable after a crash."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

__all__ = ["HEADER", "CredentialsFile", "read_accounts"]

HEADER = "account,password"


def read_accounts(path: Path) -> list[str]:
    """Return the accounts, one per line: blanks and ``#`` comments skipped, duplicates once, in order."""
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        account = line.strip()
        if account and not account.startswith("#"):
            seen.setdefault(account, None)
    return list(seen)


def _row(*fields: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue().encode("utf-8")


class CredentialsFile:
    """``account,password`` rows, each appended, flushed and fsynced the moment its answer arrives.

    Opening an existing file keeps its complete rows and cuts off a torn last line (one a crash left without
    its newline): that account was not recorded, so it is reset again. The file is created with mode 0600
    and kept at 0600, since it holds passwords.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, str] = {}
        self._fd = self._open()

    def _open(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        content = self.path.read_bytes()
        complete = content[: content.rfind(b"\n") + 1]
        if len(complete) != len(content):
            os.ftruncate(fd, len(complete))
        if not complete:
            os.write(fd, (HEADER + "\n").encode())
            os.fsync(fd)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)  # the new file's name survives a power cut too
            finally:
                os.close(dir_fd)
        else:
            rows = csv.reader(io.StringIO(complete.decode("utf-8")))
            header = next(rows, [])
            if ",".join(header) != HEADER:
                os.close(fd)
                raise ValueError(f"{self.path} does not start with the header {HEADER!r}")
            for row in rows:
                if len(row) == 2 and row[0]:
                    self.done[row[0]] = row[1]
        return fd

    def append(self, account: str, password: str) -> None:
        """Record one account's new password durably (one write, then fsync)."""
        os.write(self._fd, _row(account, password))
        os.fsync(self._fd)
        self.done[account] = password

    def close(self) -> None:
        """Close the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __repr__(self) -> str:
        return f"CredentialsFile({str(self.path)!r}, rows={len(self.done)})"
