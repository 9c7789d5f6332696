"""What one TUI session works on besides the spec: the open collection, its environment and
variables, and the auth profiles a send may use.

No Textual here: it is the glue between the screen and the core (`VariableContext`,
`make_auth_provider`), kept out of widgets so they stay free of file and auth logic. Loading and
saving files still happens in workers that call `load_collection` / `save_collection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.core.collection.variables import VariableContext


@dataclass
class Location:
    """Where the request in the editor came from in the collection (None: not from it)."""

    folders: tuple[str, ...]
    request: Request  # the object stored in the collection


class Workspace:
    def __init__(self, *, server_url: str | None = None, overrides: dict[str, str] | None = None) -> None:
        self.server_url = server_url
        self.overrides = dict(overrides or {})
        self.collection: Collection | None = None
        self.environment: str | None = None
        self.context = self._make_context()
        self._auth_provider: Any = None
        self._secret_store: Any = None

    # --- collection and variables ---------------------------------------------------------
    def set_collection(self, collection: Collection | None) -> None:
        self.collection = collection
        environments = list(collection.environments) if collection else []
        self.environment = environments[0] if environments else None
        self.context = self._make_context()
        self._auth_provider = None

    def select_environment(self, name: str | None) -> None:
        self.context.select_environment(name)
        self.environment = name

    @property
    def environments(self) -> list[str]:
        return list(self.collection.environments) if self.collection else []

    def _make_context(self) -> VariableContext:
        if self.collection is not None:
            context = VariableContext.for_collection(self.collection, self.environment, overrides=self.overrides)
        else:
            context = VariableContext(overrides=self.overrides)
        if self.server_url and "base_url" not in context.collection_vars:
            # lowest layer: the spec's (or demo's) server, so `{{base_url}}` works without a collection
            context.collection_vars = {"base_url": self.server_url, **context.collection_vars}
        return context

    def put_request(self, request: Request, location: Location | None) -> Location:
        """Store `request` in the collection: over the one it came from, or appended at the top
        level. Returns where it now is. The caller saves the file."""
        collection = self.collection
        if collection is None:
            raise ValueError("no collection is open")
        if location is not None:
            container = self._folder_items(location.folders)
            for index, item in enumerate(container):
                if item is location.request:
                    container[index] = request
                    return Location(location.folders, request)
        collection.items.append(request)
        return Location((), request)

    def _folder_items(self, folders: tuple[str, ...]) -> list[Request | Folder]:
        assert self.collection is not None
        items = self.collection.items
        for name in folders:
            for item in items:
                if isinstance(item, Folder) and item.name == name:
                    items = item.items
                    break
            else:
                return self.collection.items
        return items

    def locate(self, request: Request) -> tuple[list[Request | Folder], int, tuple[str, ...]] | None:
        """(the list holding it, its index, its folder path), found by identity."""
        if self.collection is None:
            return None

        def walk(items: list[Request | Folder], folders: tuple[str, ...]):  # noqa: ANN202
            for index, item in enumerate(items):
                if item is request:
                    return items, index, folders
                if isinstance(item, Folder):
                    found = walk(item.items, folders + (item.name,))
                    if found is not None:
                        return found
            return None

        return walk(self.collection.items, ())

    def folder_paths(self) -> list[str]:
        """Every folder as "a/b", for the move prompt."""
        found: list[str] = []

        def walk(items: list[Request | Folder], prefix: tuple[str, ...]) -> None:
            for item in items:
                if isinstance(item, Folder):
                    found.append("/".join(prefix + (item.name,)))
                    walk(item.items, prefix + (item.name,))

        if self.collection is not None:
            walk(self.collection.items, ())
        return found

    def duplicate(self, request: Request) -> Request | None:
        import copy

        where = self.locate(request)
        if where is None:
            return None
        items, index, _folders = where
        twin = copy.deepcopy(request)
        twin.name = self.unique_name(f"{request.name} copy")
        items.insert(index + 1, twin)
        return twin

    def delete(self, request: Request) -> bool:
        where = self.locate(request)
        if where is None:
            return False
        items, index, _folders = where
        del items[index]
        self.prune_empty_folders()
        return True

    def prune_empty_folders(self) -> None:
        """A folder must hold requests (the file format says so): drop the ones left empty."""

        def prune(items: list[Request | Folder]) -> None:
            for item in list(items):
                if isinstance(item, Folder):
                    prune(item.items)
                    if not item.items:
                        items.remove(item)

        if self.collection is not None:
            prune(self.collection.items)

    def move(self, request: Request, folder_path: str) -> tuple[str, ...] | None:
        """Move into the folder "a/b" (created if missing; "" is the top level). Returns its path.

        A request of the same name already there makes the moved one `name (2)`, as the core's
        `move_item` does: two of one name in one folder cannot be saved (nor loaded back)."""
        from tui_api.core.collection.tree import unique_name

        where = self.locate(request)
        if where is None or self.collection is None:
            return None
        items, index, _folders = where
        del items[index]
        target = self.collection.items
        names = tuple(part for part in folder_path.strip("/").split("/") if part.strip())
        for name in names:
            for item in target:
                if isinstance(item, Folder) and item.name == name:
                    target = item.items
                    break
            else:
                folder = Folder(name)
                target.append(folder)
                target = folder.items
        request.name = unique_name([item.name for item in target if isinstance(item, Request)], request.name)
        target.append(request)
        self.prune_empty_folders()
        return names

    def unique_name(self, name: str) -> str:
        taken = {request.name for request in self.collection.requests()} if self.collection else set()
        if name not in taken:
            return name
        number = 2
        while f"{name} ({number})" in taken:
            number += 1
        return f"{name} ({number})"

    # --- auth -----------------------------------------------------------------------------
    def secret_store(self) -> Any:
        if self._secret_store is None:
            from tui_api.core.auth.secrets import SecretStore

            self._secret_store = SecretStore()
        return self._secret_store

    def auth_provider(self) -> Any:
        if self._auth_provider is None:
            from tui_api.core.auth.provider import make_auth_provider

            self._auth_provider = make_auth_provider(self.collection, self.secret_store())
        return self._auth_provider

    def profile_store(self) -> Any:
        return self.auth_provider().profiles

    def reload_profiles(self) -> None:
        self._auth_provider = None

    def profile_names(self) -> list[str]:
        try:
            return sorted(self.profile_store().all())
        except Exception:  # noqa: BLE001 - a broken profiles file must not stop the editor
            return []

    def inherited_auth(self, folders: tuple[str, ...]) -> str | None:
        """The profile a request with `auth: None` gets from its folders or the collection."""
        if self.collection is None:
            return None
        found = self.collection.auth
        items = self.collection.items
        for name in folders:
            for item in items:
                if isinstance(item, Folder) and item.name == name:
                    if item.auth:
                        found = item.auth
                    items = item.items
                    break
        return found

    def effective_auth(self, request: Request, folders: tuple[str, ...] = ()) -> str | None:
        if request.auth:
            return request.auth
        return self.inherited_auth(folders)

    def secret_headers(self, profile: str | None) -> tuple[str, ...]:
        if not profile or profile == "none":
            return ()
        try:
            headers, _queries = self.auth_provider().sensitive_names(profile)
        except Exception:  # noqa: BLE001 - redaction falls back to the defaults in the core
            return ()
        return tuple(headers)
