"""A pasted cURL command -> a Request, listing what could not be carried over.

What maps: the URL (its query split into editable pairs when that is lossless), -X, -H, -A, -e,
-d/--data/--data-ascii/--data-raw/--data-binary/--data-urlencode/--json, -F/--form-string
(fields and @files), -G (data into the query), -I (HEAD), -b cookies, -L (follow_redirects),
-k (verify: false), --compressed (httpx always asks for and decodes compressed bodies),
-m/--max-time and --connect-timeout (timeouts). A JSON body becomes a `json` body, urlencoded data a
`form` body, and a raw multipart body (what browsers copy) its parts.

Credentials are not written into requests by default, because a collection lives in git:
- `-u user:password` becomes a warning that says how to create a basic auth profile;
- Authorization, Cookie and API-key headers (and -b) become `{{variable}}` references, and the
  values found are returned in `CurlImport.secrets` so a caller can keep them in memory (the TUI's
  overrides) or tell the user to put them in `.env`. `secrets="keep"` keeps them in the request
  instead (when the user explicitly asks), and maps -u to an `Authorization: Basic` header.

Every option that changes nothing here or cannot be mapped is listed in `warnings`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, quote, urlsplit

from tui_api.core.collection.curl_tokens import split_command
from tui_api.core.collection.model import Body, MultipartPart, Request
from tui_api.core.collection.wire import form_pairs, parse_multipart_body, split_query
from tui_api.core.errors import UsageError
from tui_api.core.http.redact import is_sensitive_header

# Options that take a value, by every name curl accepts for them.
_VALUE_OPTIONS = {
    "-X": "request", "--request": "request",
    "-H": "header", "--header": "header",
    "-d": "data", "--data": "data", "--data-ascii": "data", "--data-binary": "data-binary",
    "--data-raw": "data-raw", "--data-urlencode": "data-urlencode", "--json": "json",
    "-F": "form", "--form": "form", "--form-string": "form-string",
    "-u": "user", "--user": "user",
    "-b": "cookie", "--cookie": "cookie",
    "-A": "user-agent", "--user-agent": "user-agent",
    "-e": "referer", "--referer": "referer",
    "--url": "url", "--url-query": "url-query",
    "-m": "max-time", "--max-time": "max-time", "--connect-timeout": "connect-timeout",
    "--oauth2-bearer": "bearer",
    # understood but not mapped (the value is listed in the warning)
    "-o": None, "--output": None, "-w": None, "--write-out": None, "-x": None, "--proxy": None,
    "-c": None, "--cookie-jar": None, "-T": None, "--upload-file": None, "--cacert": None, "--cert": None,
    "-E": None, "--key": None, "--capath": None, "--resolve": None, "--connect-to": None, "-r": None,
    "--range": None, "--retry": None, "--retry-delay": None, "--retry-max-time": None, "-D": None,
    "--dump-header": None, "-K": None, "--config": None, "--interface": None, "-U": None,
    "--proxy-user": None, "--limit-rate": None, "-y": None, "-Y": None, "-z": None, "--time-cond": None,
    "--max-redirs": None, "--stderr": None, "--trace": None, "--trace-ascii": None, "-t": None,
    "--telnet-option": None, "--aws-sigv4": None, "--unix-socket": None, "--abstract-unix-socket": None,
    "--max-filesize": None, "--ciphers": None, "--noproxy": None, "--variable": None, "--expand-url": None,
}
_FLAG_OPTIONS = {
    "-L": "location", "--location": "location", "--location-trusted": "location",
    "-k": "insecure", "--insecure": "insecure",
    "-G": "get", "--get": "get",
    "-I": "head", "--head": "head",
    "--compressed": "compressed",
}
# Flags that only change curl's own output or transport details httpx picks itself.
_OUTPUT_FLAGS = {
    "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include", "-f", "--fail",
    "--fail-with-body", "-#", "--progress-bar", "-N", "--no-buffer", "-O", "--remote-name", "-J",
    "--remote-header-name", "-g", "--globoff", "--http1.1", "--http2", "--http2-prior-knowledge",
    "--http3", "--http1.0", "-0", "-4", "-6", "--ipv4", "--ipv6", "-q", "--disable", "-n", "--netrc",
    "--tr-encoding", "--path-as-is", "--no-keepalive", "--tcp-nodelay", "--raw", "-Z", "--parallel",
    "--tlsv1", "--tlsv1.0", "--tlsv1.1", "--tlsv1.2", "--tlsv1.3", "-1", "-2", "-3", "--ssl", "--ssl-reqd",
    "-l", "--list-only", "-R", "--remote-time", "-j", "--junk-session-cookies", "--digest", "--basic",
    "--ntlm", "--negotiate", "--anyauth", "-a", "--append", "-B", "--use-ascii", "-p", "--proxytunnel",
    "--create-dirs", "--styled-output", "--no-progress-meter", "--no-styled-output",
}
_SHORT_WITH_VALUE = {opt[1] for opt in _VALUE_OPTIONS if len(opt) == 2}
_SHORT_FLAGS = {opt[1] for opt in list(_FLAG_OPTIONS) + list(_OUTPUT_FLAGS) if len(opt) == 2}

SecretsMode = Literal["reference", "keep"]


@dataclass
class CurlImport:
    """What a cURL command turned into."""

    request: Request
    warnings: list[str] = field(default_factory=list)
    # Variable name -> value of the credentials taken out of the request (secrets="reference").
    secrets: dict[str, str] = field(default_factory=dict)
    # -u user:password, for offering a basic auth profile (password None when none was given).
    credentials: tuple[str, str | None] | None = None


def _strip_preamble(text: str) -> str:
    """Leading comment lines and a copied prompt (`$ `, `> `, `PS C:\\>`) are not the command."""
    lines = text.strip().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith(("#", "::", "REM "))):
        lines.pop(0)
    return re.sub(r"^(?:\$|>|PS [^>]*>)\s+", "", "\n".join(lines).strip())


def looks_like_curl(text: str) -> bool:
    stripped = _strip_preamble(text)
    return bool(re.match(r"^(?:(?:[A-Za-z]:)?[\w.~\-/\\]*[/\\])?curl(?:\.exe)?(?:\s|$)", stripped, re.IGNORECASE))


def parse_curl(text: str, *, secrets: SecretsMode = "reference") -> tuple[Request, list[str]]:
    """The request a cURL command sends, and what could not be mapped (one line each)."""
    result = import_curl(text, secrets=secrets)
    return result.request, result.warnings


def import_curl(text: str, *, secrets: SecretsMode = "reference") -> CurlImport:
    """Like `parse_curl`, with the credentials it took out (see the module docstring)."""
    if not text or not text.strip():
        raise UsageError("no cURL command given", hint="paste a command that starts with 'curl'")
    if not looks_like_curl(text):
        first = text.strip().split(None, 1)[0][:40]
        if not first.isprintable():  # binary piped in: do not echo control bytes to the terminal
            raise UsageError("this is not a cURL command (it is not text)",
                             hint="paste a command that starts with 'curl', e.g. from the browser's 'Copy as cURL'")
        raise UsageError(f"this is not a cURL command (it starts with '{first}')",
                         hint="paste a command that starts with 'curl', e.g. from the browser's 'Copy as cURL'")
    args = split_command(_strip_preamble(text))
    return _Parser(secrets).parse(args[1:])


class _Parser:
    def __init__(self, secrets: SecretsMode) -> None:
        self.mode = secrets
        self.urls: list[str] = []
        self.method: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.removed: set[str] = set()  # `-H 'Name:'` removes a header curl would add
        self.url_query: list[tuple[str, str]] = []
        self.data: list[str] = []  # pieces joined with '&'
        self.data_file: str | None = None
        self.json_flag = False
        self.form: list[MultipartPart] = []
        self.user: str | None = None
        self.cookies: list[str] = []
        self.flags: set[str] = set()
        self.options: dict[str, object] = {}
        self.warnings: list[str] = []
        self.ignored: list[str] = []
        self.secrets: dict[str, str] = {}

    # --- arguments ------------------------------------------------------------------------
    def parse(self, args: list[str]) -> CurlImport:
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg.startswith("--") and len(arg) > 2:
                name, eq, inline = arg.partition("=")
                if name in _VALUE_OPTIONS:
                    if eq:
                        value = inline
                    elif i < len(args):
                        value, i = args[i], i + 1
                    else:
                        raise UsageError(f"the cURL option {name} needs a value")
                    self.option(name, value)
                elif arg in _FLAG_OPTIONS:
                    self.flags.add(_FLAG_OPTIONS[arg])
                elif arg in _OUTPUT_FLAGS:
                    self.ignored.append(arg)
                elif arg.startswith("--no-"):
                    self.ignored.append(arg)
                else:
                    self.warnings.append(f"unknown option {arg}: not imported")
            elif arg.startswith("-") and len(arg) > 1:
                i = self.short_cluster(arg, args, i)
            else:
                self.urls.append(arg)
        return self.finish()

    def short_cluster(self, arg: str, args: list[str], i: int) -> int:
        """`-sSL`, `-XPOST`, `-d@file`: short flags bundle, a value may follow without a space."""
        j = 1
        while j < len(arg):
            letter = arg[j]
            option = "-" + letter
            if letter in _SHORT_WITH_VALUE:
                value = arg[j + 1 :]
                if not value:
                    if i >= len(args):
                        raise UsageError(f"the cURL option {option} needs a value")
                    value, i = args[i], i + 1
                self.option(option, value)
                return i
            if option in _FLAG_OPTIONS:
                self.flags.add(_FLAG_OPTIONS[option])
            elif option in _OUTPUT_FLAGS:
                self.ignored.append(option)
            else:
                self.warnings.append(f"unknown option {option}: not imported")
            j += 1
        return i

    def option(self, name: str, value: str) -> None:
        kind = _VALUE_OPTIONS[name]
        if kind is None:
            self.warnings.append(f"{name} {value}: not imported (tui-api has no equivalent for it)")
        elif kind == "request":
            self.method = value.upper()
        elif kind == "header":
            self.header(value)
        elif kind in ("data", "data-binary", "data-raw", "json"):
            if kind != "data-raw" and value.startswith("@"):
                self.data_from_file(name, value[1:])
            else:
                self.data.append(value.replace("\r", "").replace("\n", "") if kind == "data" else value)
            if kind == "json":
                self.json_flag = True
        elif kind == "data-urlencode":
            self.data_urlencode(value)
        elif kind in ("form", "form-string"):
            self.form_part(value, literal=kind == "form-string")
        elif kind == "user":
            self.user = value
        elif kind == "cookie":
            if "=" in value:
                self.cookies.append(value)
            else:
                self.warnings.append(f"{name} {value}: reading cookies from a file is not imported; "
                                     "add a Cookie header instead")
        elif kind == "user-agent":
            self.headers.append(("User-Agent", value))
        elif kind == "referer":
            self.headers.append(("Referer", value.removesuffix(";auto")))
        elif kind == "url":
            self.urls.append(value)
        elif kind == "url-query":
            if value.startswith("+"):
                self.url_query.extend(parse_qsl(value[1:], keep_blank_values=True))
            elif "@" in value.split("=", 1)[0] or value.startswith("@"):
                self.warnings.append(f"--url-query {value}: reading the value from a file is not imported")
            else:
                name, sep, content = value.partition("=")
                self.url_query.append((name, content) if sep else ("", value))
        elif kind == "max-time":
            self.options["timeout"] = _number(value)
        elif kind == "connect-timeout":
            self.options["connect_timeout"] = _number(value)
        elif kind == "bearer":
            self.headers.append(("Authorization", f"Bearer {value}"))

    def header(self, value: str) -> None:
        if value.startswith("@"):
            self.warnings.append(f"-H {value}: headers from a file are not imported")
            return
        name, sep, rest = value.partition(":")
        if not sep:
            if name.endswith(";"):
                self.headers.append((name[:-1].strip(), ""))  # `-H 'X-Empty;'` sends an empty header
            else:
                self.warnings.append(f"-H {value!r}: not a 'Name: value' header, not imported")
            return
        if not rest.strip():
            if name.strip().lower() == "content-type":
                self.removed.add("content-type")  # the body goes without one, as tui-api sends text
            else:
                self.warnings.append(f"-H {value!r}: removes curl's own {name.strip()} header; not imported")
            return
        self.headers.append((name.strip(), rest.strip()))

    def data_from_file(self, name: str, path: str) -> None:
        if path == "-":
            self.warnings.append(f"{name} @-: the body comes from stdin, which cannot be imported; paste it as --data-raw")
            return
        if self.data_file or self.data:
            self.warnings.append(f"{name} @{path}: only one body file can be imported; this one was skipped")
            return
        self.data_file = path

    def data_urlencode(self, value: str) -> None:
        """curl's forms: `content`, `=content`, `name=content`, `@file`, `name@file`."""
        if "=" in value:
            name, _, content = value.partition("=")
            self.data.append(_encode(content) if not name else f"{_encode(name)}={_encode(content)}")
            return
        if "@" in value:
            self.warnings.append(f"--data-urlencode {value}: reading the value from a file is not imported")
            return
        self.data.append(_encode(value))

    def form_part(self, value: str, *, literal: bool) -> None:
        name, sep, content = value.partition("=")
        if not sep:
            self.warnings.append(f"-F {value!r}: not name=content, not imported")
            return
        if literal:
            self.form.append(MultipartPart(name=name, value=content))
            return
        params = content.split(";")
        content_type = None
        for param in params[1:]:
            key, _, val = param.strip().partition("=")
            if key == "type":
                content_type = val.strip('"')
            elif key == "filename":
                self.warnings.append(f"-F {name}: the filename={val} override is not imported (the file's name is sent)")
            elif key in ("headers", "encoder"):
                self.warnings.append(f"-F {name}: ;{key}= is not imported")
        main = params[0]
        if main.startswith("@"):
            self.form.append(MultipartPart(name=name, file=main[1:], content_type=content_type))
        elif main.startswith("<"):
            self.warnings.append(f"-F {name}=<{main[1:]}: the field's text is read from a file; imported as a file part")
            self.form.append(MultipartPart(name=name, file=main[1:], content_type=content_type or "text/plain"))
        else:
            self.form.append(MultipartPart(name=name, value=content if not content_type else main,
                                           content_type=content_type))

    # --- the request ----------------------------------------------------------------------
    def finish(self) -> CurlImport:
        if not self.urls:
            raise UsageError("the cURL command has no URL", hint="curl needs a URL such as https://example.com/path")
        if len(self.urls) > 1:
            self.warnings.append(f"{len(self.urls)} URLs given; imported the first ({self.urls[0]})")
        url, query = split_query(self.urls[0])
        request = Request(url=url, query=query + self.url_query)
        headers = list(self.headers)
        if self.cookies:
            headers.append(("Cookie", "; ".join(self.cookies)))
        content_type = _header(headers, "content-type")
        body: Body | None = None
        data = "&".join(self.data) if self.data else None
        if "get" in self.flags and (data is not None):
            request.query.extend(parse_qsl(data, keep_blank_values=True))
            data = None
        if self.form:
            if data is not None or self.data_file:
                self.warnings.append("both -F and -d given (curl refuses that); imported the -F fields")
            body = Body("multipart", self.form)
            headers = _drop_header(headers, "content-type", lambda v: v.lower().startswith("multipart/form-data"))
        elif self.data_file:
            body = Body("file", self.data_file)
            if content_type is None and "content-type" not in self.removed:
                headers.append(("Content-Type", "application/json" if self.json_flag else "application/x-www-form-urlencoded"))
        elif data is not None:
            body, headers = self.body_from_data(data, headers, content_type)
        request.method = self.method or ("HEAD" if "head" in self.flags else
                                         "POST" if body is not None and "get" not in self.flags else "GET")
        if self.json_flag and not _header(headers, "accept"):
            headers.append(("Accept", "application/json"))
        request.body = body
        request.headers = self.drop_transport_headers(headers, request.url)
        if "location" in self.flags:
            request.options["follow_redirects"] = True
        if "insecure" in self.flags:
            request.options["verify"] = False
        request.options.update(self.options)
        credentials = self.credentials(request)
        self.protect_secrets(request)
        request.name = _request_name(request)
        if self.ignored:
            self.warnings.append(f"ignored {', '.join(dict.fromkeys(self.ignored))}: they change curl's own output "
                                 "or connection, not the request")
        return CurlImport(request, self.warnings, self.secrets, credentials)

    def body_from_data(self, data: str, headers: list[tuple[str, str]],
                       content_type: str | None) -> tuple[Body, list[tuple[str, str]]]:
        if content_type is None and "content-type" in self.removed and not self.json_flag:
            return Body("text", data), headers
        ctype = (content_type or ("application/json" if self.json_flag else "application/x-www-form-urlencoded")).lower()
        if "json" in ctype:
            try:
                value = json.loads(data)
            except ValueError:
                if content_type is None:
                    headers.append(("Content-Type", "application/json"))
                return Body("text", data), headers
            return Body("json", value), _drop_header(headers, "content-type", lambda v: v.lower() == "application/json")
        if ctype.startswith("multipart/form-data") and "boundary=" in ctype:
            parts = parse_multipart_body(data, content_type or "", self.warnings)
            if parts is not None:
                return Body("multipart", parts), _drop_header(headers, "content-type", lambda v: True)
        if ctype.startswith("application/x-www-form-urlencoded"):
            pairs = form_pairs(data)
            if pairs is not None:
                return Body("form", pairs), _drop_header(
                    headers, "content-type", lambda v: v.lower().startswith("application/x-www-form-urlencoded"))
            if content_type is None:
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))  # what curl sends
                if data.lstrip().startswith(("{", "[")):
                    self.warnings.append("the body looks like JSON but no Content-Type was given, so curl sends it "
                                         "as a form; add a 'Content-Type: application/json' header if that was meant")
        return Body("text", data), headers

    def drop_transport_headers(self, headers: list[tuple[str, str]], url: str) -> list[tuple[str, str]]:
        """Headers the client computes itself: a copied Accept-Encoding may ask for encodings
        httpx cannot decode here, and a copied Content-Length is wrong after any edit."""
        kept: list[tuple[str, str]] = []
        dropped: list[str] = []
        for name, value in headers:
            if name.lower() in ("accept-encoding", "content-length", "host", "connection", "te"):
                dropped.append(name)
            else:
                kept.append((name, value))
        if dropped:
            self.warnings.append(f"dropped {', '.join(dropped)}: the HTTP client sets {'it' if len(dropped) == 1 else 'them'} "
                                 "itself (it asks for the compressions it can decode)")
        return kept

    def credentials(self, request: Request) -> tuple[str, str | None] | None:
        if self.user is None:
            return None
        user, sep, password = self.user.partition(":")
        if self.mode == "keep" and sep:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            request.headers.append(("Authorization", f"Basic {token}"))
            return (user, password)
        self.warnings.append(
            f"-u {user}:…: credentials are not stored in requests; create a profile with "
            f"`tui-api auth set NAME --kind basic --username {user}` and set the request's auth: NAME"
        )
        return (user, password if sep else None)

    def protect_secrets(self, request: Request) -> None:
        if self.mode == "keep":
            return
        protected: list[tuple[str, str]] = []
        for name, value in request.headers:
            if is_sensitive_header(name) and value and "{{" not in value:
                variable = _variable_name(name, self.secrets)
                scheme, _, rest = value.partition(" ")
                if name.lower() in ("authorization", "proxy-authorization") and rest and scheme.isalpha():
                    self.secrets[variable] = rest
                    protected.append((name, f"{scheme} {{{{{variable}}}}}"))
                else:
                    self.secrets[variable] = value
                    protected.append((name, f"{{{{{variable}}}}}"))
                self.warnings.append(f"header {name} held a credential; it is now {{{{{variable}}}}} "
                                     f"(set {variable} in .env beside the collection or with --var, never in the file)")
            else:
                protected.append((name, value))
        request.headers = protected


def _number(value: str) -> float | int:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a number of seconds") from None
    return int(number) if number.is_integer() else number


def _encode(value: str) -> str:
    return quote(value, safe="")


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _drop_header(headers: list[tuple[str, str]], name: str, matches) -> list[tuple[str, str]]:
    """The Content-Type a body kind implies is set when sending; keeping it would say it twice."""
    return [(k, v) for k, v in headers if not (k.lower() == name and matches(v))]


def _variable_name(header: str, taken: dict[str, str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_") or "secret"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _request_name(request: Request) -> str:
    """`METHOD /path`, the way API docs name an endpoint (a `{{base_url}}` prefix is not the path)."""
    url = request.url
    without_base = re.sub(r"^\{\{[^{}]+\}\}", "", url)
    if without_base != url:
        path = without_base.split("?", 1)[0] or "/"
    else:
        try:
            path = urlsplit(url).path or "/"
        except ValueError:
            path = url
    return f"{request.method} {path}"[:80]
