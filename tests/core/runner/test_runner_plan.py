"""The plan: selection, effective auth, dependencies from variables, problems found before sending."""

from __future__ import annotations

from tui_api.core.collection.model import Body, Collection, Expect, Folder, Request
from tui_api.core.collection.variables import VariableContext
from tui_api.core.runner.plan import build_plan, variables_used


def coll(*items, auth=None, variables=None):
    return Collection(name="c", items=list(items), auth=auth, variables=variables or {"base": "http://h"})


def test_variables_used_covers_every_place():
    request = Request("r", "POST", "{{base}}/a/{{id}}", query=[("q", "{{q}}")], headers=[("X-{{h}}", "{{hv}}")],
                      body=Body("json", {"{{k}}": ["{{v}}"]}))
    assert variables_used(request) == {"base", "id", "q", "h", "hv", "k", "v"}


def test_dependencies_follow_captures():
    plan = build_plan(coll(
        Request("login", url="{{base}}/login", capture={"token": "$.t"}),
        Request("free", url="{{base}}/free"),
        Request("me", url="{{base}}/me", headers=[("Authorization", "Bearer {{token}}")]),
        Request("also free", url="{{base}}/x"),
    ), {"base": "http://h"})
    assert plan.problems == []
    deps = {p.name: p.deps for p in plan.requests}
    assert deps == {"login": (), "free": (), "me": (0,), "also free": ()}


def test_overwriting_a_capture_waits_for_its_readers():
    plan = build_plan(coll(
        Request("a", url="{{base}}/a", capture={"id": "$.id"}),
        Request("read a", url="{{base}}/x/{{id}}"),
        Request("b", url="{{base}}/b", capture={"id": "$.id"}),
        Request("read b", url="{{base}}/y/{{id}}"),
    ), {"base": "http://h"})
    deps = {p.name: p.deps for p in plan.requests}
    assert deps["b"] == (0, 1)  # after the first writer and the reader of the old value
    assert deps["read b"] == (2,)


def test_nested_variable_values_count_as_uses():
    ctx = VariableContext(collection_vars={"base": "http://h", "api": "{{base}}/v{{version}}"})
    plan = build_plan(coll(
        Request("meta", url="{{base}}/meta", capture={"version": "$.v"}),
        Request("use", url="{{api}}/things"),
    ), ctx)
    assert plan.problems == []
    assert plan.requests[1].deps == (0,)


def test_problems_are_all_listed_before_sending():
    plan = build_plan(coll(
        Request("one", url="{{base}}/{{nope}}", expect=Expect(status=[700], json={"$[?(@.x)]": 1})),
        Request("two", url="{{base}}/x", capture={"v": "$.a["}, expect=Expect(json={"$.a": {"matches": "("}})),
        Request("three", url="{{base}}/{{later}}"),
        Request("four", url="{{base}}/y", capture={"later": "$.x"}, auth="ghost"),
    ), {"base": "http://h"}, known_profiles=["real"])
    text = "\n".join(plan.problems)
    assert "{{nope}}, which is not defined" in text
    assert "700" in text
    assert "filter" in text
    assert "capture v" in text
    assert "bad regex" in text
    assert "{{later}}, captured by 'four', which does not run before it" in text
    assert "auth profile 'ghost'" in text


def test_selection_by_folder_and_request_and_effective_auth():
    collection = coll(
        Request("root", url="{{base}}/r"),
        Folder("users", [Request("list", url="{{base}}/u"),
                         Folder("admin", [Request("nuke", url="{{base}}/n", auth="none")], auth="admin")],
               auth="user"),
        Folder("orders", [Request("list", url="{{base}}/o", auth="special")]),
        auth="default",
    )
    everything = build_plan(collection, {"base": "x"})
    assert [(p.label, p.auth) for p in everything.requests] == [
        ("root", "default"), ("users/list", "user"), ("users/admin/nuke", None), ("orders/list", "special")]
    only = build_plan(collection, {"base": "x"}, folders=["admin"], names=["root"])
    assert [p.label for p in only.requests] == ["root", "users/admin/nuke"]
    path = build_plan(collection, {"base": "x"}, names=["orders/list"])
    assert [p.label for p in path.requests] == ["orders/list"]
    missing = build_plan(collection, {"base": "x"}, folders=["nope"], names=["ghost"])
    assert any("--folder nope" in p and "users" in p for p in missing.problems)
    assert any("--request ghost" in p for p in missing.problems)


def test_dynamic_and_env_variables_are_defined():
    ctx = VariableContext(collection_vars={"base": "http://h"}, os_environ={"TOKEN": "t"})
    plan = build_plan(coll(Request("r", url="{{base}}/{{$uuid}}?t={{$env.TOKEN}}")), ctx)
    assert plan.problems == []


def test_changes_to_one_resource_keep_file_order_and_unrelated_reads_overlap():
    plan = build_plan(coll(
        Request("list", "GET", "{{base}}/pets"),
        Request("create", "POST", "{{base}}/pets", capture={"id": "$.id"}),
        Request("read", "GET", "{{base}}/pets/{{id}}"),
        Request("rename", "PUT", "{{base}}/pets/{{id}}"),
        Request("delete", "DELETE", "{{base}}/pets/{{id}}"),
        Request("gone", "GET", "{{base}}/pets/{{id}}"),
        Request("health", "GET", "{{base}}/health"),
        Request("order", "POST", "{{base}}/store/order"),
        Request("list again", "GET", "{{base}}/pets?limit=5"),
    ), {"base": "http://h"})
    deps = {p.name: set(p.deps) for p in plan.requests}
    assert deps["create"] == {0}  # writes /pets after it was listed
    assert deps["read"] == {1}
    assert deps["rename"] == {1, 2}  # after the read of the old name
    assert deps["delete"] == {1, 3}
    assert deps["gone"] == {1, 4}
    assert deps["health"] == set()  # unrelated: runs alongside
    assert deps["order"] == set()
    assert deps["list again"] == {1, 4}  # sees what was created and deleted below /pets


def test_resource_keys():
    from tui_api.core.runner.resources import path_key

    assert path_key("{{base}}/pets/{{id}}?x=1#f") == "{{base}}/pets/{{id}}"
    assert path_key("HTTP://Host:80/a/b/") == "http://host:80/a/b"
    assert path_key("{{base}}") == "{{base}}"
