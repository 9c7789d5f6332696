"""Editing a collection's tree: what the TUI's save / rename / duplicate / delete / move do.

Items are addressed by their index path from the top (`(1, 0)` is the first item of the second
top-level entry, which must be a folder), which is what a tree widget knows about a node. Each
operation changes the model only; `save_collection` writes it (and keeps the user's formatting,
because requests are matched by name and kind, not position).
"""

from __future__ import annotations

import copy

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.core.errors import CollectionError

Item = Request | Folder
ItemPath = tuple[int, ...]


def _items(collection: Collection, folder_path: ItemPath) -> list[Item]:
    items = collection.items
    for depth, index in enumerate(folder_path):
        try:
            folder = items[index]
        except IndexError:
            raise CollectionError(f"no item at {folder_path[:depth + 1]}") from None
        if not isinstance(folder, Folder):
            raise CollectionError(f"'{folder.name}' is a request, not a folder")
        items = folder.items
    return items


def item_at(collection: Collection, path: ItemPath) -> Item:
    if not path:
        raise CollectionError("an empty path names no item")
    items = _items(collection, path[:-1])
    try:
        return items[path[-1]]
    except IndexError:
        raise CollectionError(f"no item at {path}") from None


def siblings(collection: Collection, path: ItemPath) -> list[Item]:
    """The list that holds the item at `path` (the collection's or a folder's)."""
    return _items(collection, path[:-1])


def unique_name(names: list[str], wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)` ... so requests stay addressable by name."""
    name, number = wanted, 2
    while name in names:
        name, number = f"{wanted} ({number})", number + 1
    return name


def _names(items: list[Item], kind: type) -> list[str]:
    return [item.name for item in items if isinstance(item, kind)]


def insert_item(collection: Collection, item: Item, folder_path: ItemPath = (), index: int | None = None) -> ItemPath:
    """Add a request or folder (renamed if its name is taken there). Returns its path."""
    items = _items(collection, folder_path)
    item.name = unique_name(_names(items, type(item)), item.name)
    position = len(items) if index is None else max(0, min(index, len(items)))
    items.insert(position, item)
    return folder_path + (position,)


def remove_item(collection: Collection, path: ItemPath) -> Item:
    """Delete and return the item. A folder left empty stays (the caller decides; saving refuses
    an empty folder, because the file format does)."""
    items = siblings(collection, path)
    item = item_at(collection, path)
    del items[path[-1]]
    return item


def rename_item(collection: Collection, path: ItemPath, new_name: str) -> None:
    new_name = new_name.strip()
    if not new_name:
        raise CollectionError("a name cannot be empty", hint="type a name")
    item = item_at(collection, path)
    others = [n.name for i, n in enumerate(siblings(collection, path)) if i != path[-1] and isinstance(n, type(item))]
    if new_name in others:
        kind = "folder" if isinstance(item, Folder) else "request"
        raise CollectionError(f"there is already a {kind} named '{new_name}' here", hint="choose another name")
    item.name = new_name


def duplicate_item(collection: Collection, path: ItemPath) -> ItemPath:
    """A deep copy right after the original, named `NAME (copy)`."""
    item = item_at(collection, path)
    twin = copy.deepcopy(item)
    twin.name = f"{item.name} (copy)"
    return insert_item(collection, twin, path[:-1], path[-1] + 1)


def move_item(collection: Collection, path: ItemPath, folder_path: ItemPath, index: int | None = None) -> ItemPath:
    """Move an item into another folder (`()` = top level). Returns its new path."""
    item = item_at(collection, path)
    if isinstance(item, Folder) and folder_path[: len(path)] == path:
        raise CollectionError(f"cannot move folder '{item.name}' into itself")
    target = _items(collection, folder_path)  # validate before changing anything
    source = siblings(collection, path)
    del source[path[-1]]
    if source is target and index is not None and index > path[-1]:
        index -= 1
    # the folder path may shift when the moved item sat before it in the same list
    if len(folder_path) >= len(path) and folder_path[: len(path) - 1] == path[:-1] and folder_path[len(path) - 1] > path[-1]:
        folder_path = folder_path[: len(path) - 1] + (folder_path[len(path) - 1] - 1,) + folder_path[len(path):]
    return insert_item(collection, item, folder_path, index)


def find(collection: Collection, name: str) -> ItemPath | None:
    """The path of a request by name, or by `folder/sub/name`."""
    wanted = tuple(part for part in name.split("/"))

    def search(items: list[Item], prefix: ItemPath, folders: tuple[str, ...]) -> ItemPath | None:
        for index, item in enumerate(items):
            here = prefix + (index,)
            if isinstance(item, Folder):
                found = search(item.items, here, folders + (item.name,))
                if found is not None:
                    return found
            elif folders + (item.name,) == wanted or (len(wanted) == 1 and item.name == name):
                return here
        return None

    return search(collection.items, (), ())


def effective_auth(collection: Collection, path: ItemPath) -> str | None:
    """The auth profile a request sends with: its own, else the nearest folder's, else the
    collection's. "none" anywhere on the way means no auth (None)."""
    chain: list[str | None] = [collection.auth]
    items = collection.items
    for index in path:
        item = items[index]
        chain.append(item.auth)
        if isinstance(item, Folder):
            items = item.items
    for auth in reversed(chain):
        if auth is not None:
            return None if auth == "none" else auth
    return None
