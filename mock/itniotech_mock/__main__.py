"""``python -m itniotech_mock``: serve the recorded mock with uvicorn."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from ._app import DEFAULT_ACCOUNTS, DEFAULT_APP_IDS, DOC_API_KEY, DOC_API_SECRET, create_app
from ._paths import RECORDINGS_DIR, SPEC_PATH
from ._server import bind_socket


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m itniotech_mock",
        description="The ITNIO Tech voice API mock: enforces the signing rule, replays the docs' exchanges.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (0: a free one; default: 8080)")
    parser.add_argument(
        "--clock", type=float, help="fix the mock's clock to this Unix time (e.g. 1630468800)"
    )
    parser.add_argument("--window", type=float, default=300.0, help="accepted Timestamp skew, seconds")
    parser.add_argument(
        "--api-key", default=DOC_API_KEY, help="accepted API key (default: the docs' example)"
    )
    parser.add_argument(
        "--api-secret", default=DOC_API_SECRET, help="accepted API secret (default: the docs')"
    )
    parser.add_argument(
        "--app-id", action="append", help=f"an existing appId (default: {DEFAULT_APP_IDS[0]})"
    )
    parser.add_argument(
        "--account",
        action="append",
        help=f"an existing phone account (default: {', '.join(DEFAULT_ACCOUNTS)})",
    )
    parser.add_argument(
        "--any-account", action="store_true", help="treat every well-formed account as existing"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        help="inject a fault into every answer, e.g. status=502, drop, clock-offset=600 (repeatable; "
        "a request can add its own with the X-Itnio-Mock-Fault header)",
    )
    parser.add_argument("--spec", type=Path, default=SPEC_PATH, help="the OpenAPI document to serve")
    parser.add_argument("--recordings", type=Path, default=RECORDINGS_DIR, help="recordings directory")
    parser.add_argument("--no-recordings", action="store_true", help="replay no recordings")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until interrupted."""
    args = parse_args(argv)
    app = create_app(
        spec_path=args.spec,
        recordings_dir=None if args.no_recordings else args.recordings,
        api_key=args.api_key,
        api_secret=args.api_secret,
        clock=args.clock,
        window=args.window,
        app_ids=args.app_id or DEFAULT_APP_IDS,
        accounts=args.account or DEFAULT_ACCOUNTS,
        any_account=args.any_account,
        latency=args.latency,
        faults=args.fault,
    )
    sock = bind_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    # The first line on stdout is the address: scripts that asked for port 0 read it from there.
    print(f"itniotech-mock listening on http://{f'[{host}]' if ':' in host else host}:{port}", flush=True)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", date_header=False
    )  # the mock sends Date
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
