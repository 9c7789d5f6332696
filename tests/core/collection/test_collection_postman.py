"""Postman v2.1 import on a collection written by hand in Postman's format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_api.cli.main import main
from tui_api.core.collection.model import Body, Folder, MultipartPart
from tui_api.core.collection.postman import convert_postman, load_postman, load_postman_environment
from tui_api.core.collection.yaml_format import load_collection
from tui_api.core.errors import CollectionError
from tui_api.core.export import secret_env_var

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "postman"
PETSTORE = FIXTURES / "petstore.postman_collection.json"
SECRETS = ["collection-level-secret-token", "demo-key", "hunter2-postman", "var-secret-value"]


def test_structure_requests_and_bodies() -> None:
    result = load_postman(PETSTORE)
    collection = result.collection
    assert collection.name == "Pet Store (Postman)"
    assert (result.requests, result.folders) == (9, 2)
    pets, store, login, hawk = collection.items
    assert isinstance(pets, Folder) and pets.description == "Everything about pets"
    listing, create, get, rename = pets.items  # the empty folder is skipped
    assert listing.url == "{{baseUrl}}/pets" and listing.query == [("limit", "{{limit}}"), ("tag", "dog")]
    assert listing.headers == [("Accept", "application/json")]  # disabled header skipped
    assert create.body == Body("json", {"name": "{{petName}}", "tag": "dog"})
    assert create.header("Content-Type") is None
    assert get.url == "{{baseUrl}}/pets/{{petId}}" and collection.variables["petId"] == "1"
    assert rename.body == Body("text", '{"name": {{newName}}}') and rename.header("Content-Type") == "application/json"
    order, upload, graphql = store.items
    assert order.body == Body("form", [("petId", "1"), ("quantity", "2")])
    assert upload.body == Body("multipart", [MultipartPart("title", value="Rex at the beach"),
                                             MultipartPart("photo", file="/home/me/photos/rex.png", content_type="image/png")])
    assert upload.auth == "none"
    assert graphql.body == Body("json", {"query": "query { pets { id } }", "variables": {"first": 2}})
    assert login.body == Body("text", "<login/>") and login.header("Content-Type") == "application/xml"


def test_auth_becomes_profiles_without_secrets() -> None:
    result = load_postman(PETSTORE)
    collection = result.collection
    assert collection.auth_profiles == {
        "pet-store-postman-bearer": {"kind": "bearer"},
        "store-bearer": {"kind": "bearer"},
        "rename-pet-apikey": {"kind": "apikey", "in": "header", "name": "X-API-Key"},
        "admin-login-basic": {"kind": "basic", "username": "admin"},
    }
    assert collection.auth == "pet-store-postman-bearer"
    assert collection.items[1].auth == "store-bearer"
    assert collection.items[0].items[3].auth == "rename-pet-apikey"
    assert [(s.profile, s.field) for s in result.secrets] == [
        (None, "apiSecretThing"), ("pet-store-postman-bearer", "token"), ("rename-pet-apikey", "key"),
        ("store-bearer", "token"), ("admin-login-basic", "password"),
    ]
    assert "apiSecretThing" not in collection.variables and "unused" not in collection.variables


def test_what_cannot_be_converted_is_listed() -> None:
    warnings = load_postman(PETSTORE).warnings
    expected = [
        "the collection: test script (1 lines) not converted (use expect: and capture: instead)",
        "request 'Pets/List pets': test script (3 lines) not converted (use expect: and capture: instead)",
        "request 'Pets/List pets': 1 saved example response(s) not converted",
        "request 'Pets/Rename pet': the JSON body is not valid JSON (variables outside quotes?); kept as text",
        "folder 'Pets/Empty folder' is empty: skipped (a folder needs requests)",
        "folder 'Store': pre-request script (1 lines) not converted",
        "request 'Hawk thing': auth type 'hawk' not converted",
        "request 'Store/GraphQL search': request settings (disableBodyPruning) not converted",
        "folder 'Store': Postman took the token from {{storeToken}}",
    ]
    for line in expected:
        assert any(w.startswith(line) for w in warnings), line


def test_cli_writes_a_valid_collection_without_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "collections" / "pets.yaml"
    assert main(["import", "postman", str(PETSTORE), "-o", str(target)]) == 0
    err = capsys.readouterr().err
    text = target.read_text()
    for secret in SECRETS:
        assert secret not in text and secret not in err
    assert f"tui-api auth set admin-login-basic --collection {target}" in err
    assert "apiSecretThing=...  in .env" in err
    assert "pre-request script (1 lines) not converted" in err
    collection = load_collection(target)
    assert len(collection.requests()) == 9
    # never overwrite without --force
    assert main(["import", "postman", str(PETSTORE), "-o", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["import", "postman", str(PETSTORE), "-o", str(target), "--force"]) == 0


def test_converted_requests_run_against_the_demo_server(tmp_path: Path, demo_server, capsys,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pets.yaml"
    assert main(["import", "postman", str(PETSTORE), "-o", str(target)]) == 0
    # the collection-level bearer profile needs its token (the demo ignores it for these routes)
    monkeypatch.setenv(secret_env_var("pet-store-postman-bearer", "token"), "any-token")
    code = main(["run", str(target), "--var", f"baseUrl={demo_server.base_url}",
                 "--request", "List pets", "--request", "Create pet", "--request", "Get pet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert sorted(pet["name"] for pet in demo_server.store.pets.values()) == ["Nemo", "Rex", "Rex", "Tom"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("v1.postman_collection.json", "this is a Postman collection in format v1; tui-api reads v2.1"),
        ("future.postman_collection.json", "format v3.0.0; tui-api reads v2.1"),
        ("environment.postman_environment.json", "a Postman environment"),
    ],
)
def test_other_versions_and_files_are_refused(name: str, message: str) -> None:
    with pytest.raises(CollectionError) as info:
        load_postman(FIXTURES / name)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_v20_auth_objects() -> None:
    result = load_postman(FIXTURES / "v2.postman_collection.json")
    request = result.collection.items[0]
    assert request.auth == "r-bearer" and result.collection.auth_profiles["r-bearer"] == {"kind": "bearer"}


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{\n  nope\n}")
    with pytest.raises(CollectionError, match=r"x.json:2: not JSON"):
        load_postman(path)
    with pytest.raises(CollectionError, match="not a Postman collection"):
        convert_postman(json.loads("[1, 2]"))


def test_environment_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pets.yaml"
    env = FIXTURES / "local.postman_environment.json"
    assert main(["import", "postman", str(PETSTORE), "-e", str(env), "-o", str(target)]) == 0
    err = capsys.readouterr().err
    collection = load_collection(target)
    assert collection.environments == {"Local": {"baseUrl": "http://127.0.0.1:8000", "limit": "3"}}
    assert "env-secret-token-777" not in target.read_text() + err
    assert "storeToken=...  in .env beside the collection" in err and "from environment 'Local'" in err
    with pytest.raises(CollectionError, match="not a Postman environment"):
        load_postman_environment(PETSTORE)
