"""On-demand `$ref` resolution: one operation at a time, never the whole document up front.

Rules that real specs force on us:
- only a `$ref` whose value is a string is a reference (Kubernetes has a schema property literally
  named `$ref`);
- an external ref (`Pet.yaml`, `../common/Error.yaml#/Error`, a URL) is relative to the document
  that holds it, not to the main spec;
- a cycle becomes `{"x-circular-ref": "<the ref>"}` at the point it closes, so a circular schema
  reads as "a reference to that type", never an endless expansion;
- one target is expanded once per `resolve()` call and shared wherever it is used again, so
  building it is linear in the spec's size; and since walking that DAG as a tree can still run to
  gigabytes (Stripe), the tree size is budgeted: once a result would pass `TREE_BUDGET` nodes, a
  repeated target becomes `{"x-ref": "<the ref>", "x-collapsed": true}` (first come, first
  served: parameters, then the request body, then responses). So a detail can always be printed,
  walked or serialised;
- a ref that cannot be resolved becomes `{"x-unresolved-ref": ..., "x-problem": ...}` and is
  reported to the caller, who marks only the operation that needed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tui_api.core.errors import RefError, SpecError
from tui_api.core.spec.loader import join_uri, parse_bytes, read_source

MAX_REF_DEPTH = 128  # nested refs followed along one branch before we stop expanding
MAX_NESTING = 400  # JSON nesting along one branch (guards Python's recursion limit)
TREE_BUDGET = 20_000  # nodes one resolved result may hold when walked as a tree
HARD_LIMIT = 200_000  # nodes visited in one resolve() call, whatever the document looks like


class Resolver:
    """Holds the main document and every external document it has loaded, by absolute URI."""

    def __init__(self, root_uri: str, root: Any, *, fetch: Callable[[str], Any] | None = None) -> None:
        self.root_uri = root_uri
        self.docs: dict[str, Any] = {root_uri: root}
        self._fetch = fetch or _fetch_document
        self._failed: dict[str, RefError] = {}

    @property
    def external_uris(self) -> list[str]:
        return [uri for uri in self.docs if uri != self.root_uri]

    def document(self, uri: str) -> Any:
        if uri in self.docs:
            return self.docs[uri]
        if uri in self._failed:
            raise self._failed[uri]
        try:
            doc = self._fetch(uri)
        except SpecError as exc:
            error = RefError(str(exc))  # already names the file and what is wrong with it
            self._failed[uri] = error
            raise error from exc
        self.docs[uri] = doc
        return doc

    def locate(self, ref: str, base: str) -> tuple[str, str, Any]:
        """(document URI, JSON pointer, target value) for `ref` written in document `base`."""
        file_part, _, pointer = ref.partition("#")
        uri = join_uri(base, file_part) if file_part else base
        doc = self.document(uri)
        return uri, pointer, _walk_pointer(doc, pointer, ref, base)

    def deref(self, node: Any, base: str) -> tuple[Any, str]:
        """Follow `$ref` chains at the top of `node` only (for path items, parameters, ...)."""
        seen: set[tuple[str, str]] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            uri, pointer, target = self.locate(ref, base)
            if (uri, pointer) in seen:
                raise RefError(f"$ref '{ref}' refers to itself", source=base)
            seen.add((uri, pointer))
            node, base = target, uri
        return node, base

    def resolve(self, node: Any, base: str, problems: list[str] | None = None, *,
                max_ref_depth: int = MAX_REF_DEPTH) -> Any:
        """A copy of `node` with every string `$ref` replaced by its target (cycles marked).
        Refs nested deeper than `max_ref_depth` stay `{"x-ref": ..., "x-collapsed": true}`."""
        sink = problems if problems is not None else []
        try:
            return _Walk(self, sink, max_ref_depth).resolve(node, base, 0)
        except RecursionError:
            sink.append("schemas nested too deeply to resolve here")
            return {"x-truncated": "nested too deeply"}


class _Walk:
    """One `resolve()` call: its ref stack (for cycles), its memo (for sharing) and its problems.
    Separate from Resolver so two threads may resolve two operations at once."""

    def __init__(self, resolver: Resolver, problems: list[str], max_ref_depth: int = MAX_REF_DEPTH) -> None:
        self.resolver = resolver
        self.max_ref_depth = max_ref_depth
        self.problems = problems
        self.stack: list[tuple[str, str]] = []
        self.ref_only: list[bool] = []  # per stack entry: its target is itself just a $ref
        self.memo: dict[tuple[str, str], tuple[Any, int]] = {}  # target -> (value, its tree size)
        self.used = 0  # tree nodes in the result so far

    def resolve(self, node: Any, base: str, nesting: int) -> Any:
        self.used += 1
        if nesting > MAX_NESTING:
            return {"x-truncated": "nested too deeply"}
        if self.used > HARD_LIMIT and isinstance(node, (dict, list)):
            return {"x-truncated": "too large to show"}  # e.g. a YAML alias bomb: bounded, never a hang
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                return self.resolve_ref(node, ref, base, nesting)
            copied: dict[str, Any] = {}
            for key, value in node.items():  # loops, not comprehensions: one frame per level
                copied[key] = self.resolve(value, base, nesting + 1)
            return copied
        if isinstance(node, list):
            items: list[Any] = []
            for value in node:
                items.append(self.resolve(value, base, nesting + 1))
            return items
        return node

    def resolve_ref(self, node: dict[str, Any], ref: str, base: str, nesting: int) -> Any:
        try:
            uri, pointer, target = self.resolver.locate(ref, base)
        except RefError as exc:
            message = str(exc) if f"'{ref}'" in str(exc) else f"$ref '{ref}': {exc}"
            if message not in self.problems:
                self.problems.append(message)
            return {"x-unresolved-ref": ref, "x-problem": exc.message}
        key = (uri, pointer)
        if key in self.stack:
            if all(self.ref_only[self.stack.index(key):]):
                # A -> B -> ... -> A with nothing but $refs: not a recursive type, a broken spec.
                message = f"$ref '{ref}' is a loop of $refs that never reaches a definition"
                if message not in self.problems:
                    self.problems.append(message)
            return {"x-circular-ref": ref}
        if key in self.memo:
            resolved, size = self.memo[key]
            if self.used + size > TREE_BUDGET:
                return {"x-ref": ref, "x-collapsed": True}
            self.used += size
        elif len(self.stack) >= self.max_ref_depth:
            if self.max_ref_depth < MAX_REF_DEPTH:
                return {"x-ref": ref, "x-collapsed": True}
            return {"x-circular-ref": ref, "x-depth-limit": MAX_REF_DEPTH}
        else:
            self.stack.append(key)
            self.ref_only.append(isinstance(target, dict) and isinstance(target.get("$ref"), str))
            before = self.used
            try:
                resolved = self.resolve(target, uri, nesting + 1)
            finally:
                self.stack.pop()
                self.ref_only.pop()
            self.memo[key] = (resolved, self.used - before)
        if len(node) > 1 and isinstance(resolved, dict):
            # 3.1 allows siblings next to $ref (summary, description, ...): they override.
            siblings = {k: self.resolve(v, base, nesting + 1) for k, v in node.items() if k != "$ref"}
            resolved = {**resolved, **siblings}
        return resolved


def to_tree(value: Any, max_depth: int = 12) -> Any:
    """A plain tree copy of a resolved (shared, DAG-shaped) value, cut at `max_depth` levels,
    safe to serialise or display."""
    if max_depth <= 0:
        return "…" if isinstance(value, (dict, list)) and value else value
    if isinstance(value, dict):
        return {k: to_tree(v, max_depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        return [to_tree(v, max_depth - 1) for v in value]
    return value


def _walk_pointer(doc: Any, pointer: str, ref: str, base: str) -> Any:
    if not pointer or pointer == "/":
        return doc
    if not pointer.startswith("/"):
        raise RefError(f"cannot resolve $ref '{ref}': '#{pointer}' is not a JSON pointer", source=base,
                       hint="refs look like '#/components/schemas/Name'")
    node = doc
    for raw in pointer[1:].split("/"):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise RefError(f"cannot resolve $ref '{ref}': no '{part}' there", source=base,
                           hint="check the name in the $ref")
    return node


def _fetch_document(uri: str) -> Any:
    return parse_bytes(read_source(uri), uri)
