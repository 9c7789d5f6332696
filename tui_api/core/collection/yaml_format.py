"""The collection file (version 1): one YAML file a user reads, edits by hand and keeps in git.

    version: 1                       required; the format version (migrations key off it)
    name: Pet store                  default: the file name without extension
    description: ...                 free text
    spec: openapi.yaml               the spec it came from (path relative to this file, or a URL)
    auth: demo-key                   default auth profile (a name, never a secret)
    auth_profiles:                   profiles this collection names, non-secret fields only
      demo-key: {type: apikey, in: header, name: X-API-Key}
    options: {timeout: 10}           collection-wide runner/http options
    environments:                    name -> variables; pick one with --env / the TUI picker
      local: {base_url: "http://127.0.0.1:8000"}
    variables: {limit: "10"}         the lowest-precedence variables
    requests:                        requests and folders, in order
      - name: create pet             required for a request
        description: ...
        operation: POST /pets        the spec operation it came from
        method: POST                 default GET
        url: "{{base_url}}/pets"     required
        query: {tag: [a, b]}         a list repeats the parameter
        headers: {Accept: application/json}
        auth: demo-key               or "none"; omitted = inherit from folder/collection
        body: {json: {name: rex}}    exactly one of:
                                       json: any value
                                       form: {name: value}            urlencoded
                                       multipart: {field: value, avatar: {file: a.png, content_type: image/png}}
                                       text: "raw text"
                                       file: payload.bin              relative to this file
        expect: {status: [200, 201], json: {"$.name": rex}, headers: {Content-Type: json}, max_ms: 500, schema: true}
        capture: {pet_id: "$.id", etag: "header:ETag"}
        options: {timeout: 5, follow_redirects: false}
      - folder: reads                a folder: folder, description, auth, requests (not empty)
        requests: [...]

`load_collection` reports every problem at once (file:line, key, message) as one CollectionError
with `.problems`. `save_collection` writes atomically and changes only the lines the model changed:
an untouched load/save round trip rewrites the same bytes (see `yaml_write.py`).
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_api.core.collection.model import Collection
from tui_api.core.collection.yaml_read import Reader
from tui_api.core.collection.yaml_write import apply_collection, merge_text
from tui_api.core.errors import CollectionError
from tui_api.core.fileio import write_atomic

# Default layout of new files: the style of the README examples (`requests:` then `  - name:`).
DEFAULT_INDENT = (2, 4, 2)  # mapping, sequence, offset


@dataclass
class YamlSource:
    """What a loaded collection remembers of its file, so a save can keep the user's formatting."""

    text: str  # as read, with "\n" newlines and no BOM
    doc: Any  # the ruamel CommentedMap parsed from `text`
    baseline: Collection  # the model as loaded, to tell what changed
    indent: tuple[int, int, int]
    newline: str = "\n"
    bom: bool = False


def _yaml(indent: tuple[int, int, int] = DEFAULT_INDENT) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-flow a long URL onto two lines
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, sequence, offset = load_yaml_guess_indent(text)
    except Exception:
        return DEFAULT_INDENT
    if sequence is None:
        return DEFAULT_INDENT
    offset = offset or 0
    mapping = max(sequence - offset, 2) if offset else sequence
    return (mapping, sequence, offset)


def parse_text(text: str, path: str) -> Any:
    """YAML text -> ruamel document; broken YAML becomes a CollectionError with line and column."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            what += f" ({exc.context} at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
        location = f"{path}:{line}:{column}" if line else path
        raise CollectionError(
            f"invalid YAML at column {column}: {what}",
            path=path, line=line, problems=[f"{location}: invalid YAML: {what}"],
            hint="fix the YAML syntax at that position",
        ) from exc
    except YAMLError as exc:
        raise CollectionError(f"invalid YAML: {exc}", path=path, problems=[f"{path}: invalid YAML: {exc}"]) from exc


def read_document(text: str, path: str, default_name: str) -> tuple[Any, Collection]:
    """Parse and validate; every problem at once in one CollectionError."""
    doc = parse_text(text, path)
    if doc is None:
        raise CollectionError("the file is empty", path=path, line=1,
                              problems=[f"{path}:1: the file is empty"], hint="start it with 'version: 1'")
    if not isinstance(doc, dict):
        raise CollectionError("the top level must be a mapping (version, name, requests, ...)", path=path, line=1,
                              problems=[f"{path}:1: the top level must be a mapping"])
    reader = Reader()
    collection = reader.collection(doc, default_name)
    if reader.problems:
        reader.problems.sort(key=lambda p: p.line or 0)
        first = reader.problems[0]
        formatted = [
            f"{path}:{p.line}: {p.key}: {p.message}" if p.key else f"{path}:{p.line}: {p.message}"
            for p in reader.problems
        ]
        more = len(reader.problems) - 1
        raise CollectionError(
            first.message + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""),
            path=path, line=first.line, key=first.key or None, problems=formatted,
        )
    return doc, collection


def load_collection(path: str | os.PathLike[str]) -> Collection:
    """Read and validate a collection file. Raises CollectionError (with `.problems`)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError as exc:
        raise CollectionError("file not found", path=str(file), hint="check the path") from exc
    except OSError as exc:
        raise CollectionError(f"cannot read the file: {exc.strerror}", path=str(file)) from exc
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CollectionError("the file is not UTF-8 text", path=str(file), hint="save it as UTF-8") from exc
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    collection = loads_collection(text, str(file), default_name=file.stem)
    collection.path = str(file)
    collection._source.newline = newline
    collection._source.bom = bom
    return collection


def loads_collection(text: str, path: str = "<collection>", *, default_name: str = "untitled") -> Collection:
    """Like `load_collection`, from text (for pasted or generated YAML)."""
    doc, collection = read_document(text, path, default_name)
    baseline = copy.deepcopy(collection)
    collection._source = YamlSource(text=text, doc=doc, baseline=baseline, indent=_guess_indent(text))
    return collection


def dumps_collection(collection: Collection) -> str:
    """The file text for `collection`: its loaded file with only the changes applied, or a new
    file in the default layout. Pure: the collection is not modified."""
    source: YamlSource | None = collection._source
    if source is None:
        from ruamel.yaml.comments import CommentedMap

        doc = CommentedMap()
        apply_collection(doc, None, collection)
        return _dump(doc, DEFAULT_INDENT)
    doc = parse_text(source.text, collection.path or "<collection>")  # fresh: the kept doc stays as loaded
    if _content_equal(collection, source.baseline):
        return source.text
    baseline_dump = _dump(doc, source.indent)
    apply_collection(doc, source.baseline, collection)
    new_dump = _dump(doc, source.indent)
    merged = merge_text(source.text, baseline_dump, new_dump)
    if merged is not None and merged != new_dump and not _same_data(merged, new_dump):
        merged = None
    return new_dump if merged is None else merged


def save_collection(collection: Collection, path: str | os.PathLike[str] | None = None) -> None:
    """Write the collection atomically to `path` (default: where it was loaded from).

    On failure the file on disk and the collection in memory are both as they were, so the user's
    unsaved edits survive; on success the collection remembers the new text as its baseline.
    """
    target = path if path is not None else collection.path
    if target is None:
        raise CollectionError("this collection has never been saved", hint="choose a file name to save it to")
    text = dumps_collection(collection)
    # Never write a file that would not load again (an empty folder, a bad method typed in the TUI):
    # the error names the problem and the edits stay in memory.
    doc, _ = read_document(text, str(target), Path(target).stem)
    source: YamlSource | None = collection._source
    newline = source.newline if source else "\n"
    bom = source.bom if source else False
    data = ("\ufeff" if bom else "") + (text.replace("\n", newline) if newline != "\n" else text)
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise CollectionError(f"cannot save the collection: {exc.strerror or exc}", path=str(target),
                              hint="your changes are still open; check the folder's permissions and disk space") from exc
    collection.path = str(target)
    collection._source = YamlSource(
        text=text, doc=doc, baseline=_without_source(collection),
        indent=source.indent if source else DEFAULT_INDENT, newline=newline, bom=bom,
    )


def _content_equal(left: Collection, right: Collection) -> bool:
    return copy.copy(left).__dict__ | {"path": None, "_source": None} == copy.copy(right).__dict__ | {"path": None, "_source": None}


def _without_source(collection: Collection) -> Collection:
    saved, collection._source = collection._source, None
    try:
        return copy.deepcopy(collection)
    finally:
        collection._source = saved


def _dump(doc: Any, indent: tuple[int, int, int]) -> str:
    stream = io.StringIO()
    _yaml(indent).dump(doc, stream)
    return stream.getvalue()


def _same_data(left: str, right: str) -> bool:
    """A safety net for the text merge: both texts must hold the same data."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(left, Loader=loader) == yaml.load(right, Loader=loader)
    except yaml.YAMLError:
        return False


def dumps_items(items: list[Any]) -> str:
    """Requests/folders as the YAML list items a collection's `requests:` holds (for printing a
    converted request so it can be pasted into a file)."""
    from tui_api.core.collection.yaml_write import item_plain, styled

    mapping, sequence, offset = DEFAULT_INDENT
    yaml = _yaml((mapping, sequence - offset, 0))
    stream = io.StringIO()
    yaml.dump([styled(item_plain(item)) for item in items], stream)
    return stream.getvalue()
