"""Benchmarks: the SDK against the hand-rolled code it replaces, measured side by side in one run.

    python bench/bench.py                 # full sizes (make bench)
    python bench/bench.py --quick         # tiny sizes, to keep the harness working (make test runs this)
    python bench/bench.py --write bench/RESULTS.md

Machines here are noisy, so every comparison alternates its two sides round by round (A B, B A, A B...) and
reports the median of the rounds, never a single time. Speed targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY, SECRET = "bDqJFiq9", "7bz1lzh9"  # the vendor's public example pair, which the mock accepts
APP_ID = "4luaKsL2"
ANSWER = b'{"status":"0","reason":"success","data":{"account":"1001","password":"Zi6CsOka"}}'


@dataclass
class Row:
    """One line of the results table."""

    name: str
    sdk: str
    baseline: str
    ratio: float
    target: str
    verdict: str
    spread: tuple[float, float] | None = None  # quartiles of the per-round ratios, where they are paired


def alternate(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[list[float], list[float]]:
    """Run ``a`` and ``b`` ``rounds`` times each, swapping their order every round; return both samples."""
    sa: list[float] = []
    sb: list[float] = []
    for n in range(rounds):
        order = ((a, sa), (b, sb)) if n % 2 == 0 else ((b, sb), (a, sa))
        for fn, sample in order:
            sample.append(fn())
    return sa, sb


def paired_ratio(a: list[float], b: list[float]) -> tuple[float, tuple[float, float]]:
    """The median of the round-by-round ratios ``a[i] / b[i]``, and their quartiles.

    Each round's two sides ran back to back, so their ratio cancels the drift of a noisy machine between
    rounds, which a ratio of the two medians would keep.
    """
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    if len(ratios) < 2:
        return ratios[0], (ratios[0], ratios[0])
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), (q1, q3)


def timed(fn: Callable[[], object], calls: int) -> Callable[[], float]:
    """A round: ``calls`` calls of ``fn``; returns seconds per call."""

    def run() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - started) / calls

    return run


def signed_headers() -> dict[str, str]:
    """What the vendor's sample code builds by hand for every request."""
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json;charset=UTF-8",
        "Api-Key": KEY,
        "Timestamp": timestamp,
        "Sign": hashlib.md5(f"{KEY}{SECRET}{timestamp}".encode()).hexdigest(),  # noqa: S324 (the vendor's rule)
    }


def raw_check(response: httpx.Response) -> str:
    """The hand-rolled envelope check: HTTP 200, JSON, status "0", then the password."""
    if response.status_code != 200:
        raise RuntimeError(response.status_code)
    body = response.json()
    if str(body.get("status")) != "0":
        raise RuntimeError(body)
    return str(body["data"]["password"])


# --- 1. client overhead per call ---
def bench_overhead(rounds: int, calls: int) -> list[Row]:
    """A signed SDK call vs a hand-rolled httpx call, both over the same in-memory transport."""
    from itniotech_signing import signed_client
    from itniotech_voice import Client
    from itniotech_voice.api.sip import sip_reset
    from itniotech_voice.models import SipResetData, SipResetRequest

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=ANSWER))
    sdk = signed_client(KEY, SECRET, httpx_args={"transport": transport})
    raw = httpx.Client(base_url="https://api.itniotech.com", transport=transport)
    body = SipResetRequest(account="1001", app_id=APP_ID)

    def sdk_call() -> str:
        result = sip_reset.sync(client=sdk, body=body)
        if result is None or not isinstance(result.data, SipResetData):
            raise RuntimeError(result)
        return str(result.data.password)

    def raw_call() -> str:
        payload = json.dumps({"account": "1001", "appId": APP_ID})
        return raw_check(raw.post("/voice/sipReset", content=payload, headers=signed_headers()))

    # Diagnosis: the generated client alone (no signing, no envelope check) against raw httpx doing as little.
    bare = Client(base_url="https://api.itniotech.com", httpx_args={"transport": transport})
    unsigned = {"Content-Type": "application/json;charset=UTF-8"}

    def bare_call() -> object:
        return sip_reset.sync(client=bare, body=body)

    def raw_unsigned_call() -> object:
        payload = json.dumps({"account": "1001", "appId": APP_ID})
        return raw.post("/voice/sipReset", content=payload, headers=unsigned).json()

    for fn in (sdk_call, raw_call, bare_call, raw_unsigned_call):
        timed(fn, calls)()  # warm up
    s, r = alternate(timed(sdk_call, calls), timed(raw_call, calls), rounds)
    g, u = alternate(timed(bare_call, calls), timed(raw_unsigned_call, calls), rounds)
    ratio, spread = paired_ratio(s, r)
    bare_ratio, bare_spread = paired_ratio(g, u)
    verdict = "ok" if ratio <= 1.05 else ("above target" if ratio <= 1.15 else "DEFECT")
    return [
        Row(
            "client overhead per call (MockTransport)",
            f"{statistics.median(s) * 1e6:.1f} us",
            f"{statistics.median(r) * 1e6:.1f} us (raw httpx, signed and checked by hand)",
            ratio,
            "<= 1.05x",
            verdict,
            spread,
        ),
        Row(
            "of which: the generated client alone, unsigned",
            f"{statistics.median(g) * 1e6:.1f} us",
            f"{statistics.median(u) * 1e6:.1f} us (raw httpx, unsigned)",
            bare_ratio,
            "(diagnosis)",
            "-",
            bare_spread,
        ),
    ]


@contextlib.contextmanager
def mock_process() -> Iterator[str]:
    """The mock in its own process (no GIL shared with the client under test), any account accepted."""
    from itniotech_mock import mock_process as run_mock

    with run_mock("--any-account") as url:
        yield url


# --- 2. connection reuse ---
def bench_pooling(rounds: int, calls: int) -> Row:
    """The pooled SDK client vs the docs' style: a new connection for every call."""
    from itniotech_signing import signed_client
    from itniotech_voice.api.sip import sip_reset
    from itniotech_voice.models import SipResetRequest

    body = SipResetRequest(account="1001", app_id=APP_ID)
    with mock_process() as url, signed_client(KEY, SECRET, base_url=url) as sdk:

        def pooled() -> object:
            return sip_reset.sync(client=sdk, body=body)

        def per_call() -> str:
            # As in the vendor's samples: build, sign and send a fresh request on a fresh connection.
            payload = json.dumps({"account": "1001", "appId": APP_ID})
            return raw_check(httpx.post(f"{url}/voice/sipReset", content=payload, headers=signed_headers()))

        timed(pooled, calls)()
        timed(per_call, calls)()
        p, n = alternate(timed(pooled, calls), timed(per_call, calls), rounds)
    speedup, spread = paired_ratio(n, p)
    return Row(
        "connection reuse (loopback mock)",
        f"{statistics.median(p) * 1e3:.2f} ms/call pooled",
        f"{statistics.median(n) * 1e3:.2f} ms/call (docs' style: httpx.post, new client and connection each)",
        speedup,
        ">= 2x faster",
        "ok" if speedup >= 2 else "below target",
        spread,
    )


# --- 3. bulk rotation ---
async def _bulk_sdk(url: str, accounts: list[str], concurrency: int) -> None:
    from itniotech_signing import signed_client
    from itniotech_voice.api.sip import sip_reset
    from itniotech_voice.models import SipResetRequest

    queue = list(reversed(accounts))
    limits = httpx.Limits(max_connections=concurrency)
    async with signed_client(KEY, SECRET, base_url=url, httpx_args={"limits": limits}) as client:

        async def worker() -> None:
            while queue:
                account = queue.pop()
                await sip_reset.asyncio(client=client, body=SipResetRequest(account=account, app_id=APP_ID))

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def _bulk_raw(url: str, accounts: list[str], concurrency: int) -> None:
    queue = list(reversed(accounts))
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:

        async def worker() -> None:
            while queue:
                payload = json.dumps({"account": queue.pop(), "appId": APP_ID})
                raw_check(await client.post("/voice/sipReset", content=payload, headers=signed_headers()))

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def _bulk_cli(url: str, accounts: list[str], concurrency: int) -> None:
    from itniotech_cli import rotate
    from itniotech_signing import signed_client

    async def go() -> None:
        limits = httpx.Limits(max_connections=concurrency)
        async with signed_client(KEY, SECRET, base_url=url, httpx_args={"limits": limits}) as client:
            with tempfile.TemporaryDirectory() as tmp:
                report = await rotate(
                    client,
                    accounts=accounts,
                    app_id=APP_ID,
                    out=Path(tmp) / "creds.csv",
                    concurrency=concurrency,
                    progress=False,
                )
                assert not report.failures

    asyncio.run(go())


def bulk_child(kind: str, url: str, size: int, concurrency: int) -> None:
    """Run one bulk rotation in this (fresh) process; print seconds and peak RSS as JSON."""
    accounts = [f"acct{n:05d}" for n in range(size)]
    if kind != "raw":  # import outside the timed region: import cost has its own benchmark
        import itniotech_cli  # noqa: F401
        import itniotech_signing  # noqa: F401
        import itniotech_voice.api.sip.sip_reset  # noqa: F401
    started = time.perf_counter()
    if kind == "sdk":
        asyncio.run(_bulk_sdk(url, accounts, concurrency))
    elif kind == "raw":
        asyncio.run(_bulk_raw(url, accounts, concurrency))
    else:
        _bulk_cli(url, accounts, concurrency)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "max_rss_kib": peak_rss_kib()}))


def peak_rss_kib() -> int:
    """This process's peak resident memory. VmHWM, where there is one: unlike ru_maxrss it is not inherited
    from the process that forked this one (ru_maxrss would report the parent's size for a small child)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _bulk_run(kind: str, url: str, size: int, concurrency: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--bulk-child", kind, url, str(size), str(concurrency)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bench_bulk(rounds: int, size: int, concurrency: int) -> list[Row]:
    """Rotate ``size`` accounts at ``concurrency``: the SDK's async path vs raw async httpx, each in a fresh
    process (for its own peak memory), against one mock process."""
    runs: dict[str, list[dict[str, float]]] = {"sdk": [], "raw": [], "cli": []}
    with mock_process() as url:
        for n in range(rounds):
            order = ("sdk", "raw", "cli") if n % 2 == 0 else ("raw", "sdk", "cli")
            for kind in order:
                runs[kind].append(_bulk_run(kind, url, size, concurrency))

    def rate(kind: str) -> float:
        return size / statistics.median(r["seconds"] for r in runs[kind])

    def rss(kind: str) -> float:
        return statistics.median(r["max_rss_kib"] for r in runs[kind]) / 1024

    ratio = rate("sdk") / rate("raw")
    return [
        Row(
            f"bulk: {size} resets at concurrency {concurrency} (loopback mock)",
            f"{rate('sdk'):.0f} accounts/s, peak {rss('sdk'):.0f} MiB",
            f"{rate('raw'):.0f} accounts/s, peak {rss('raw'):.0f} MiB (raw async httpx)",
            ratio,
            ">= 0.9x",
            "ok" if ratio >= 0.9 else "below target",
        ),
        Row(
            "bulk through `itniotech-voice rotate` (fsync per row)",
            f"{rate('cli'):.0f} accounts/s, peak {rss('cli'):.0f} MiB",
            f"{rate('raw'):.0f} accounts/s (raw async httpx, no file)",
            rate("cli") / rate("raw"),
            "(reported)",
            "-",
        ),
    ]


# --- 4. import cost ---
def _import_seconds(modules: str) -> float:
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def bench_imports(rounds: int) -> Row:
    """Time ``import itniotech_voice, itniotech_signing`` against ``import httpx, attrs``, fresh each time."""
    sdk, base = alternate(
        lambda: _import_seconds("itniotech_voice, itniotech_signing"),
        lambda: _import_seconds("httpx, attrs"),
        rounds,
    )
    ratio, spread = paired_ratio(sdk, base)
    return Row(
        "import cost (fresh interpreter)",
        f"{statistics.median(sdk) * 1e3:.1f} ms",
        f"{statistics.median(base) * 1e3:.1f} ms (httpx, attrs)",
        ratio,
        "<= 1.3x",
        "ok" if ratio <= 1.3 else "above target",
        spread,
    )


# --- 5. regeneration ---
def bench_regeneration(rounds: int) -> Row:
    """Wall time of one `make generate` (generator, ruff hooks, operation table), into a scratch directory."""
    sys.path.insert(0, str(ROOT / "openapi"))
    import regenerate

    samples = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            regenerate.generate(regenerate.SPEC, Path(tmp))
            regenerate.operations_json(regenerate.SPEC)
            samples.append(time.perf_counter() - started)
    return Row(
        "regeneration (make generate)", f"{statistics.median(samples):.2f} s", "-", 0.0, "(reported)", "-"
    )


NOTES = """
How to read it:
- *client overhead*: both sides run over the same `httpx.MockTransport`, so only client-side work is compared.
  The diagnosis row compares the generated client alone (no signing, no envelope check) with raw httpx doing
  as little: when the first ratio is no higher than this one, the signing plugin costs no more than the
  hand-written signing and check it replaces, and what remains is the generated client's own work (building
  and parsing the attrs models). The range after a ratio is the quartiles of the round-by-round ratios: the
  noise of this machine. What was changed to reach the target: README, "Performance".
- *connection reuse*: the baseline is what the vendor's samples do, ported to Python: a new client and a new
  connection for every call (`httpx.post`), against one pooled `signed_client`.
- *bulk*: each run is a fresh process (peak memory is its own `VmHWM`), against one mock process; the mock is
  the bottleneck on 2 cores, so both sides are bound by it. The `rotate` row adds an fsync per row.
- *import cost*: `-X importtime` shows what the SDK adds: mostly `logging` and the editable install's finder
  (absent from a wheel install).
"""


# --- report ---
def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, httpx {httpx.__version__}"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = ["| benchmark | SDK | baseline | ratio | target | verdict |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f}x" if r.ratio else "-"
        if r.spread:
            ratio += f" ({r.spread[0]:.2f}-{r.spread[1]:.2f})"
        lines.append(f"| {r.name} | {r.sdk} | {r.baseline} | {ratio} | {r.target} | {r.verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print (optionally write) the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks the harness, measures nothing"
    )
    parser.add_argument("--write", type=Path, help="also write the table, machine and command to this file")
    parser.add_argument(
        "--bulk-child", nargs=4, metavar=("KIND", "URL", "SIZE", "CONCURRENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.bulk_child:
        kind, url, size, concurrency = args.bulk_child
        bulk_child(kind, url, int(size), int(concurrency))
        return 0
    quick = args.quick
    started = time.perf_counter()
    rows = [
        *bench_overhead(rounds=3 if quick else 41, calls=50 if quick else 2000),
        bench_pooling(rounds=2 if quick else 9, calls=10 if quick else 100),
        *bench_bulk(rounds=1 if quick else 5, size=40 if quick else 2000, concurrency=4 if quick else 32),
        bench_imports(rounds=2 if quick else 15),
        bench_regeneration(rounds=1 if quick else 3),
    ]
    report = table(rows)
    print(report)
    print(f"\n{machine()}; {time.perf_counter() - started:.0f} s")
    if args.write:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.write.write_text(
            "# Benchmark results\n\n"
            f"Measured {stamp} on {machine()}, with `make bench` "
            f"(`{Path(sys.executable).name} bench/bench.py --write bench/RESULTS.md`).\n"
            "Each comparison alternates its two sides round by round and reports medians of the rounds;\n"
            "where a ratio shows a range, it is the median of the per-round ratios and their quartiles.\n\n"
            f"{report}\n{NOTES}",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
