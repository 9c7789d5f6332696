"""From a spec's security schemes to auth profiles the user can create in one step.

OpenAPI 3 `components.securitySchemes` and Swagger 2 `securityDefinitions` both map here. Only the
shapes tui-api can apply become profiles (apiKey, http basic/bearer/digest, oauth2 with a
clientCredentials flow, Swagger 2's `application` flow); the others (openIdConnect, mutualTLS,
interactive OAuth flows) return None and the caller says they are not supported.
"""

from __future__ import annotations

from typing import Any

from tui_api.core.auth.profiles import AuthProfile


def profile_from_security_scheme(name: str, scheme: dict[str, Any]) -> AuthProfile | None:
    """A profile (no secrets, origin "inline" until saved) matching one security scheme."""
    if not isinstance(scheme, dict):
        return None
    kind = str(scheme.get("type", "")).strip()
    if kind == "apiKey":
        location = scheme.get("in", "header")
        if location not in ("header", "query", "cookie"):
            return None
        return AuthProfile(name, "apikey", {"in": location, "name": str(scheme.get("name") or "X-API-Key")}, "inline")
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        if http_scheme == "basic":
            return AuthProfile(name, "basic", {}, "inline")
        if http_scheme == "bearer":
            return AuthProfile(name, "bearer", {}, "inline")
        if http_scheme == "digest":
            return AuthProfile(name, "digest", {}, "inline")
        return None
    if kind == "basic":  # Swagger 2
        return AuthProfile(name, "basic", {}, "inline")
    if kind == "oauth2":
        flows = scheme.get("flows")
        if isinstance(flows, dict):
            flow = flows.get("clientCredentials")
        elif scheme.get("flow") == "application":  # Swagger 2
            flow = scheme
        else:
            flow = None
        if not isinstance(flow, dict):
            return None
        fields: dict[str, str] = {}
        if flow.get("tokenUrl"):
            fields["token_url"] = str(flow["tokenUrl"])
        scopes = flow.get("scopes")
        if isinstance(scopes, dict) and scopes:
            fields["scopes"] = " ".join(str(s) for s in scopes)
        return AuthProfile(name, "oauth2_client_credentials", fields, "inline")
    return None


def profiles_from_security_schemes(schemes: dict[str, Any]) -> dict[str, AuthProfile]:
    """Every scheme of a spec that maps to a profile, by scheme name."""
    found: dict[str, AuthProfile] = {}
    for name, scheme in (schemes or {}).items():
        profile = profile_from_security_scheme(str(name), scheme)
        if profile is not None:
            found[str(name)] = profile
    return found


def preselected_profile(security: list[dict[str, Any]] | None, available: set[str] | dict[str, Any]) -> str | None:
    """The profile an operation's security requirement points to: the first requirement whose
    schemes all exist as profiles (a requirement with several schemes needs them all; tui-api
    applies one profile, so it picks the first scheme of that requirement). `[]` or `[{}]` means
    no auth needed: None."""
    for requirement in security or []:
        if not isinstance(requirement, dict) or not requirement:
            continue
        names = list(requirement)
        if all(n in available for n in names):
            return names[0]
    return None
