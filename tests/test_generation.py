"""`make generate` is deterministic, self-contained and configured with keys the generator knows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import regenerate  # openapi/regenerate.py, put on sys.path by conftest
import yaml
from openapi_python_client.config import ConfigFile

from .conftest import ROOT, SPEC_PATH


def test_generator_config_has_only_keys_the_pinned_generator_reads() -> None:
    config = yaml.safe_load((ROOT / "openapi" / "generator-config.yaml").read_text(encoding="utf-8"))
    unknown = set(config) - set(ConfigFile.model_fields)
    assert not unknown, f"openapi-python-client would silently ignore {sorted(unknown)}"


@pytest.fixture(scope="module")
def two_generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = regenerate.generate(SPEC_PATH, tmp_path_factory.mktemp("first"))
    second = regenerate.generate(SPEC_PATH, tmp_path_factory.mktemp("second"))
    return first, second


def test_generating_twice_gives_identical_bytes(two_generations: tuple[Path, Path]) -> None:
    first, second = two_generations
    assert regenerate.tree(first)
    assert regenerate.differences(first, second) == []


def test_generated_package_is_typed_and_has_no_tool_caches(two_generations: tuple[Path, Path]) -> None:
    first, _ = two_generations
    names = {p.name for p in first.rglob("*")}
    assert "py.typed" in names
    assert not {n for n in names if n.startswith(".")}, "caches or dotfiles leaked into the package"
    assert (first / "api" / "sip" / "sip_reset.py").is_file()
    assert (first / "models" / "sip_reset_request.py").is_file()


def test_drift_check_notices_a_hand_edit(two_generations: tuple[Path, Path], tmp_path: Path) -> None:
    first, _ = two_generations
    edited = tmp_path / "edited"
    edited.mkdir()
    for name, content in regenerate.tree(first).items():
        (edited / name).parent.mkdir(parents=True, exist_ok=True)
        (edited / name).write_bytes(content)
    (edited / "client.py").write_text("# edited by hand\n", encoding="utf-8")
    (edited / "stray.py").write_text("", encoding="utf-8")
    diff = "\n".join(regenerate.differences(first, edited))
    assert "committed/client.py" in diff
    assert "committed/stray.py" in diff


_BLOCK = re.compile(
    r"\{# itniotech-voice: begin(?:(?!#\}).)*?(?:\nupstream:\n(?P<upstream>(?:(?!#\}).)*))?#\}\n"
    r".*?\{# itniotech-voice: end #\}\n",
    re.DOTALL,
)


def _as_upstream(ours: str) -> str:
    """Our template with each marked block put back to the upstream text it replaces (or to nothing)."""
    return _BLOCK.sub(lambda block: block["upstream"] or "", ours)


def test_custom_templates_differ_from_upstream_only_in_their_marked_blocks() -> None:
    import openapi_python_client

    upstream_dir = Path(openapi_python_client.__file__).parent / "templates"
    ours = sorted((ROOT / "openapi" / "templates").glob("*.jinja"))
    assert {path.name for path in ours} == {"model.py.jinja", "endpoint_module.py.jinja"}
    for path in ours:
        text = path.read_text(encoding="utf-8")
        assert text.count("itniotech-voice: begin") == len(_BLOCK.findall(text)) > 0, path.name
        upstream = (upstream_dir / path.name).read_text(encoding="utf-8")
        assert _as_upstream(text) == upstream, f"{path.name}: re-copy the upstream template when bumping"


def test_a_template_edit_outside_the_marked_blocks_is_caught() -> None:
    text = (ROOT / "openapi" / "templates" / "endpoint_module.py.jinja").read_text(encoding="utf-8")
    edited = text.replace("def _build_response(", "def _build_response_edited(")
    assert edited != text
    assert _as_upstream(edited) != _as_upstream(text)


def test_models_that_refer_to_each_other_or_themselves_import_and_round_trip(tmp_path: Path) -> None:
    # The model template imports referenced models at the end of each module (not inside every method):
    # a cycle (Brother <-> Sister) and a self reference (Node) must still import, parse and serialise.
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["components"]["schemas"].update(
        {
            "Brother": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "sister": {"$ref": "#/components/schemas/Sister"}},
            },
            "Sister": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "brother": {"$ref": "#/components/schemas/Brother"},
                },
            },
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
            },
        }
    )
    grown = tmp_path / "spec.yaml"
    grown.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    regenerate.generate(grown, tmp_path / "out")
    # In a fresh interpreter, entering the cycle from its far end.
    check = (
        "from itniotech_voice.models.sister import Sister\n"
        "from itniotech_voice.models import Brother, Node\n"
        "b = {'name': 'b', 'sister': {'name': 's', 'brother': {'name': 'b2'}}}\n"
        "brother = Brother.from_dict(b)\n"
        "assert isinstance(brother.sister, Sister) and isinstance(brother.sister.brother, Brother)\n"
        "assert brother.to_dict() == b\n"
        "n = {'children': [{'children': [{'children': []}]}]}\n"
        "node = Node.from_dict(n)\n"
        "assert isinstance(node.children[0].children[0], Node) and node.to_dict() == n\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out")}
    result = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
