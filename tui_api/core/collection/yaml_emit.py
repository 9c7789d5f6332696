"""A small YAML emitter for NEW collection files: plain dicts/lists/scalars -> text, in one pass.

A file that has no source yet has no formatting to keep, so going through ruamel's round-trip
document (a node per value, comment slots, a Python emitter that analyses every scalar character
by character) is pure cost: ~50 s and ~1 GB for an 18,000-request import. This writes the same
layout ruamel produces for a new file (DEFAULT_INDENT = mapping 2, sequence 4, offset 2; keys in
insertion order; multi-line text as `|` blocks; short lists of scalars as `[a, b]`; strings quoted
only when they must be, single quotes unless the text needs escapes) so a later round-trip edit
of the file changes only its own lines.

The quoting decisions mirror ruamel's emitter (`analyze_scalar` / `choose_scalar_style`), done with
regular expressions, and a string is left plain only when ruamel's own YAML 1.2 resolver reads it
back as a string (so `'10'`, `'true'`, `'null'`, `'2024-01-01'`, `'{{base_url}}'` stay quoted).
Deliberate differences, all still loading back equal: text over 4,096 columns stays on one line
(ruamel folds it), and text holding \r, U+2028 or a tab at a line start is double-quoted rather
than put in a `|` block (where ruamel's block would not read back the same). Anything outside what this handles (a non-string key, a very long key, a date, NaN) raises
`Unsupported` and the caller uses the round-trip writer instead: slower, never wrong.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

MAPPING_INDENT = 2
SEQUENCE_DASH_OFFSET = 2
SEQUENCE_INDENT = 4
MAX_SIMPLE_KEY = 120  # ruamel writes longer keys as explicit `? key` entries: leave those to it
FLOW_WIDTH = 60  # the short-list rule of yaml_write.styled


class Unsupported(Exception):
    """A value this emitter does not write; the caller falls back to the round-trip writer."""


# Characters YAML may not hold raw (ruamel's "special characters" with allow_unicode).
_SPECIAL = re.compile("[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
_BREAK = re.compile("[\n\x85\u2028\u2029]")
_COLON_SPACE = re.compile(r".:(?: |$)", re.S)  # ':' (not first) followed by a space or the end
_FLOW_INSIDE = re.compile(r".[,\[\]{}]", re.S)  # flow indicators after the first character
_LEADING = frozenset("#,[]{}&*!|>'\"%@`")
# What a double-quoted scalar escapes: ruamel's set (supplementary characters too, as it does).
_DQ_ESCAPE = re.compile('["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
_DQ_NAMED = {
    "\0": "0", "\x07": "a", "\x08": "b", "\x09": "t", "\x0a": "n", "\x0b": "v", "\x0c": "f",
    "\x0d": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L",
    "\u2029": "P",
}
# A literal block holds text verbatim except carriage returns and other specials (the reader
# would turn them into line breaks or refuse them): those strings go double-quoted instead.
_LITERAL_UNSAFE = re.compile("[^\n\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]")

_TAB_INDENT = re.compile(r"(?:^|\n) *\t")  # a tab where the block's indentation is read


@lru_cache(maxsize=1)
def _resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver()


@lru_cache(maxsize=1)
def _resolved_first_characters() -> frozenset[str] | None:
    """The first characters the resolver has implicit types for: any other plain text is text.
    None when some resolver applies to every first character (then it is asked every time)."""
    table = _resolver().versioned_resolver
    return None if None in table else frozenset(key for key in table if key)


def _reads_as_text(value: str) -> bool:
    """Would `value` written plain load back as a string (YAML 1.2, as the loader reads it)?"""
    firsts = _resolved_first_characters()
    if firsts is not None and value[0] not in firsts:
        return True
    return _resolves_to_text(value)


@lru_cache(maxsize=4096)
def _resolves_to_text(value: str) -> bool:
    from ruamel.yaml.nodes import ScalarNode

    tag = _resolver().resolve(ScalarNode, value, (True, False))
    return str(getattr(tag, "value", tag)) == "tag:yaml.org,2002:str"


def _plain_allowed(value: str, flow: bool) -> bool:
    """ruamel's allow_block_plain / allow_flow_plain for a one-line string without specials."""
    if not value or value[0] == " " or value[-1] == " ":
        return False
    if value.startswith(("---", "...")):
        return False
    first = value[0]
    followed_by_space = len(value) == 1 or value[1] == " "
    if first in _LEADING:
        return False
    if first == "-" and followed_by_space:
        return False
    if first in "?:" and followed_by_space:
        return False
    if flow and ("?" in value or ":" in value):
        # ruamel writes `[: x]`, `[?x]`, `[a?b]` plain in a flow list, which the C loader cannot
        # read back (or reads as a mapping): quote them.
        return False
    if _COLON_SPACE.search(value) or " #" in value:
        return False
    if flow and _FLOW_INSIDE.search(value):
        return False
    return True


def _double_quoted(value: str) -> str:
    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if ch in _DQ_NAMED:
            return "\\" + _DQ_NAMED[ch]
        code = ord(ch)
        if code <= 0xFF:
            return f"\\x{code:02X}"
        if code <= 0xFFFF:
            return f"\\u{code:04X}"
        return f"\\U{code:08X}"

    return '"' + _DQ_ESCAPE.sub(escape, value) + '"'


def scalar_text(value: str, *, flow: bool = False, key: bool = False) -> str:
    """One string as a plain, single- or double-quoted scalar (not a block)."""
    special = _SPECIAL.search(value) is not None
    breaks = _BREAK.search(value) is not None
    if not special and not breaks and _plain_allowed(value, flow) and _reads_as_text(value):
        return value
    if special or "'" in value or "\n" in value or (key and breaks):
        return _double_quoted(value)
    if breaks:  # \x85, \u2028, \u2029: single quotes would fold them; escape instead
        return _double_quoted(value)
    return "'" + value + "'"


def _is_literal(value: Any) -> bool:
    """yaml_write.styled's rule: text with a line break before its trailing newlines is a block."""
    return isinstance(value, str) and "\n" in value.rstrip("\n")


def _number(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if not math.isfinite(value):
        raise Unsupported("a non-finite number")
    return repr(float(value))


def _atom(value: Any, flow: bool = False) -> str:
    """A scalar that is not a block (None is written as nothing, as ruamel does)."""
    if isinstance(value, str):
        return scalar_text(value, flow=flow)
    if isinstance(value, (bool, int, float)):
        return _number(value)
    raise Unsupported(f"a {type(value).__name__} value")


def is_flow_list(value: list[Any]) -> bool:
    """yaml_write.styled's rule for `[a, b]`: short, scalars only. Text with `:` or `?` keeps the
    block style: ruamel writes `[12:30]` or `[a?b]` plain, which the C loader cannot read back."""
    return bool(value) and all(
        isinstance(i, (int, float, bool)) or isinstance(i, str) and not _is_literal(i) and ":" not in i and "?" not in i
        for i in value
    ) and sum(len(str(i)) + 2 for i in value) <= FLOW_WIDTH


def _literal(value: str, indent: int) -> str | None:
    """` |-` header + lines, or None when the text cannot be a literal block safely."""
    if _LITERAL_UNSAFE.search(value) or _TAB_INDENT.search(value):
        return None
    if value.endswith("\n\n"):
        chomp = "+"
    elif value.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    hint = str(MAPPING_INDENT) if value[0] in " \n" else ""
    pad = " " * indent
    body = value[:-1] if value.endswith("\n") else value
    lines = [pad + line if line else "" for line in body.split("\n")]
    return f" |{hint}{chomp}\n" + "\n".join(lines) + "\n"


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise Unsupported("a key that is not text")
    return _text_key(key)


@lru_cache(maxsize=4096)
def _text_key(key: str) -> str:  # the same few keys ("name", "url", ...) come back on every request
    if len(key) > MAX_SIMPLE_KEY or _BREAK.search(key):
        raise Unsupported("a very long or multi-line key")
    return scalar_text(key, key=True)


def _value_after_key(out: list[str], value: Any, key_column: int) -> None:
    """Write what follows `key:` on the key's line (and the lines below it)."""
    if isinstance(value, dict):
        if not value:
            out.append(" {}\n")
            return
        out.append("\n")
        _mapping(out, value, key_column + MAPPING_INDENT, first_prefix=None)
    elif isinstance(value, list):
        if not value:
            out.append(" []\n")
        elif is_flow_list(value):
            out.append(" [" + ", ".join(_atom(v, flow=True) for v in value) + "]\n")
        else:
            out.append("\n")
            _sequence(out, value, key_column)
    elif value is None:
        out.append("\n")
    elif _is_literal(value):
        block = _literal(value, key_column + MAPPING_INDENT)
        out.append(block if block is not None else " " + _double_quoted(value) + "\n")
    else:
        out.append(" " + _atom(value) + "\n")


def _mapping(out: list[str], mapping: dict[Any, Any], column: int, first_prefix: str | None) -> None:
    """Keys at `column`; the first key follows `first_prefix` (a sequence dash) when given."""
    pad = " " * column
    for index, (key, value) in enumerate(mapping.items()):
        out.append(first_prefix if index == 0 and first_prefix is not None else pad)
        out.append(_key(key) + ":")
        _value_after_key(out, value, column)


def _sequence(out: list[str], items: list[Any], parent_column: int, first_prefix: str | None = None) -> None:
    """Dashes at parent_column + offset, item content at parent_column + SEQUENCE_INDENT."""
    dash = " " * (parent_column + SEQUENCE_DASH_OFFSET) + "-"
    content = parent_column + SEQUENCE_INDENT
    gap = " " * (SEQUENCE_INDENT - SEQUENCE_DASH_OFFSET - 1)
    for index, item in enumerate(items):
        if index == 0 and first_prefix is not None:
            prefix = first_prefix + " " * (SEQUENCE_DASH_OFFSET) + "-" + gap
        else:
            prefix = dash + gap
        if isinstance(item, dict) and item:
            _mapping(out, item, content, first_prefix=prefix)
        elif isinstance(item, list) and item and not is_flow_list(item):
            _sequence(out, item, content, first_prefix=prefix)
        elif isinstance(item, dict):
            out.append(prefix + "{}\n")
        elif isinstance(item, list):
            out.append(prefix + ("[]" if not item else "[" + ", ".join(_atom(v, flow=True) for v in item) + "]") + "\n")
        elif item is None:
            out.append(prefix + "\n")
        elif _is_literal(item):
            block = _literal(item, content)
            out.append(prefix.rstrip(" ") + block if block is not None else prefix + _double_quoted(item) + "\n")
        else:
            out.append(prefix + _atom(item) + "\n")


def copy_plain(value: Any) -> Any:
    """A copy of plain data (dicts, lists, immutable scalars): several times cheaper than deepcopy."""
    if isinstance(value, dict):
        return {key: copy_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_plain(item) for item in value]
    return value


def emit_document(data: dict[str, Any]) -> str:
    """A top-level mapping as YAML text. Raises Unsupported (see the module doc)."""
    out: list[str] = []
    try:
        _mapping(out, data, 0, first_prefix=None)
    except RecursionError as exc:
        raise Unsupported("nested too deeply") from exc
    return "".join(out)
