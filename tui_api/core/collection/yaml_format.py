"""The collection file (version 1): one YAML file a user reads, edits by hand and keeps in git.

    version: 1                       required; the format version (migrations key off it)
    name: Pet store                  default: the file name without extension
    description: ...                 free text
    spec: openapi.yaml               the spec it came from (path relative to this file, or a URL)
    auth: demo-key                   default auth profile (a name, never a secret)
    auth_profiles:                   profiles this collection names, non-secret fields only
      demo-key: {kind: apikey, in: header, name: X-API-Key}
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
import errno
import io
import os
import stat
from pathlib import Path
from typing import Any

from tui_api.core.collection.model import Collection
from tui_api.core.collection.yaml_read import Reader
from tui_api.core.collection.yaml_emit import Unsupported, copy_plain, emit_document
from tui_api.core.collection.yaml_write import apply_collection, collection_fields, item_plain, merge_text
from tui_api.core.errors import CollectionError
from tui_api.core.fileio import write_atomic

# Default layout of new files: the style of the README examples (`requests:` then `  - name:`).
DEFAULT_INDENT = (2, 4, 2)  # mapping, sequence, offset


class YamlSource:
    """What a loaded collection remembers of its file, so a save can keep the user's formatting.

    The round-trip document (`doc`, a ruamel CommentedMap with the comments) is parsed on first
    use: ruamel's round-trip parser is several times slower than its C safe loader, and a
    collection that is only read (a run, a browse) never needs it.
    """

    def __init__(self, text: str, baseline: Collection, *, doc: Any = None, path: str = "<collection>",
                 newline: str = "\n", bom: bool = False, dump: str | None = None) -> None:
        self.text = text  # as read, with "\n" newlines and no BOM
        self.baseline = baseline  # the model as loaded, to tell what changed
        self.path = path
        self.newline = newline
        self.bom = bom
        self._doc = doc
        self._dump = dump  # the dump of `doc` (what the text merge compares against), cached
        self._indent: tuple[int, int, int] | None = None
        self._canonical: bool | None = None

    @property
    def canonical(self) -> bool:
        """Is the text exactly what the direct emitter writes for the baseline? Then it holds no
        comment and no formatting of the user's, and a save can emit the edited model directly
        instead of going through ruamel's round-trip document (seconds instead of a minute on a
        10,000-request import). Checked once, by emitting the baseline."""
        if self._canonical is None:
            text, data = _new_file(self.baseline)
            self._canonical = data is not None and text == self.text
        return self._canonical

    @property
    def doc(self) -> Any:
        if self._doc is None:
            self._doc = parse_text(self.text, self.path)
        return self._doc

    @property
    def indent(self) -> tuple[int, int, int]:
        if self._indent is None:
            self._indent = guess_indent(self.text)
        return self._indent

    def forget_doc(self) -> None:
        """The kept document no longer matches `text` (an edit was applied, then not saved)."""
        self._doc = None
        self._dump = None

    def doc_dump(self) -> str:
        if self._dump is None:
            self._dump = _dump(self.doc, self.indent)
        return self._dump


def _yaml(indent: tuple[int, int, int] = DEFAULT_INDENT) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-flow a long URL onto two lines
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of a file, from its first block sequence of mappings
    and its first nested mapping: a text scan, not a parse, so big files load fast."""
    lines = [line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    mapping = None
    sequence = offset = None
    for previous, line in zip(lines, lines[1:]):
        parent = len(previous) - len(previous.lstrip(" "))
        indent = len(line) - len(line.lstrip(" "))
        opens_block = previous.rstrip().endswith(":") and not previous.lstrip().startswith("- ")
        if not opens_block or indent <= parent and not line.lstrip().startswith("- "):
            continue
        if line.lstrip().startswith("- ") and sequence is None:
            rest = line.lstrip()[1:]
            offset = indent - parent
            sequence = offset + 1 + (len(rest) - len(rest.lstrip(" ")))
        elif not line.lstrip().startswith("- ") and mapping is None:
            mapping = indent - parent
        if mapping is not None and sequence is not None:
            break
    if sequence is None:
        return (mapping or DEFAULT_INDENT[0], DEFAULT_INDENT[1], DEFAULT_INDENT[2])
    return (mapping or max(sequence - (offset or 0), 2), sequence, offset or 0)


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


def _fast_parse(text: str) -> Any:
    """Plain data through ruamel's C safe loader (YAML 1.2, like the round-trip parser)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


def read_document(text: str, path: str, default_name: str, *, fast: bool = True) -> tuple[Any, Collection]:
    """Parse and validate; every problem at once in one CollectionError.

    With `fast`, the plain data is read with the C loader and the round-trip parser runs only to
    locate problems (it knows lines); the document returned is then None (parsed lazily)."""
    if fast:
        try:
            data = _fast_parse(text)
        except Exception:
            data = _NOT_PARSED  # let the round-trip parser report it with line and column
        if data is not _NOT_PARSED and isinstance(data, dict):
            reader = Reader()
            collection = reader.collection(data, default_name)
            if not reader.problems:
                return None, collection
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


_NOT_PARSED = object()


def refuse_special_file(file: Path) -> None:
    """/dev/zero or a pipe given as a collection: reading it never ends (or eats the memory)."""
    try:
        mode = file.stat().st_mode
    except OSError:
        return  # missing or unreadable: the read says so
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise CollectionError("not a regular file (a device or a pipe)", path=str(file),
                              hint="give the path of a .yaml file")


def load_collection(path: str | os.PathLike[str]) -> Collection:
    """Read and validate a collection file. Raises CollectionError (with `.problems`)."""
    file = Path(path)
    refuse_special_file(file)
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
    try:
        doc, collection = read_document(text, path, default_name)
        baseline = copy.deepcopy(collection)
    except RecursionError as exc:  # ~200 levels of folders (or nested values) exhaust the stack
        raise CollectionError("folders or values are nested too deeply to read", path=path,
                              hint="flatten the nesting (a hundred levels are fine)") from exc
    collection._source = YamlSource(text, baseline, doc=doc, path=path)
    return collection


def dumps_collection(collection: Collection) -> str:
    """The file text for `collection`: its loaded file with only the changes applied, or a new
    file in the default layout. The collection's model is not modified."""
    source: YamlSource | None = collection._source
    text, doc, _, _ = _render(collection)
    if source is not None and doc is not source._doc:
        source.forget_doc()
    elif source is not None and text != source.text:
        source.forget_doc()  # the kept document now holds the edits: parse it again when needed
    return text


def _render(collection: Collection) -> tuple[str, Any, str | None, dict[str, Any] | None]:
    """(text, the edited round-trip document, its dump, the plain data when the direct emitter
    wrote the text) — the document and dump for the next save."""
    source: YamlSource | None = collection._source
    if source is None:
        text, data = _new_file(collection)
        return text, None, None, data
    if _content_equal(collection, source.baseline):
        return source.text, source._doc, source._dump, None
    if source.canonical:
        text, data = _new_file(collection)
        if data is not None:
            return text, None, None, data
    baseline_dump = source.doc_dump()
    doc = source.doc  # edited in place (a deep copy costs more than parsing again after a failure)
    apply_collection(doc, source.baseline, collection)
    new_dump = _dump(doc, source.indent)
    merged = merge_text(source.text, baseline_dump, new_dump)
    if merged is not None and merged != new_dump and not _same_data(merged, new_dump):
        merged = None
    return (new_dump if merged is None else merged), doc, new_dump, None


def _new_file(collection: Collection) -> tuple[str, dict[str, Any] | None]:
    """A new file's text, and the plain data it holds (None when the round-trip writer made it).

    There is no formatting to keep, so the small direct emitter writes it (the round-trip document
    costs ~50x the time and memory on a big import); values it does not handle go the slow way."""
    from ruamel.yaml.comments import CommentedMap

    data = {key: value for key, value in collection_fields(collection).items() if value is not None}
    data["requests"] = [item_plain(item) for item in collection.items]
    try:
        return emit_document(data), data
    except Unsupported:
        doc = CommentedMap()
        apply_collection(doc, None, collection)
        return _dump(doc, DEFAULT_INDENT), None


def _check_new_file(text: str, data: dict[str, Any] | None, target: str) -> Collection:
    """Refuse a file that would not load again; returns the collection the file loads as.

    The emitted data is validated as is (the emitter writes exactly that data, and a copy keeps
    the result apart from the live model); only a problem needs the text parsed, for its line."""
    if data is not None:
        reader = Reader()
        loaded = reader.collection(copy_plain(data), Path(target).stem)
        if not reader.problems:
            return loaded
    return read_document(text, target, Path(target).stem)[1]


def _write_error(target: Path, exc: OSError) -> CollectionError:
    """What failed, where, and what to do; neutral wording (the TUI adds that the edits are still
    open, the CLI that nothing was written)."""
    if target.is_dir():
        return CollectionError("cannot save the collection: the path is a folder", path=str(target),
                               hint=f"give a file path inside it, like {target / 'collection.yaml'}")
    blocker = _file_in_the_way(target)
    if blocker is not None:  # mkdir's "File exists" would not say which part of the path is wrong
        return CollectionError(f"cannot save the collection: {blocker} is a file, not a folder", path=str(target),
                               hint="choose a path whose folders are folders")
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM):
        hint = f"check the permissions of {target.parent}, or save to another path"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some disk space, or save to another disk"
    elif exc.errno == errno.EROFS:
        hint = "the disk is read-only: save to another path"
    elif exc.errno == errno.ENAMETOOLONG:
        hint = "choose a shorter file name"
    else:
        hint = "check the path, its folder's permissions and the free disk space"
    return CollectionError(f"cannot save the collection: {reason}", path=str(target), hint=hint)


def _file_in_the_way(target: Path) -> Path | None:
    """The existing non-folder among `target`'s parents, if one blocks creating the folder."""
    for parent in reversed(target.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def save_collection(collection: Collection, path: str | os.PathLike[str] | None = None) -> None:
    """Write the collection atomically to `path` (default: where it was loaded from).

    On failure the file on disk and the collection in memory are both as they were, so the user's
    unsaved edits survive; on success the collection remembers the new text as its baseline.

    Raises CollectionError: `.path` is the target; a write that failed (a folder at that path, no
    permission, a full disk) has the OSError as `__cause__` and empty `.problems`; a collection
    that would not load again lists its problems in `.problems` (and nothing is written).
    """
    target = path if path is not None else collection.path
    if target is None:
        raise CollectionError("this collection has never been saved", hint="choose a file name to save it to")
    source: YamlSource | None = collection._source
    newline = source.newline if source else "\n"
    bom = source.bom if source else False
    try:
        loaded: Collection | None = None
        text, doc, dump, emitted = _render(collection)
        if source is None or text != source.text:
            # Never write a file that would not load again (an empty folder, a bad method typed in
            # the TUI): the error names the problem and the edits stay in memory.
            loaded = _check_new_file(text, emitted, str(target))
        payload = ("\ufeff" if bom else "") + (text.replace("\n", newline) if newline != "\n" else text)
        write_atomic(target, payload)
    except OSError as exc:
        if source is not None:
            source.forget_doc()
        raise _write_error(Path(target), exc) from exc
    except BaseException:
        if source is not None:
            source.forget_doc()
        raise
    collection.path = str(target)
    if loaded is None and source is not None and text == source.text:
        loaded = source.baseline  # untouched: the baseline still describes the file (and is a copy)
    if loaded is None or not _content_equal(loaded, collection):
        loaded = _without_source(collection)  # the baseline: a copy, never shared with the live model
    new_source = YamlSource(text, loaded, doc=doc, path=str(target), newline=newline,
                            bom=bom, dump=dump)
    if source is not None and source._indent is not None:
        new_source._indent = source._indent
    if emitted is not None:
        new_source._canonical = True  # the direct emitter wrote it
    elif source is not None and text == source.text:
        new_source._canonical = source._canonical
    collection._source = new_source


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
