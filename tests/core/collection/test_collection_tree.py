"""Tree edits (what the TUI's rename / duplicate / delete / move call), and saving them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui_api.core.collection.model import Collection, Folder, Request
from tui_api.core.collection.tree import (
    duplicate_item, effective_auth, find, insert_item, item_at, move_item, remove_item, rename_item, unique_name,
)
from tui_api.core.collection.yaml_format import load_collection, save_collection
from tui_api.core.errors import CollectionError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "collections"


def sample() -> Collection:
    return Collection(auth="team", items=[
        Request(name="a", url="u"),
        Folder("f", auth="none", items=[Request(name="b", url="u"), Folder("g", items=[Request(name="c", url="u", auth="own")])]),
        Folder("h", items=[Request(name="d", url="u")]),
    ])


def names(collection: Collection) -> list[str]:
    return ["/".join(path + (request.name,)) for path, request in collection.walk()]


def test_find_and_item_at() -> None:
    collection = sample()
    assert find(collection, "c") == (1, 1, 0) and find(collection, "f/g/c") == (1, 1, 0)
    assert find(collection, "h/c") is None and find(collection, "zz") is None
    assert item_at(collection, (1, 1)).name == "g"
    with pytest.raises(CollectionError, match="is a request, not a folder"):
        item_at(collection, (0, 0))
    with pytest.raises(CollectionError, match="no item at"):
        item_at(collection, (9,))


def test_insert_rename_duplicate_remove() -> None:
    collection = sample()
    assert insert_item(collection, Request(name="a", url="u")) == (3,)
    assert names(collection)[-1] == "a (2)"
    with pytest.raises(CollectionError, match="already a request named 'a'"):
        rename_item(collection, (3,), "a")
    rename_item(collection, (3,), "e")
    assert duplicate_item(collection, (1, 0)) == (1, 1)
    assert item_at(collection, (1, 1)).name == "b (copy)"
    item_at(collection, (1, 1)).url = "changed"
    assert item_at(collection, (1, 0)).url == "u"  # a real copy
    assert remove_item(collection, (1, 1)).name == "b (copy)"
    assert unique_name(["x", "x (2)"], "x") == "x (3)"


def test_move_between_folders() -> None:
    collection = sample()
    assert move_item(collection, (0,), (2,)) == (1, 1)  # 'h' shifted up after 'a' left
    assert names(collection) == ["f/b", "f/g/c", "h/d", "h/a"]
    assert move_item(collection, (1, 1), ()) == (2,)
    assert names(collection)[-1] == "a"
    with pytest.raises(CollectionError, match="into itself"):
        move_item(collection, (0,), (0, 1))


def test_effective_auth() -> None:
    collection = sample()
    assert effective_auth(collection, (0,)) == "team"
    assert effective_auth(collection, (1, 0)) is None  # folder says none
    assert effective_auth(collection, (1, 1, 0)) == "own"
    assert effective_auth(collection, (2, 0)) == "team"


def test_saving_tree_edits_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "styles.yaml"
    shutil.copyfile(FIXTURES / "styles.yaml", path)
    collection = load_collection(path)
    move_item(collection, find(collection, "upload"), (find(collection, "admin/delete pet")[0],))
    duplicate_item(collection, find(collection, "list pets"))
    save_collection(collection)
    text = path.read_text()
    assert "# end of file comment" in text and "tag: [dog, cat]      # repeated parameter" in text
    assert load_collection(path) == collection


def test_save_refuses_a_file_that_would_not_load(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copyfile(FIXTURES / "petstore.yaml", path)
    before = path.read_bytes()
    collection = load_collection(path)
    remove_item(collection, (1, 0))  # the folder 'reads' is now empty
    with pytest.raises(CollectionError, match="folder 'reads' has no requests"):
        save_collection(collection)
    assert path.read_bytes() == before
    remove_item(collection, (1,))
    save_collection(collection)
    assert [r.name for r in load_collection(path).requests()] == ["create pet"]
