"""The file format shown in `yaml_format`'s docstring is what users copy: it must load as written.
It showed `demo-key: {type: apikey, ...}` while the loader requires `kind:`."""

from __future__ import annotations

import re
from pathlib import Path

from tui_api.core.collection import yaml_format


def documented_example() -> str:
    """The docstring's example block, with its right-hand comments and `...` placeholders removed."""
    block = yaml_format.__doc__.split("\n\n")[1]
    lines = []
    for line in block.splitlines():
        content = re.split(r"\s{2,}(?=\S)", line.strip(), maxsplit=1)[0]  # a comment follows 2+ spaces
        if not line.startswith(" " * 38):  # a comment-only continuation line is indented past the YAML
            indent = len(line) - len(line.lstrip())
            lines.append(" " * (indent - 4) + content)
    text = "\n".join(lines).replace(": ...", ": some text")
    return text.replace("requests: [...]", "requests: [{name: list pets, url: '{{base_url}}/pets'}]") + "\n"


def test_documented_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "pets.yaml"
    path.write_text(documented_example(), encoding="utf-8")
    collection = yaml_format.load_collection(path)
    assert collection.auth_profiles["demo-key"]["kind"] == "apikey"
    assert [r.name for r in collection.requests()] == ["create pet", "list pets"]


def test_documented_example_validates_against_the_schema() -> None:
    import json
    from importlib import resources

    import jsonschema
    from ruamel.yaml import YAML

    from tui_api.core.collection.yaml_read import plain

    schema = json.loads(resources.files("tui_api").joinpath("collection.schema.json").read_text())
    document = plain(YAML(typ="safe").load(documented_example()))
    assert [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)] == []
