"""The console script: the command, or a one-line hint when the ``cli`` extra is not installed."""

from __future__ import annotations

import sys


def run() -> None:
    """Run ``itniotech-voice``."""
    try:
        from ._main import main
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "tqdm"):
            raise
        hint = "pip install 'itniotech-voice[cli]'"
        print(f"itniotech-voice needs the cli extra ({exc.name} is not installed): {hint}", file=sys.stderr)
        sys.exit(2)
    main()
