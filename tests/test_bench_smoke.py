"""The benchmark harness keeps working: a tiny run prints every row (speed is never asserted here)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_bench_quick_run_prints_a_ratio_for_every_benchmark() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("| ")}
    for name in ("client overhead per call", "connection reuse", "bulk: ", "import cost", "regeneration"):
        row = next((line for key, line in rows.items() if key.startswith(name)), None)
        assert row is not None, f"no row for {name!r} in:\n{result.stdout}"
    for key, line in rows.items():
        if key.startswith(("client overhead", "connection reuse", "bulk: ", "import cost")):
            cell = line.split("|")[4].strip()
            ratio = cell.split()[0]
            assert ratio.endswith("x"), line
            assert float(ratio[:-1]) > 0
            if key.startswith("client overhead"):  # paired rounds: the quartiles of their ratios follow
                low, high = (float(q) for q in cell.split("(")[1].rstrip(")").split("-"))
                assert 0 < low <= float(ratio[:-1]) <= high, line
