"""A request as a cURL command or a Python httpx snippet, to paste into a shell, a ticket or a script.

Secrets never appear in an export:
- a request's own credential headers (Authorization, Cookie, API-key headers) keep their
  `{{variable}}` reference, or become one when they hold a literal value;
- an auth profile is written as a reference to the environment variable the auth module reads
  its secret from (`TUI_API_SECRET_<PROFILE>_<FIELD>`), so the snippet works once that is exported;
- `secret_values` (what the caller knows to be secret, e.g. the auth provider's values) are masked
  wherever they would appear.

`auth_style="variable"` (the default) keeps references as `{{name}}`, which `parse_curl` reads back
to the same request; `"env"` writes them as shell/OS environment references (`$NAME`,
`os.environ["NAME"]`) so the command runs as is. Other `{{variables}}` are resolved when a lookup is
given, else kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from tui_api.core.collection.wire import encode_query
from tui_api.core.collection.model import Request
from tui_api.core.collection.variables import VARIABLE, Lookup, _get, join_value, looks_secret
from tui_api.core.http.redact import MASK, SENSITIVE_QUERY, is_sensitive_header, mask_secrets

AuthStyle = Literal["variable", "env"]
_SAFE_SHELL = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")
_SECRET_ENV_PREFIX = "TUI_API_SECRET_"


@dataclass
class _Auth:
    """What an auth profile adds, as references: headers, query params, basic credentials."""

    headers: list[tuple[str, str]]
    params: list[tuple[str, str]]
    basic: tuple[str, str] | None = None  # (username, reference to the password)
    digest: bool = False
    note: str = ""


def env_name(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", "_".join(parts)).upper()


def secret_env_var(profile: str, field: str) -> str:
    """The variable the auth module reads a profile's secret from when there is no keyring."""
    try:
        from tui_api.core.auth.secrets import env_var_name

        return env_var_name(profile, field)
    except ImportError:  # pragma: no cover
        return _SECRET_ENV_PREFIX + env_name(profile, field)


def _reference(name: str, style: AuthStyle) -> str:
    """A placeholder for a secret: `{{name}}` or `${NAME}` (turned into os.environ for Python)."""
    return "{{" + name + "}}" if style == "variable" else "${" + env_name(name) + "}"


def _profile_auth(auth: Any, style: AuthStyle) -> _Auth | None:
    """`auth` is an AuthProfile (name, kind, get()/fields); None or "none" adds nothing."""
    if auth is None or getattr(auth, "kind", None) is None:
        return None
    name, kind = auth.name, auth.kind

    def field(key: str, default: str = "") -> str:
        getter = getattr(auth, "get", None)
        value = getter(key) if callable(getter) else getattr(auth, "fields", {}).get(key, default)
        return value or default

    def secret(key: str) -> str:
        var = secret_env_var(name, key)
        return "{{$env." + var + "}}" if style == "variable" else "${" + var + "}"

    note = f"auth: profile '{name}' ({kind})"
    if kind == "bearer":
        return _Auth([("Authorization", f"{field('prefix', 'Bearer')} {secret('token')}".strip())], [], note=note)
    if kind in ("basic", "digest"):
        return _Auth([], [], basic=(field("username"), secret("password")), digest=kind == "digest", note=note)
    if kind == "apikey":
        location, key_name = field("in", "header"), field("name", "X-API-Key")
        value = f"{field('prefix')} {secret('key')}".strip()
        if location == "query":
            return _Auth([], [(key_name, secret("key"))], note=note)
        if location == "cookie":
            return _Auth([("Cookie", f"{key_name}={secret('key')}")], [], note=note)
        return _Auth([(key_name, value)], [], note=note)
    token = "{{access_token}}" if style == "variable" else "${ACCESS_TOKEN}"
    return _Auth([("Authorization", f"Bearer {token}")], [],
                 note=f"{note}: fetch a token first (tui-api sends with it) and put it in ACCESS_TOKEN")


class _Resolver:
    """Resolves non-secret `{{variables}}` when a lookup is given; credential values become references."""

    def __init__(self, variables: Lookup | None, style: AuthStyle) -> None:
        self.variables = variables
        self.style = style

    def url_text(self, value: str) -> str:
        """`text` for a URL: a resolved `{{base_url}}` ending in '/' before a literal '/path'
        loses that '/', as prepare_request sends it (see variables.join_value)."""
        return self.text(value, url=True)

    def text(self, value: str, *, url: bool = False) -> str:
        """Resolve `{{name}}` unless the name looks like a secret (token, password, key, ...):
        those stay references, so a resolved export never carries a credential."""
        if "{{" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if looks_secret(name):
                if self.style == "variable":
                    return match.group(0)
                return "${" + env_name(name.removeprefix("$env.")) + "}"
            if self.variables is None:
                return match.group(0)
            try:
                found = _get(self.variables, name)
            except Exception:
                found = None
            if found is None:
                return match.group(0)
            return join_value(match, found) if url else found

        return VARIABLE.sub(replace, value)

    def secret_header(self, name: str, value: str) -> str:
        """Keep `{{var}}` references (or turn them into env refs); never a literal credential."""
        if "{{" in value:
            if self.style == "variable":
                return value
            return VARIABLE.sub(lambda m: "${" + env_name(m.group(1).removeprefix("$env.")) + "}", value)
        scheme, _, rest = value.partition(" ")
        placeholder = _reference(re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"), self.style)
        if name.lower() in ("authorization", "proxy-authorization") and rest and scheme.isalpha():
            return f"{scheme} {placeholder}"
        return placeholder

    def headers(self, request: Request, auth: _Auth | None) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for name, value in request.headers:
            if not name.strip():
                continue
            if is_sensitive_header(name):
                out.append((name, self.secret_header(name, value)))
            else:
                out.append((self.text(name), self.text(value)))
        if auth is not None:
            present = {k.lower() for k, _ in out}
            out.extend((k, v) for k, v in auth.headers if k.lower() not in present)
        return out

    def url(self, request: Request, auth: _Auth | None) -> str:
        url = self.url_text(request.url.strip())
        pairs = [(self.text(k), self.secret_header(k, v) if k.lower() in SENSITIVE_QUERY else self.text(v))
                 for k, v in request.query]
        if auth is not None:
            pairs += auth.params
        if not pairs:
            return url
        return url + ("&" if "?" in url else "?") + encode_query(pairs)


# --- cURL ----------------------------------------------------------------------------------------
def shell_quote(value: str) -> str:
    """POSIX shell quoting: bare when safe, else single quotes ('\\'' for a quote inside)."""
    if value and _SAFE_SHELL.match(value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def _shell_arg(value: str, style: AuthStyle) -> str:
    """Single quotes, except around `${NAME}` references the shell must expand (env style)."""
    if style == "env" and "${" in value:
        escaped = re.sub(r'(["\\`])', r"\\\1", value)
        escaped = re.sub(r"\$(?!\{[A-Z0-9_]+\})", r"\\$", escaped)
        return f'"{escaped}"'
    return shell_quote(value)


def to_curl(
    request: Request,
    variables: Lookup | None = None,
    *,
    auth: Any = None,
    auth_style: AuthStyle = "variable",
    auth_note: bool = True,
    secret_values: Iterable[str] = (),
) -> str:
    """The request as a multi-line cURL command (bash). `auth` is the effective AuthProfile."""
    resolver = _Resolver(variables, auth_style)
    profile = _profile_auth(auth, auth_style)
    method = request.method.upper()
    body = request.body
    args: list[str] = []
    lines: list[str] = []
    if profile is not None and auth_note:
        lines.append(f"# {profile.note}")
    if method == "HEAD":
        args.append("-I")
    elif not (method == "GET" and body is None) and not (method == "POST" and body is not None):
        args += ["-X", method]
    first = ["curl", *args, _shell_arg(resolver.url(request, profile), auth_style)]
    options: list[list[str]] = []
    headers = resolver.headers(request, profile)
    has_type = any(k.lower() == "content-type" for k, _ in headers)
    for name, value in headers:
        options.append(["-H", _shell_arg(f"{name}: {value}" if value else f"{name};", auth_style)])
    if profile is not None and profile.basic is not None:
        user, password = profile.basic
        if profile.digest:
            options.append(["--digest"])
        options.append(["-u", _shell_arg(f"{user}:{password}", auth_style)])
    if body is not None:
        if body.kind == "json":
            if not has_type:
                options.append(["-H", shell_quote("Content-Type: application/json")])
            text = json.dumps(_resolve_json(body.value, resolver), ensure_ascii=False, separators=(",", ":"))
            options.append(["--data-raw", _shell_arg(text, auth_style)])
        elif body.kind == "form":
            for key, value in body.value:
                options.append(["--data-urlencode", _shell_arg(f"{resolver.text(key)}={resolver.text(value)}", auth_style)])
        elif body.kind == "multipart":
            for part in body.value:
                if part.file is not None:
                    spec = f"{part.name}=@{resolver.text(part.file)}" + (f";type={part.content_type}" if part.content_type else "")
                    options.append(["-F", shell_quote(spec)])
                elif part.content_type:
                    options.append(["-F", _shell_arg(f"{part.name}={resolver.text(part.value or '')};type={part.content_type}", auth_style)])
                else:
                    options.append(["--form-string", _shell_arg(f"{part.name}={resolver.text(part.value or '')}", auth_style)])
        else:
            if not has_type:
                options.append(["-H", shell_quote("Content-Type:")])  # curl would claim a form otherwise
            flag, value = ("--data-raw", resolver.text(str(body.value))) if body.kind == "text" else \
                ("--data-binary", "@" + resolver.text(str(body.value)))
            options.append([flag, _shell_arg(value, auth_style)])
    if request.options.get("follow_redirects"):
        options.append(["-L"])
    if request.options.get("verify") is False:
        options.append(["-k"])
    if isinstance(request.options.get("timeout"), (int, float)) and not isinstance(request.options.get("timeout"), bool):
        options.append(["--max-time", str(request.options["timeout"])])
    lines.append(" ".join(first) + (" \\" if options else ""))
    for index, option in enumerate(options):
        lines.append("  " + " ".join(option) + (" \\" if index < len(options) - 1 else ""))
    return mask_secrets("\n".join(lines) + "\n", secret_values)


def _resolve_json(value: Any, resolver: _Resolver) -> Any:
    if isinstance(value, str):
        return resolver.text(value)
    if isinstance(value, list):
        return [_resolve_json(item, resolver) for item in value]
    if isinstance(value, dict):
        return {resolver.text(str(k)): _resolve_json(v, resolver) for k, v in value.items()}
    return value


# --- httpx ---------------------------------------------------------------------------------------
def _py(value: str) -> str:
    """A Python expression for a string: env references become os.environ lookups."""
    pieces = re.split(r"(\$\{[A-Z0-9_]+\})", value)
    if len(pieces) == 1:
        return repr(value)
    parts: list[str] = []
    for piece in pieces:
        if piece.startswith("${") and piece.endswith("}"):
            parts.append(f"{{os.environ[{piece[2:-1]!r}]}}")
        elif piece:
            parts.append(piece.replace("{", "{{").replace("}", "}}").replace("\\", "\\\\").replace('"', '\\"')
                         .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return 'f"' + "".join(parts) + '"'


def _py_value(value: Any, depth: int = 0) -> str:
    """A JSON value as a Python literal (strings through `_py`, so env references work), one
    item per line when it does not fit on one."""
    if isinstance(value, str):
        return _py(value)
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, dict):
        items = [f"{_py(str(k))}: {_py_value(v, depth + 1)}" for k, v in value.items()]
        open_, close = "{", "}"
    else:
        items = [_py_value(v, depth + 1) for v in value]
        open_, close = "[", "]"
    flat = open_ + ", ".join(items) + close
    if len(flat) <= 72 and "\n" not in flat:
        return flat
    pad = "    " * (depth + 1)
    return open_ + "\n" + "".join(f"{pad}{item},\n" for item in items) + "    " * depth + close


def _py_pairs(pairs: list[tuple[str, str]]) -> str:
    names = [k.lower() for k, _ in pairs]
    if len(set(names)) == len(names):
        inner = ", ".join(f"{_py(k)}: {_py(v)}" for k, v in pairs)
        return "{" + inner + "}"
    return "[" + ", ".join(f"({_py(k)}, {_py(v)})" for k, v in pairs) + "]"


def to_httpx(
    request: Request,
    variables: Lookup | None = None,
    *,
    auth: Any = None,
    auth_style: AuthStyle = "env",
    secret_values: Iterable[str] = (),
) -> str:
    """The request as a runnable Python script using httpx. Secrets come from os.environ."""
    resolver = _Resolver(variables, auth_style)
    profile = _profile_auth(auth, auth_style)
    url = resolver.url_text(request.url.strip())
    params = [(resolver.text(k), resolver.text(v)) for k, v in request.query] + (profile.params if profile else [])
    headers = resolver.headers(request, profile)
    args = [repr(request.method.upper()), _py(url)]
    if params:
        args.append(f"params={_py_pairs(params)}")
    if headers:
        args.append(f"headers={_py_pairs(headers)}")
    if profile is not None and profile.basic is not None:
        user, password = profile.basic
        pair = f"({_py(user)}, {_py(password)})"
        args.append(f"auth=httpx.DigestAuth(*{pair})" if profile.digest else f"auth={pair}")
    body = request.body
    opened: list[str] = []
    if body is not None:
        if body.kind == "json":
            args.append("json=" + _py_value(_resolve_json(body.value, resolver)))
        elif body.kind == "form":
            args.append(f"data={_py_pairs([(resolver.text(k), resolver.text(v)) for k, v in body.value])}")
        elif body.kind == "multipart":
            fields = [(p.name, resolver.text(p.value or "")) for p in body.value if p.file is None]
            files = []
            for part in body.value:
                if part.file is not None:
                    path = resolver.text(part.file)
                    file_name = path.replace("\\", "/").rsplit("/", 1)[-1]
                    ctype = f", {part.content_type!r}" if part.content_type else ""
                    files.append(f"({part.name!r}, ({file_name!r}, open({path!r}, 'rb'){ctype}))")
            if fields:
                args.append(f"data={_py_pairs(fields)}")
            if files:
                args.append("files=[" + ", ".join(files) + "]")
        elif body.kind == "text":
            args.append(f"content={_py(resolver.text(str(body.value)))}.encode()")
        else:
            path = resolver.text(str(body.value))
            opened.append(path)
            args.append(f"content=open({path!r}, 'rb').read()")
    if request.options.get("follow_redirects"):
        args.append("follow_redirects=True")
    if request.options.get("verify") is False:
        args.append("verify=False")
    timeout = request.options.get("timeout")
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        args.append(f"timeout={timeout!r}")
    call = ",\n".join("    " + arg.replace("\n", "\n    ") for arg in args)
    lines = []
    if profile is not None:
        lines.append(f"# {profile.note}")
    uses_env = "os.environ" in call
    lines += (["import os", ""] if uses_env else []) + ["import httpx", "", "response = httpx.request(", call + ",", ")",
                                                        "print(response.status_code, response.reason_phrase)",
                                                        "print(response.text)"]
    return mask_secrets("\n".join(lines) + "\n", secret_values)


__all__ = ["to_curl", "to_httpx", "shell_quote", "secret_env_var", "MASK"]
