"""`open_spec`: read, parse and index a spec; `SpecDocument`: its index plus details on demand.

Opening is: read bytes -> content hash -> cached index? (warm: done, the document itself is parsed
or unpickled only when the first operation is opened) -> else parse -> check kind/version ->
index -> cache. Nothing on this path resolves schemas or validates: validation is `validate_spec`,
run in the background by whoever wants it.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import threading
from collections.abc import Callable
from typing import Any

from tui_api.core.collection.model import Request
from tui_api.core.errors import SpecError
from tui_api.core.spec import cache
from tui_api.core.spec.detail import build_detail
from tui_api.core.spec.examples import Choice, find_choices
from tui_api.core.spec.index import SpecIndex, build_index, check_kind
from tui_api.core.spec.loader import is_url, normalise_source, parse_bytes, read_source
from tui_api.core.spec.model import Operation, OperationDetail, Server
from tui_api.core.spec.refs import Resolver
from tui_api.core.spec.request import build_request, fill_runtime_expressions

_HOST_LIKE = re.compile(r"^(localhost|[\w-]+(\.[\w-]+)*\.[a-z]{2,}|\d+\.\d+\.\d+\.\d+)(:\d+)?/", re.IGNORECASE)
DETAIL_CACHE_SIZE = 16  # resolved details kept: rebuilt in ~10 ms, and more live nodes make GC pauses longer
Progress = Callable[[str, float], None]  # (stage, fraction done 0..1)


class SpecDocument:
    """An opened spec. Cheap to create from the cache; `detail()` resolves one operation at a time."""

    def __init__(self, source: str, index: SpecIndex, *, digest: str, data: bytes | None,
                 document: Any | None = None, resolver: Resolver | None = None) -> None:
        self.source = source
        self._index = index
        self._digest = digest
        self._data = data
        self._document = document
        self._resolver = resolver
        self._details: dict[str, OperationDetail] = {}
        self._by_key = {op.key: op for op in index.operations}
        self._lock = threading.Lock()
        self._details_lock = threading.Lock()

    # -- the index -------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self._index.title

    @property
    def api_version(self) -> str:
        return self._index.api_version

    @property
    def spec_version(self) -> str:
        return self._index.spec_version

    @property
    def description(self) -> str:
        return self._index.description

    @property
    def operations(self) -> list[Operation]:
        return self._index.operations

    @property
    def servers(self) -> list[Server]:
        return self._index.servers

    @property
    def security_schemes(self) -> dict[str, dict[str, Any]]:
        return self._index.security_schemes

    @property
    def security(self) -> list[dict[str, list[str]]]:
        """The global security requirement ([] = none declared)."""
        return list(self._index.security or [])

    @property
    def warnings(self) -> list[str]:
        return self._index.warnings

    @property
    def digest(self) -> str:
        return self._digest

    def operation(self, op_or_key: Operation | str) -> Operation:
        key = op_or_key.key if isinstance(op_or_key, Operation) else op_or_key
        try:
            return self._by_key[key]
        except KeyError:
            raise SpecError(f"no operation '{key}' in this spec", source=self.source) from None

    # -- the document, loaded lazily on a warm open ----------------------------------------------
    @property
    def document(self) -> Any:
        """The raw parsed document (refs unresolved)."""
        self._ensure_document()
        return self._document

    @property
    def resolver(self) -> Resolver:
        self._ensure_document()
        assert self._resolver is not None
        return self._resolver

    def ensure_loaded(self) -> None:
        """Load the document now (call it from a worker after a warm open, to make the first
        `detail()` instant)."""
        self._ensure_document()

    def _ensure_document(self) -> None:
        if self._document is not None and self._resolver is not None:
            return
        with self._lock:
            if self._document is None:
                document = cache.load(self._digest, "doc")
                if document is None:
                    data = self._data if self._data is not None else read_source(self.source)
                    if self._data is None and cache.content_hash(data) != self._digest:
                        self._reload(data)  # changed on disk since the index was cached
                        return
                    document = parse_bytes(data, self.source)
                    _settle(document)
                self._document = document
                self._data = None
            if self._resolver is None:
                self._resolver = Resolver(self.source, self._document)

    def _reload(self, data: bytes) -> None:
        """The file changed between the (stat-keyed) warm open and now: index it afresh, so the
        details always match the operations shown."""
        document, index, resolver = _parse_and_index(data, self.source, lambda stage, fraction: None)
        index.warnings.insert(0, "the spec changed on disk after it was opened; its operations were re-read")
        self._index, self._document, self._resolver = index, document, resolver
        self._by_key = {op.key: op for op in index.operations}
        self._details.clear()
        self._digest = cache.content_hash(data)

    def _locator(self, op: Operation) -> tuple[str, ...]:
        try:
            return self._index.locators[op.key]
        except KeyError:
            raise SpecError(f"operation '{op.key}' is no longer in the spec (it changed on disk)",
                            source=self.source, hint="reopen the spec") from None

    # -- details on demand -----------------------------------------------------------------------
    def detail(self, op_or_key: Operation | str) -> OperationDetail:
        op = self.operation(op_or_key)
        with self._details_lock:  # the TUI resolves in worker threads, several at once
            found = self._details.pop(op.key, None)
            if found is not None:
                self._details[op.key] = found  # most recently used last
                return found
        self._ensure_document()
        assert self._resolver is not None
        detail = build_detail(op, self._locator(op), self._index, self._resolver, self._document,
                              self.source)
        with self._details_lock:
            self._details[op.key] = detail
            while len(self._details) > DETAIL_CACHE_SIZE:
                self._details.pop(next(iter(self._details)), None)
        return detail

    def request_detail(self, op_or_key: Operation | str) -> OperationDetail:
        """The detail if already resolved, else one without responses (cheaper; not cached):
        all a draft request needs."""
        op = self.operation(op_or_key)
        detail = self._details.get(op.key)
        if detail is None:
            self._ensure_document()
            assert self._resolver is not None
            detail = build_detail(op, self._locator(op), self._index, self._resolver, self._document,
                                  self.source, responses=False)
        return detail

    def build_request(self, op_or_key: Operation | str, *, server_url: str | None = None,
                      as_variables: bool = False, branches: dict[str, int] | None = None) -> Request:
        """A draft request. `branches` maps a `body_choices()` path to the branch index to use.
        A callback's URL expression ({$request.query.callbackUrl}/data) is filled from the draft
        of the operation that declares it, so the draft can be sent to that receiver."""
        request = build_request(self.request_detail(op_or_key), server_url=server_url, as_variables=as_variables,
                                branches=branches)
        op = self.operation(op_or_key)
        if op.section == "callbacks" and op.parent and not as_variables and server_url is None and "{$" in request.url:
            try:
                parent = self.build_request(op.parent)
            except SpecError:
                return request
            request.url = fill_runtime_expressions(request.url, parent, self.request_detail(op.parent))
        return request

    def body_choices(self, op_or_key: Operation | str) -> list[Choice]:
        """The request body's `oneOf`/`anyOf` spots, for a "pick another branch" control."""
        body = self.detail(op_or_key).request_body
        return find_choices(body.schema) if body is not None else []

    def security_options(self, op_or_key: Operation | str) -> list[list[tuple[str, dict[str, Any], list[str]]]]:
        """The operation's effective security as alternatives, each a list of (scheme name, scheme
        object, scopes) that must all apply. [] means no auth. Lets the request editor preselect
        the matching auth kind (scheme["type"]: apiKey, http + scheme basic/bearer, oauth2, ...)."""
        options = []
        for requirement in self.detail(op_or_key).security:
            if not requirement:
                continue  # {} = "auth optional": an alternative needing nothing
            options.append([(name, self.security_schemes.get(name, {}), [str(s) for s in scopes]
                             if isinstance(scopes, list) else [])
                            for name, scopes in requirement.items()])
        return options

    def validate(self) -> list[str]:
        """Run the full validator (slow: call it from a worker) and add its findings to
        `warnings`. Returns the findings."""
        from tui_api.core.spec.validate import validate_spec

        findings = validate_spec(self)
        for finding in findings:
            if finding not in self._index.warnings:
                self._index.warnings.append(finding)
        return findings

    def schema(self, ref: str) -> Any:
        """One `$ref` (e.g. "#/components/schemas/Pet") resolved, for expanding a collapsed
        `{"x-ref": ...}` or `{"x-circular-ref": ...}` node on demand."""
        problems: list[str] = []
        value = self.resolver.resolve({"$ref": ref}, self.source, problems)
        if problems:
            raise SpecError(problems[0])
        return value

    def __repr__(self) -> str:
        return f"<SpecDocument {self.source!r} {self.spec_version} {len(self.operations)} operations>"


def _settle(document: Any) -> None:
    """Move the parsed document out of the cyclic GC's way. A big spec is millions of long-lived
    containers; without this every full collection walks them all, and opening an operation now
    and then stalls for a second. The document is a tree (no cycles), so reference counting still
    frees it when the SpecDocument goes."""
    if isinstance(document, dict) and isinstance(document.get("paths"), dict) and len(document["paths"]) > 50:
        gc.freeze()


def open_spec(source: str, *, use_cache: bool = True, progress: Progress | None = None) -> SpecDocument:
    """Open a spec file or http(s) URL. Raises SpecError (one clear line) when it cannot be used."""
    report = progress or (lambda stage, fraction: None)
    if not isinstance(source, str) or not source.strip():
        raise SpecError("no spec given", hint="give a spec file path or an http(s) URL")
    name = normalise_source(source.strip())
    if not is_url(name) and _HOST_LIKE.match(source.strip()) and not os.path.exists(name):
        raise SpecError("file not found", source=source.strip(),
                        hint="for a URL, write it with https:// or http:// in front")
    report("reading", 0.0)
    stamp = _file_stamp(name) if use_cache else None
    if stamp is not None:
        # The fastest warm open: the file's size/mtime/inode are what they were when we last hashed
        # it, so its content hash is known without reading 4 MB (the document is read when needed).
        known = cache.load(cache.source_key(name), "stat")
        if isinstance(known, tuple) and len(known) == 2 and known[0] == stamp:
            index = cache.load(cache.index_key(known[1], name), "index")
            if isinstance(index, SpecIndex) and not index.external_uris:
                report("ready", 1.0)
                return SpecDocument(name, index, digest=known[1], data=None)
    data = read_source(name)
    if not data[:4096].strip() and not data.strip():
        raise SpecError("the file is empty", source=name)
    is_json = data[:512].lstrip()[:1] in (b"{", b"[")
    hashing: _Hashing | None = None
    if is_json and stamp is not None:
        # orjson re-parses JSON about as fast as the cache loads it, so look nothing up by content:
        # hash on the other core (hashlib releases the GIL) while this one parses.
        hashing = _Hashing(data)
        digest = ""
    else:
        digest = cache.content_hash(data)
        if use_cache:
            index = cache.load(cache.index_key(digest, name), "index")
            if isinstance(index, SpecIndex) and not index.external_uris:
                if stamp is not None:
                    cache.store_later([(cache.source_key(name), "stat", (stamp, digest))])
                report("ready", 1.0)
                return SpecDocument(name, index, digest=digest, data=data)
    report("parsing", 0.2)
    try:
        document, index, resolver = _parse_and_index(data, name, report)
    finally:
        if hashing is not None:
            digest = hashing.result()
    if use_cache and not index.external_uris:
        # Pickled here (a pickling thread would hold the GIL anyway), written and fsynced in the
        # background: the write costs as much as the rest of a cold open of 4 MB of JSON.
        entries: list[tuple[str, str, Any]] = [(cache.index_key(digest, name), "index", cache.dumps(index))]
        if not is_json:
            entries.append((digest, "doc", cache.dumps(document)))  # re-parsing YAML is slow; JSON is not
        if stamp is not None:
            entries.append((cache.source_key(name), "stat", cache.dumps((stamp, digest))))
        cache.store_later(entries)
    report("ready", 1.0)
    return SpecDocument(name, index, digest=digest, data=None, document=document, resolver=resolver)


class _Hashing:
    """A content hash computed in a helper thread."""

    def __init__(self, data: bytes) -> None:
        self._digest = ""
        self._thread = threading.Thread(target=self._run, args=(data,), name="tui-api-spec-hash", daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        self._digest = cache.content_hash(data)

    def result(self) -> str:
        self._thread.join()
        return self._digest


def _parse_and_index(data: bytes, name: str, report: Progress) -> tuple[Any, SpecIndex, Resolver]:
    parse_warnings: list[str] = []
    document = parse_bytes(data, name, parse_warnings)
    _settle(document)
    report("indexing", 0.8)
    spec_version = check_kind(document, name)
    resolver = Resolver(name, document)
    index = build_index(document, name, spec_version, resolver)
    index.warnings[:0] = parse_warnings
    return document, index, resolver


def _file_stamp(name: str) -> tuple[int, int, int] | None:
    if is_url(name):
        return None
    try:
        st = os.stat(name)
    except OSError:
        return None  # read_source says what is wrong
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)
