"""Regenerate ``generated/itniotech_voice`` from the spec, or check that the committed copy is current.

    python openapi/regenerate.py           # rebuild generated/itniotech_voice from scratch
    python openapi/regenerate.py --check   # exit 1 if the committed output differs from a fresh build

The generator always writes into an empty temporary directory (its ``--overwrite`` keeps stray files), with
the pinned generator and the pinned ruff of this interpreter's environment first on PATH.

It also writes ``signing/itniotech_signing/operations.json``: the per-operation facts the signing plugin needs
at run time and the generator cannot carry (its templates never see ``x-`` extensions), such as which
operations the spec marks ``x-itnio-retry-safe``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "itniotech-voice.yaml"
CONFIG = ROOT / "openapi" / "generator-config.yaml"
TEMPLATES = ROOT / "openapi" / "templates"
PACKAGE = "itniotech_voice"
TARGET = ROOT / "generated" / PACKAGE
OPERATIONS = ROOT / "signing" / "itniotech_signing" / "operations.json"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations_json(spec: Path) -> str:
    """Return the run-time operation table of ``spec`` as stable JSON text."""
    import yaml  # a dev dependency, like this script

    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    operations = [
        {
            "operationId": operation.get("operationId"),
            "method": method.upper(),
            "path": path,
            "retrySafe": bool(operation.get("x-itnio-retry-safe", False)),
        }
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in _METHODS
    ]
    table = {
        "generatedFrom": "openapi/itniotech-voice.yaml by `make generate`; do not edit",
        "operations": operations,
    }
    return json.dumps(table, indent=2) + "\n"


def generate(spec: Path, out_dir: Path) -> Path:
    """Generate the package from ``spec`` into ``out_dir/itniotech_voice`` and return that path."""
    out = out_dir / PACKAGE
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    cmd = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(spec),
        "--config", str(CONFIG),
        "--meta", "none",
        "--output-path", str(out),
        "--fail-on-warning",
    ]  # fmt: skip
    if TEMPLATES.is_dir():
        cmd += ["--custom-template-path", str(TEMPLATES)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed on {spec}")
    return out


def tree(root: Path) -> dict[str, bytes]:
    """Map each file below ``root`` (bytecode caches aside) to its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Return a unified diff of two package trees, empty when they are identical."""
    want, have = tree(expected), tree(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        a, b = have.get(name), want.get(name)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"only in {'fresh' if a is None else 'committed'}/{name}")
            continue
        lines += difflib.unified_diff(
            a.decode(errors="replace").splitlines(),
            b.decode(errors="replace").splitlines(),
            f"committed/{name}",
            f"fresh/{name}",
            lineterm="",
        )
    return lines


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed package, change nothing"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(SPEC, Path(tmp))
        if args.check:
            diff = differences(fresh, TARGET)
            if not OPERATIONS.is_file() or OPERATIONS.read_text(encoding="utf-8") != operations_json(SPEC):
                diff.append(f"{OPERATIONS.relative_to(ROOT)} is stale")
            if diff:
                print("\n".join(diff[:200]))
                print(
                    "\ngenerated code is stale or was edited by hand: run `make generate`.",
                    file=sys.stderr,
                )
                return 1
            print(f"generated/{PACKAGE} matches a fresh generation from {SPEC.relative_to(ROOT)}")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, TARGET)
        OPERATIONS.write_text(operations_json(SPEC), encoding="utf-8")
    print(f"regenerated generated/{PACKAGE} from {SPEC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
