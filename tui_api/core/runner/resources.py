"""Ordering by resource for `--jobs N`: captures alone do not say that `DELETE /pets/{{id}}` must
wait for `PUT /pets/{{id}}` written above it (both only read `id`). So each request also touches
resources, and the usual reader/writer rule applies to them:

- its URL path as written (`{{base_url}}/pets/{{pet_id}}`, query dropped), related to its
  ancestors and descendants (`DELETE /pets/{{id}}` changes what `GET /pets` lists);
- each captured variable it uses (the thing that capture identifies).

Safe methods (GET, HEAD, OPTIONS, TRACE) read, the others write. A request waits for the last
earlier writer of every related resource; a writer also waits for the readers since then. Reads
of unrelated resources, and requests on different paths, still overlap. Work per request is
proportional to the resources it touches, so 10,000 requests plan in milliseconds.
"""

from __future__ import annotations

import re

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SCHEME_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*")


def path_key(url: str) -> str:
    """The URL as written, without query or fragment and trailing slash: a resource name."""
    text = url.strip().split("#", 1)[0].split("?", 1)[0]
    match = _SCHEME_HOST.match(text)
    head, rest = (match.group(0), text[match.end():]) if match else ("", text)
    segments = [s for s in rest.split("/") if s]
    if not match and segments:  # "{{base_url}}/pets": the first segment names the server
        head, segments = segments[0], segments[1:]
    return "/".join([head.lower()] + segments)


def _ancestors(key: str) -> list[str]:
    parts = key.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


class ResourceOrder:
    def __init__(self) -> None:
        self._last_writer: dict[str, int] = {}
        self._readers: dict[str, set[int]] = {}
        self._below: dict[str, set[str]] = {}  # path key -> known path keys at or below it

    def _related(self, own: list[str]) -> set[str]:
        related: set[str] = set()
        for key in own:
            if key.startswith("p:"):
                path = key[2:]
                related.update("p:" + a for a in _ancestors(path))
                related.update("p:" + d for d in self._below.get(path, ()))
            else:
                related.add(key)
        return related

    def add(self, index: int, method: str, url: str, captured_vars: set[str]) -> set[int]:
        """Register request `index`; return the earlier requests it must wait for."""
        own = ["p:" + path_key(url)] + ["v:" + name for name in sorted(captured_vars)]
        writer = method.upper() not in SAFE_METHODS
        deps: set[int] = set()
        for key in self._related(own):
            if key in self._last_writer:
                deps.add(self._last_writer[key])
            if writer:
                deps.update(self._readers.get(key, ()))
        path = own[0][2:]
        for ancestor in _ancestors(path):
            self._below.setdefault(ancestor, set()).add(path)
        for key in own:
            if writer:
                self._last_writer[key] = index
                self._readers[key] = set()
            else:
                self._readers.setdefault(key, set()).add(index)
        deps.discard(index)
        return deps
