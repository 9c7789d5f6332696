"""Split a pasted cURL command into arguments the way the shell it was written for would.

Browsers write two dialects ("Copy as cURL"):

- POSIX (bash): '...' and "..." quotes, $'...' ANSI-C strings (Chrome uses them for bodies with
  newlines or quotes), backslash escapes, and backslash-newline continuations;
- Windows cmd: ^ escapes every special character (^" is a literal quote), ^ at the end of a line
  continues it, and the program then splits its command line by the MSVCRT rules ("..." groups,
  \\" is a literal quote).

`split_command` picks the dialect from the text and returns the arguments.
"""

from __future__ import annotations

import re

from tui_api.core.errors import UsageError

_ANSI_SIMPLE = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}
_CMD_HINT = re.compile(r'\^"|\^\s*$|\^\r?\n', re.MULTILINE)


def split_command(text: str) -> list[str]:
    """Arguments of a cURL command line as a shell would pass them to curl."""
    text = text.replace("\r\n", "\n").strip()
    # A copied prompt (`$ curl ...`, `> curl ...`) is not part of the command.
    text = re.sub(r"^(?:\$|>|PS [^>]*>)\s+", "", text)
    if _CMD_HINT.search(text):
        return split_windows(text)
    return split_posix(text)


def split_posix(text: str) -> list[str]:
    args: list[str] = []
    current: list[str] = []
    has_token = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n":
            if has_token:
                args.append("".join(current))
                current, has_token = [], False
            i += 1
        elif c == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # line continuation
            elif i + 1 < n:
                current.append(text[i + 1])
                has_token = True
                i += 2
            else:
                i += 1
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise UsageError("the cURL command has an unterminated ' quote", hint="paste the whole command")
            current.append(text[i + 1 : end])
            has_token = True
            i = end + 1
        elif c == "$" and i + 1 < n and text[i + 1] == "'":
            value, i = _ansi_c(text, i + 2)
            current.append(value)
            has_token = True
        elif c == '"':
            value, i = _double_quoted(text, i + 1)
            current.append(value)
            has_token = True
        elif c == "#" and not has_token:
            end = text.find("\n", i)
            i = n if end < 0 else end  # a shell comment
        else:
            current.append(c)
            has_token = True
            i += 1
    if has_token:
        args.append("".join(current))
    return args


def _double_quoted(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\" and i + 1 < n and text[i + 1] in '"\\$`\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    raise UsageError('the cURL command has an unterminated " quote', hint="paste the whole command")


def _ansi_c(text: str, i: int) -> tuple[str, int]:
    """$'...': bash's ANSI-C quoting, as Chrome writes bodies with control characters."""
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            return "".join(out), i + 1
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e in _ANSI_SIMPLE:
            out.append(_ANSI_SIMPLE[e])
            i += 2
        elif e == "x":
            digits = re.match(r"[0-9A-Fa-f]{1,2}", text[i + 2 : i + 4])
            if digits:
                out.append(chr(int(digits.group(), 16)))
                i += 2 + len(digits.group())
            else:
                out.append("\\x")
                i += 2
        elif e in "uU":
            size = 4 if e == "u" else 8
            digits = re.match(r"[0-9A-Fa-f]{1,%d}" % size, text[i + 2 : i + 2 + size])
            if digits:
                out.append(chr(int(digits.group(), 16)))
                i += 2 + len(digits.group())
            else:
                out.append("\\" + e)
                i += 2
        elif e in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[i + 1 : i + 4])
            assert digits is not None
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        elif e == "c" and i + 2 < n:
            out.append(chr(ord(text[i + 2]) & 0x1F))
            i += 3
        else:
            out.append("\\" + e)
            i += 2
    raise UsageError("the cURL command has an unterminated $' quote", hint="paste the whole command")


def split_windows(text: str) -> list[str]:
    """cmd.exe: remove ^ escapes (and ^-newline continuations), then split by MSVCRT rules."""
    chars: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "^" and i + 1 < n:
            if text[i + 1] == "\n":
                i += 2
                continue
            chars.append(text[i + 1])
            i += 2
            continue
        if c == "^":
            i += 1
            continue
        chars.append(c)
        i += 1
    return _msvcrt_split("".join(chars))


def _msvcrt_split(line: str) -> list[str]:
    args: list[str] = []
    current: list[str] = []
    in_quotes = False
    has_token = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\n" and not in_quotes:
            if has_token:
                args.append("".join(current))
                current, has_token = [], False
            i += 1
            continue
        if c == "\\":
            start = i
            while i < n and line[i] == "\\":
                i += 1
            count = i - start
            if i < n and line[i] == '"':
                current.append("\\" * (count // 2))
                if count % 2:
                    current.append('"')
                    i += 1
                has_token = True
            else:
                current.append("\\" * count)
                has_token = True
            continue
        if c == '"':
            if in_quotes and i + 1 < n and line[i + 1] == '"':
                current.append('"')  # "" inside quotes is a literal quote
                i += 2
                continue
            in_quotes = not in_quotes
            has_token = True
            i += 1
            continue
        current.append(c)
        has_token = True
        i += 1
    if in_quotes:
        raise UsageError('the cURL command has an unterminated " quote', hint="paste the whole command")
    if has_token:
        args.append("".join(current))
    return args
