"""A spec as a collection: one request per operation, none lost.

A popular terminal client imports 2 of the 4 operations of the official petstore-expanded example,
because two operations end up with the same name and one overwrites the other. Here every
operation becomes a request, and names are made unique deterministically: a name that several
operations share gets "(METHOD /path)" added to each, and "#2", "#3" if even that repeats.

Folders are the operations' first tags (or, in a spec with no tags at all, the first resource
segment of the path). Requests use `{{base_url}}` and `{{param}}` for path parameters; the collection's `variables` hold
the first server's URL and each path parameter's example, and `environments` one entry per
server when the spec lists several. Security schemes that tui-api can apply become auth profiles
(names only, never secrets), preselected per operation from its effective `security`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.core.spec.document import SpecDocument
from tui_api.core.spec.model import Operation

SECTION_FOLDERS = {"webhooks": "Webhooks", "callbacks": "Callbacks"}


@dataclass
class ImportResult:
    collection: Collection
    count: int  # requests written (== len(doc.operations))
    warnings: list[str] = field(default_factory=list)


def spec_to_collection(doc: SpecDocument, *, name: str | None = None, spec_ref: str | None = None,
                       folders: bool = True) -> ImportResult:
    """Build (do not save) a collection from an opened spec."""
    warnings: list[str] = []
    collection = Collection(name=name or doc.title or "imported", spec=spec_ref)
    names = unique_names(doc.operations)
    variables: dict[str, str] = {}
    if doc.servers:
        variables["base_url"] = base_url(doc.servers[0].resolved())
    else:
        variables["base_url"] = ""
        warnings.append("the spec names no server: set base_url in the collection's variables")
    if len(doc.servers) > 1:
        collection.environments = _server_environments(doc)
    profiles, global_auth = _auth_profiles(doc, warnings)
    collection.auth_profiles = profiles
    collection.auth = global_auth
    by_folder: dict[str, Folder] = {}
    top: list[Request | Folder] = []
    untagged_spec = not any(op.tags for op in doc.operations)
    for op in doc.operations:
        detail = doc.request_detail(op)
        for problem in detail.problems:
            warnings.append(f"{op.key}: {problem}")
        request = doc.build_request(op, as_variables=True, server_url=_own_server(detail, doc))
        request.name = names[op.key]
        for param in detail.parameters:
            if param.location == "path" and param.name not in variables:
                variables[param.name] = _text(param.example)
        if op.section != "paths":
            variables.setdefault("webhook_url", "")
        if profiles:
            request.auth = _request_auth(detail.security, profiles, global_auth)
        folder_name = SECTION_FOLDERS.get(op.section) or (op.tags[0] if op.tags else None)
        if folder_name is None and untagged_spec:
            folder_name = resource_folder(op.path)  # no tags anywhere (Stripe): group by resource
        if not folders or folder_name is None:
            top.append(request)
            continue
        folder = by_folder.get(folder_name)
        if folder is None:
            folder = by_folder[folder_name] = Folder(folder_name)
            top.append(folder)
        folder.items.append(request)
    collection.items = top
    collection.variables = variables
    count = len(collection.requests())
    assert count == len(doc.operations), "every operation becomes exactly one request"
    return ImportResult(collection=collection, count=count, warnings=warnings)


_VERSION = re.compile(r"^(v\d+(\.\d+)*|api|rest|\d+(\.\d+)*)$", re.IGNORECASE)


def resource_folder(path: str) -> str | None:
    """The first path segment that names a resource: /v1/customers/{id} -> "customers"."""
    for segment in path.split("#", 1)[0].split("?", 1)[0].split("/"):
        if segment and not segment.startswith("{") and not _VERSION.match(segment):
            return segment
    return None


def unique_names(operations: list[Operation]) -> dict[str, str]:
    """operation key -> a readable name no other operation has."""
    base = {op.key: _base_name(op) for op in operations}
    seen: dict[str, int] = {}
    for value in base.values():
        seen[value.lower()] = seen.get(value.lower(), 0) + 1
    names: dict[str, str] = {}
    taken: set[str] = set()
    for op in operations:
        name = base[op.key]
        if seen[name.lower()] > 1:
            name = f"{name} (callback of {op.parent})" if op.section == "callbacks" and op.parent \
                else f"{name} ({op.method} {op.path})"
        candidate, number = name, 2
        while candidate.lower() in taken:
            candidate, number = f"{name} #{number}", number + 1
        taken.add(candidate.lower())
        names[op.key] = candidate
    return names


def _base_name(op: Operation) -> str:
    name = op.summary or op.operation_id or f"{op.method} {op.path}"
    name = " ".join(name.split())
    if len(name) > 80:
        name = name[:79].rstrip() + "…"
    if op.section == "webhooks" and not (op.summary or op.operation_id):
        name = f"{op.method} {op.path}"
    return name


def base_url(url: str) -> str:
    """A server URL as the `base_url` variable: without a trailing '/', since requests are
    `{{base_url}}/path` (Stripe's 'https://api.stripe.com/' made 'https://api.stripe.com//v1/...')."""
    return url.rstrip("/") or url


def _own_server(detail: Any, doc: SpecDocument) -> str | None:
    """An operation (or path) with servers of its own keeps that URL: Stripe's POST /v1/files goes
    to files.stripe.com, and {{base_url}} (api.stripe.com) would send the upload to the wrong host."""
    if detail.operation.section != "paths" or not detail.servers:
        return None
    if [s.url for s in detail.servers] == [s.url for s in doc.servers]:
        return None
    url = detail.servers[0].resolved()
    return url if "://" in url else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _server_environments(doc: SpecDocument) -> dict[str, dict[str, str]]:
    environments: dict[str, dict[str, str]] = {}
    for index, server in enumerate(doc.servers, start=1):
        url = server.resolved()
        label = server.description or re.sub(r"^[a-z]+://", "", url) or f"server {index}"
        label = re.sub(r"[^A-Za-z0-9._-]+", "-", label.strip()).strip("-").lower()[:40] or f"server-{index}"
        if label in environments:
            label = f"{label}-{index}"
        environments[label] = {"base_url": base_url(url)}
    return environments


def _auth_profiles(doc: SpecDocument, warnings: list[str]) -> tuple[dict[str, dict[str, Any]], str | None]:
    if not doc.security_schemes:
        return {}, None
    from tui_api.core.auth.spec import preselected_profile, profiles_from_security_schemes

    found = profiles_from_security_schemes(doc.security_schemes)
    for scheme_name in doc.security_schemes:
        if scheme_name not in found:
            warnings.append(f"security scheme '{scheme_name}' has no matching auth kind in tui-api; not imported")
    profiles = {name: profile.to_mapping() for name, profile in found.items()}
    return profiles, preselected_profile(doc.security, profiles)


def _request_auth(security: list[dict[str, list[str]]], profiles: dict[str, Any], global_auth: str | None) -> str | None:
    """None = inherit the collection's; "none" = this operation needs no auth."""
    from tui_api.core.auth.spec import preselected_profile

    needed = [requirement for requirement in security if requirement]
    if not needed:  # `security: []` or only `{}`: no auth
        return "none" if global_auth else None
    # `[{oauth: [...]}, {}]` is "auth optional": use the auth when a profile matches, as the
    # author listed it first (an anonymous call is often rate-limited or sees less)
    chosen = preselected_profile(needed, profiles)
    if chosen is None and len(needed) < len(security):
        return "none" if global_auth else None
    return None if chosen == global_auth else chosen
