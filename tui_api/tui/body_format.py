"""Turn a response body into something a person can read, without freezing the UI.

Runs in a thread worker (see `ResponseView`): a 50 MB body is counted and sniffed, but only its
first `max_bytes` are pretty-printed and highlighted; the rest stays one key away (save to a file).
Binary bodies become a short summary (size, type, first bytes in hex), never a dump.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass

from rich.style import Style
from rich.syntax import Syntax
from rich.text import Span, Text

DEFAULT_MAX_BYTES = 256 * 1024  # what we highlight
DEFAULT_MAX_LINES = 5000
PRETTY_LIMIT = 4 * 1024 * 1024  # bodies we parse whole to pretty-print
XML_PRETTY_LIMIT = 1024 * 1024  # XML we re-indent (parsing is slower than JSON's)
THEME = "monokai"
_THEME_FOREGROUND = (248, 248, 242)  # monokai's default text colour


@dataclass
class FormattedBody:
    kind: str  # json, xml, html, text, binary, empty
    text: Text
    shown_bytes: int  # how much of the body the text shows
    total_bytes: int
    note: str = ""  # "showing first X of Y ..." or why formatting fell back


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def sniff_kind(body: bytes, content_type: str) -> str:
    """json / xml / html / text / binary, from the Content-Type first, then the bytes."""
    if not body:
        return "empty"
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.endswith("json") or ctype.endswith("+json"):
        return "json"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if ctype.endswith("xml"):
        return "xml"
    head = body[:4096]
    if _looks_binary(head):
        return "binary"
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    lowered = stripped[:64].lower()
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html"):
        return "html"
    if lowered.startswith(b"<?xml") or (lowered.startswith(b"<") and ctype not in ("text/plain",)):
        return "xml"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if exc.start >= len(head) - 4:
            return False
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return control > len(head) // 20


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def decode_text(body: bytes, content_type: str) -> tuple[str, str]:
    """(text, note): the body in its declared charset (UTF-8 when none). Bytes that do not decode
    show as U+FFFD and the note says so; an unknown charset falls back to UTF-8 instead of failing."""
    charset = _charset(content_type)
    note = ""
    try:
        codecs.lookup(charset)
    except LookupError:
        note = f"unknown charset '{charset}': decoded as UTF-8"
        charset = "utf-8"
    try:
        return body.decode(charset), note
    except UnicodeDecodeError as exc:
        bad = sum(1 for ch in body.decode(charset, errors="replace") if ch == "\ufffd")
        where = f"first at byte {exc.start}"
        note = (f"not valid {charset}: {bad} undecodable byte(s) shown as \ufffd ({where}); "
                "ctrl+o saves the raw bytes")
        return body.decode(charset, errors="replace"), note
    except (UnicodeError, ValueError) as exc:  # a codec that fails in its own way
        return body.decode("utf-8", errors="replace"), f"cannot decode as {charset} ({exc}): shown as UTF-8"


def binary_summary(body: bytes, content_type: str, total: int) -> Text:
    text = Text()
    text.append("binary body", style="bold")
    text.append(f"  {human_size(total)}  {content_type or 'no Content-Type'}\n\n", style="dim")
    head = body[:64]
    for offset in range(0, len(head), 16):
        row = head[offset:offset + 16]
        hexes = " ".join(f"{byte:02x}" for byte in row)
        printable = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in row)
        text.append(f"{offset:08x}  ", style="dim")
        text.append(f"{hexes:<48}  ")
        text.append(printable + "\n", style="cyan")
    text.append("\nnot shown: save it with ctrl+o to look at it with another tool", style="dim italic")
    return text


def format_body(
    body: bytes,
    content_type: str,
    *,
    total_size: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_lines: int = DEFAULT_MAX_LINES,
) -> FormattedBody:
    """Pretty-print and highlight the start of a body. Safe to call from a thread."""
    total = len(body) if total_size is None else total_size
    kind = sniff_kind(body, content_type)
    if kind == "empty":
        return FormattedBody("empty", Text("(empty body)", style="dim italic"), 0, total)
    if kind == "binary":
        return FormattedBody("binary", binary_summary(body, content_type, total), 0, total)
    decoded, note = decode_text(body, content_type) if len(body) <= PRETTY_LIMIT else (None, "")
    source: str
    if kind == "json" and decoded is not None:
        try:
            source = json.dumps(json.loads(decoded), indent=2, ensure_ascii=False)
        except ValueError:
            source = decoded
            note = "; ".join(filter(None, ["not valid JSON: shown as received", note]))
    elif kind == "xml" and decoded is not None and len(decoded) <= XML_PRETTY_LIMIT:
        source = pretty_xml(decoded)
    elif decoded is not None:
        source = decoded
    else:
        source = decode_text(body[:max_bytes], content_type)[0]
        if kind == "json":
            source = reindent_json_prefix(source)
    shown = source
    cut = decoded is None
    if len(shown) > max_bytes:
        shown = shown[:max_bytes]
        cut = True
    lines = shown.split("\n")
    if len(lines) > max_lines:
        shown = "\n".join(lines[:max_lines])
        cut = True
    if cut or len(body) < total:
        shown_bytes = min(len(shown.encode("utf-8", errors="replace")), total)
        note = (f"showing first {human_size(shown_bytes)} of {human_size(total)}"
                " — press ctrl+o to save the full body to a file")
    else:
        shown_bytes = total
    lexer = {"json": "json", "xml": "xml", "html": "html"}.get(kind, "text")
    text = Syntax(shown, lexer, theme=THEME, word_wrap=False, background_color="default").highlight(shown)
    spans = [Span(span.start, span.end, _without_background(span.style)) for span in text.spans]
    text.spans = [span for span in spans if span.style]
    text.style = ""
    text.rstrip()
    return FormattedBody(kind, text, shown_bytes, total, note)


def pretty_xml(text: str) -> str:
    """Re-indent XML for reading. Documents with a DTD are left as they are: no entity expansion
    is ever done on a response we did not write."""
    head = text[:4096].upper()
    if "<!DOCTYPE" in head or "<!ENTITY" in text.upper():
        return text
    try:
        from xml.dom import minidom

        pretty = minidom.parseString(text.encode("utf-8")).toprettyxml(indent="  ")
    except Exception:  # noqa: BLE001 - not well-formed: show it as received
        return text
    lines = [line for line in pretty.splitlines() if line.strip()]
    if not text.lstrip().startswith("<?xml") and lines and lines[0].startswith("<?xml"):
        lines = lines[1:]
    return "\n".join(lines)


def _without_background(style: str | Style) -> Style:
    """The app's theme owns the background; the highlighter only colours the text."""
    if isinstance(style, str):
        style = Style.parse(style)
    if isinstance(style, Style):
        color = style.color
        if color is not None and color.triplet is not None and tuple(color.triplet) == _THEME_FOREGROUND:
            color = None  # plain text keeps the terminal's foreground, light or dark
        return Style(color=color, bold=style.bold or None, italic=style.italic or None,
                     underline=style.underline or None)
    return Style()


def reindent_json_prefix(source: str, indent: str = "  ") -> str:
    """Indent the start of a JSON document that is too big to parse whole (or cut off)."""
    out: list[str] = []
    depth = 0
    in_string = False
    escaped = False
    for char in source:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            out.append(char)
        elif char in "{[":
            depth += 1
            out.append(char + "\n" + indent * depth)
        elif char in "}]":
            depth = max(0, depth - 1)
            out.append("\n" + indent * depth + char)
        elif char == ",":
            out.append(",\n" + indent * depth)
        elif char == ":":
            out.append(": ")
        elif char in " \t\r\n":
            continue
        else:
            out.append(char)
    return "".join(out)
