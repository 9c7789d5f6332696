"""Write the model back into a collection file while keeping what the user wrote.

A save compares the model with the model as it was loaded (`baseline`) and touches only the keys
whose value changed, inside the ruamel round-trip document that still holds the user's comments,
key order and quoting. ruamel does not reproduce every byte (it may re-indent or re-flow a line),
so the final text is a three-way merge: the line changes between "the loaded document dumped" and
"the edited document dumped" are applied to the original text. An untouched collection therefore
saves byte for byte, and an edit changes only its own lines. When the merge cannot be done safely
the plain dump of the edited document is used (same data, maybe different formatting).
"""

from __future__ import annotations

import difflib
from typing import Any

from tui_api.core.collection.model import Body, Collection, Expect, Folder, Pairs, Request
from tui_api.core.collection.yaml_emit import is_flow_list
from tui_api.core.collection.yaml_read import FOLDER_KEYS, REQUEST_KEYS, TOP_KEYS, as_text, plain

try:  # ruamel is a hard dependency; the import is here so the module reads top to bottom
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString
except ImportError:  # pragma: no cover
    raise

Item = Request | Folder


# --- model -> plain YAML values ------------------------------------------------------------------
def pairs_to_mapping(pairs: Pairs) -> dict[str, Any]:
    """Ordered pairs -> mapping; a repeated name becomes a list (in first-appearance order)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            existing = out[name]
            out[name] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            out[name] = value
    return out


def body_plain(body: Body | None) -> dict[str, Any] | None:
    if body is None:
        return None
    if body.kind == "form":
        return {"form": pairs_to_mapping(list(body.value))}
    if body.kind == "multipart":
        parts: dict[str, Any] = {}
        for part in body.value:
            if part.file is not None:
                entry: Any = {"file": part.file}
                if part.content_type:
                    entry["content_type"] = part.content_type
            elif part.content_type:
                entry = {"value": part.value or "", "content_type": part.content_type}
            else:
                entry = part.value or ""
            if part.name in parts:
                existing = parts[part.name]
                parts[part.name] = (existing if isinstance(existing, list) else [existing]) + [entry]
            else:
                parts[part.name] = entry
        return {"multipart": parts}
    return {body.kind: body.value}


def expect_plain(expect: Expect) -> dict[str, Any] | None:
    if expect.is_empty():
        return None
    out: dict[str, Any] = {}
    if expect.status:
        out["status"] = expect.status[0] if len(expect.status) == 1 else list(expect.status)
    if expect.json:
        out["json"] = dict(expect.json)
    if expect.headers:
        out["headers"] = dict(expect.headers)
    if expect.max_ms is not None:
        out["max_ms"] = expect.max_ms
    if expect.schema:
        out["schema"] = True
    return out


def request_fields(request: Request) -> dict[str, Any]:
    """Every request key in file order; None means "leave the key out"."""
    return {
        "name": request.name,
        "description": request.description or None,
        "operation": request.operation,
        "method": request.method.upper(),
        "url": request.url,
        "query": pairs_to_mapping(request.query) or None,
        "headers": pairs_to_mapping(request.headers) or None,
        "auth": request.auth,
        "body": body_plain(request.body),
        "expect": expect_plain(request.expect),
        "capture": dict(request.capture) or None,
        "options": dict(request.options) or None,
    }


def folder_fields(folder: Folder) -> dict[str, Any]:
    return {"folder": folder.name, "description": folder.description or None, "auth": folder.auth}


def item_plain(item: Item) -> dict[str, Any]:
    if isinstance(item, Folder):
        fields = folder_fields(item)
        fields["requests"] = [item_plain(child) for child in item.items]
    else:
        fields = request_fields(item)
    return {key: value for key, value in fields.items() if value is not None}


def collection_fields(collection: Collection) -> dict[str, Any]:
    return {
        "version": collection.version,
        "name": collection.name,
        "description": collection.description or None,
        "spec": collection.spec,
        "auth": collection.auth,
        "auth_profiles": {k: dict(v) for k, v in collection.auth_profiles.items()} or None,
        "options": dict(collection.options) or None,
        "environments": {k: dict(v) for k, v in collection.environments.items()} or None,
        "variables": dict(collection.variables) or None,
    }


# --- applying changes onto the round-trip document --------------------------------------------
def apply_collection(doc: CommentedMap, baseline: Collection | None, current: Collection) -> None:
    new = collection_fields(current)
    old = collection_fields(baseline) if baseline is not None else None
    for key, value in new.items():
        if old is not None and old[key] == value:
            continue
        set_key(doc, key, value, TOP_KEYS)
    if baseline is not None and isinstance(doc.get("requests"), CommentedSeq):
        if baseline.items != current.items:
            apply_items(doc["requests"], baseline.items, current.items)
    elif current.items or "requests" in doc or baseline is None:
        set_key(doc, "requests", [item_plain(item) for item in current.items], TOP_KEYS)


def _item_key(item: Item) -> tuple[str, str]:
    return ("folder", item.name) if isinstance(item, Folder) else ("request", item.name)


def apply_items(seq: CommentedSeq, base: list[Item], current: list[Item]) -> None:
    """Align old and new items by (kind, name) so a moved, added or removed request moves its own
    lines only (a moved item keeps its node, comments included), and an item whose name changed
    is edited in place."""
    base_keys = [_item_key(i) for i in base]
    matcher = difflib.SequenceMatcher(None, base_keys, [_item_key(i) for i in current], autojunk=False)
    pairs: list[tuple[int | None, int]] = []  # (base index or None for a new item, current index)
    unmatched: dict[tuple[str, str], list[int]] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            for index in range(i1, i2):
                unmatched.setdefault(base_keys[index], []).append(index)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend((i1 + k, j1 + k) for k in range(i2 - i1))
        else:
            pairs.extend((None, j) for j in range(j1, j2))
    # A new item whose (kind, name) left elsewhere is that item moved; otherwise an item replaced
    # at the same place is the same item edited (renamed).
    used: set[int] = set()
    resolved: list[tuple[int | None, int]] = []
    for base_index, cur_index in pairs:
        if base_index is None:
            candidates = [i for i in unmatched.get(_item_key(current[cur_index]), []) if i not in used]
            if candidates:
                base_index = candidates[0]
                used.add(base_index)
        resolved.append((base_index, cur_index))
    leftovers = [i for i in range(len(base)) if i not in used and all(b != i for b, _ in pairs)]
    final: list[tuple[int | None, int]] = []
    for base_index, cur_index in resolved:
        if base_index is None:
            same_kind = [i for i in leftovers if type(base[i]) is type(current[cur_index])]
            if same_kind:
                base_index = same_kind[0]
                leftovers.remove(base_index)
        final.append((base_index, cur_index))
    nodes = list(seq)
    result: list[Any] = []
    for base_index, cur_index in final:
        if base_index is None:
            result.append(styled(item_plain(current[cur_index])))
        else:
            holder = CommentedSeq([nodes[base_index]])
            apply_item(holder, 0, base[base_index], current[cur_index])
            result.append(holder[0])
    if [id(n) for n in result] != [id(n) for n in nodes]:
        # Comments between items live in the sequence, keyed by index: carry them with their node.
        comments = {id(nodes[i]): entry for i, entry in seq.ca.items.items() if isinstance(i, int) and i < len(nodes)}
        while len(seq):
            del seq[len(seq) - 1]
        seq.extend(result)
        seq.ca.items.clear()
        for index, node in enumerate(result):
            if id(node) in comments:
                seq.ca.items[index] = comments[id(node)]


def apply_item(seq: CommentedSeq, index: int, base: Item, current: Item) -> None:
    if base == current:
        return
    node = seq[index]
    if type(base) is not type(current) or not isinstance(node, CommentedMap):
        seq[index] = styled(item_plain(current))
        return
    if isinstance(current, Request):
        old, new = request_fields(base), request_fields(current)  # type: ignore[arg-type]
        for key, value in new.items():
            if old[key] != value:
                set_key(node, key, value, REQUEST_KEYS)
        return
    assert isinstance(base, Folder)
    old, new = folder_fields(base), folder_fields(current)
    for key, value in new.items():
        if old[key] != value:
            set_key(node, key, value, FOLDER_KEYS)
    if base.items != current.items:
        if isinstance(node.get("requests"), CommentedSeq):
            apply_items(node["requests"], base.items, current.items)
        else:
            set_key(node, "requests", [item_plain(child) for child in current.items], FOLDER_KEYS)


def set_key(node: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set, merge or remove one key, placing a new key where the canonical order puts it."""
    if value is None:
        if key in node:
            del node[key]
        return
    if key in node:
        merged = merge_value(node[key], value)
        if merged is not node[key]:
            node[key] = merged
        return
    position = len(node)
    if key in order:
        rank = order.index(key)
        keys = list(node.keys())
        later = [i for i, k in enumerate(keys) if k in order and order.index(k) > rank]
        if later:
            position = later[0]
    node.insert(position, key, styled(value))


def merge_value(old: Any, new: Any) -> Any:
    """`new` (plain) merged into `old` (a ruamel node): unchanged parts keep their node, comments
    and style; returns the node to store."""
    if _same(old, new):
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        keys = list(new)
        for index, key in enumerate(keys):
            if key in old:
                merged = merge_value(old[key], new[key])
                if merged is not old[key]:
                    old[key] = merged
            else:
                previous = [k for k in keys[:index] if k in old]
                position = list(old.keys()).index(previous[-1]) + 1 if previous else 0
                old.insert(position, key, styled(new[key]))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        while len(old) > len(new):
            del old[len(old) - 1]
        for index, value in enumerate(new):
            if index < len(old):
                merged = merge_value(old[index], value)
                if merged is not old[index]:
                    old[index] = merged
            else:
                old.append(styled(value))
        return old
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)  # keep the user's quoting style
    if isinstance(new, str) and isinstance(old, (int, float)):
        return _scalar(old, new)
    return styled(new)


def styled(value: Any) -> Any:
    """New values in a readable style: multi-line text as a `|` block."""
    if isinstance(value, str) and "\n" in value.rstrip("\n") and not isinstance(value, ScalarString):
        return LiteralScalarString(value)
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        return {key: styled(item) for key, item in value.items()}
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        items = [styled(item) for item in value]
        if is_flow_list(value):
            flow = CommentedSeq(items)
            flow.fa.set_flow_style()  # short lists of values read best on one line: [200, 201]
            return flow
        return items
    return value


def _same(old: Any, new: Any) -> bool:
    old_plain = plain(old)
    if isinstance(new, (dict, list)):
        return old_plain == new
    if isinstance(new, str) and not isinstance(old_plain, (str, dict, list)) and old_plain is not None:
        return as_text(old_plain) == new  # `limit: 10` is the text "10" in the model
    return type(old_plain) is type(new) and old_plain == new


def _scalar(old: Any, new: str) -> Any:
    """Keep an unquoted number or boolean unquoted when the new text is still one."""
    if isinstance(old, bool):
        if new in ("true", "false"):
            return new == "true"
    elif isinstance(old, int) and new.lstrip("-").isdigit():
        return int(new)
    return new


# --- three-way text merge --------------------------------------------------------------------
def merge_text(original: str, baseline_dump: str, new_dump: str) -> str | None:
    """Apply the line changes baseline_dump -> new_dump onto original. None when a change touches
    a line that ruamel itself re-formatted (then the caller uses new_dump as is)."""
    if baseline_dump == new_dump:
        return original
    if original == baseline_dump:
        return new_dump
    o_lines = original.splitlines(keepends=True)
    b_lines = baseline_dump.splitlines(keepends=True)
    n_lines = new_dump.splitlines(keepends=True)
    position: list[int | None] = [None] * (len(b_lines) + 1)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b_lines, o_lines, autojunk=False).get_opcodes():
        # Lines only the original has (ruamel dropped them) stay with the B line that follows.
        if position[i1] is None:
            position[i1] = j1
        if tag == "equal":
            for b in range(i1 + 1, i2 + 1):
                position[b] = j1 + (b - i1)
    if position[len(b_lines)] is None:
        position[len(b_lines)] = len(o_lines)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b_lines, n_lines, autojunk=False).get_opcodes():
        start, end = position[i1], position[i2]
        if start is None or end is None:
            return None
        if tag == "equal":
            out.extend(o_lines[start:end])
            continue
        if any(position[b] is None for b in range(i1 + 1, i2)):
            return None
        kept = o_lines[start:end]
        extra = len(kept) - (i2 - i1)
        if extra < 0 or kept[extra:] != b_lines[i1:i2]:
            return None
        out.extend(kept[:extra])
        out.extend(n_lines[j1:j2])
    return "".join(out)
