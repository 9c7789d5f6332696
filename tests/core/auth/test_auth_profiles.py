"""Profiles from a collection and the personal file; JWT decoding; spec security schemes."""

from __future__ import annotations

import time

import pytest

from tui_api.core.auth.jwt import decode_jwt, make_unsigned_jwt
from tui_api.core.auth.profiles import AuthProfile, ProfileStore, load_personal, personal_path
from tui_api.core.auth.spec import preselected_profile, profile_from_security_scheme, profiles_from_security_schemes
from tui_api.core.collection.model import Collection
from tui_api.core.errors import AuthError


def test_personal_profiles_round_trip_through_the_config_dir(isolated_home):
    store = ProfileStore()
    store.save(AuthProfile("svc", "oauth2_client_credentials",
                           {"token_url": "http://x/token", "client_id": "id", "scopes": "a b"}))
    store.save(AuthProfile("key", "apikey", {"in": "query", "name": "k"}))
    assert personal_path() == isolated_home / "config" / "auth_profiles.yaml"
    text = personal_path().read_text()
    assert "version: 1" in text and "client_secret" not in text
    loaded = load_personal()
    assert loaded["svc"].fields == {"token_url": "http://x/token", "client_id": "id", "scopes": "a b"}
    assert loaded["key"].get("in") == "query"
    assert store.remove("key") == "personal"
    assert list(load_personal()) == ["svc"]
    assert not list(personal_path().parent.glob(".*.tmp"))  # atomic writes leave no temp files


def test_collection_profile_wins_over_personal_of_the_same_name():
    ProfileStore().save(AuthProfile("api", "bearer", {}))
    ProfileStore().save(AuthProfile("mine", "basic", {"username": "me"}))
    collection = Collection(auth_profiles={"api": {"kind": "apikey", "name": "X-Team"}})
    store = ProfileStore(collection)
    assert store.get("api").kind == "apikey" and store.get("api").origin == "collection"
    assert store.get("mine").origin == "personal"
    assert store.shadowed() == {"api"}
    assert sorted(store.all()) == ["api", "mine"]


def test_defaults_and_problems():
    profile = AuthProfile("k", "apikey", {})
    assert profile.get("in") == "header" and profile.get("name") == "X-API-Key"
    assert profile.problems() == []
    assert AuthProfile("o", "oauth2_client_credentials", {}).problems() == ["'token_url' is required", "'client_id' is required"]
    assert AuthProfile("k", "apikey", {"in": "body"}).problems() == ["'in' must be one of header, query, cookie, not 'body'"]


def test_secret_in_a_collection_is_refused_with_a_fix():
    store = ProfileStore(Collection(auth_profiles={"b": {"kind": "basic", "username": "u", "password": "oops"}}))
    with pytest.raises(AuthError, match=r"contains the secret 'password'.*tui-api auth set b"):
        store.get("b")


def test_broken_personal_file_names_file_and_line():
    path = personal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("profiles:\n  a: [unclosed\n")
    with pytest.raises(AuthError, match=r"auth_profiles.yaml:\d+: not valid YAML"):
        ProfileStore().all()


@pytest.mark.parametrize("bad", ["", "none", "a b", "a:b"])
def test_bad_profile_names(bad):
    with pytest.raises(AuthError):
        ProfileStore().save(AuthProfile(bad, "bearer", {}))


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(AuthError, match="apikey, basic, bearer, digest, oauth2_client_credentials"):
        ProfileStore(Collection(auth_profiles={"x": {"kind": "ntlm"}})).get("x")


def test_jwt_claims_and_expiry():
    now = float(int(time.time()))
    token = make_unsigned_jwt({"sub": "svc", "exp": int(now) + 7200})
    info = decode_jwt(token)
    assert info is not None and info.claims["sub"] == "svc" and info.header["alg"] == "none"
    assert not info.expired(now)
    assert info.describe_expiry(now).startswith("expires at ") and "(in 2 h)" in info.describe_expiry(now)
    old = decode_jwt(make_unsigned_jwt({"exp": int(now) - 90}))
    assert old is not None and old.expired(now) and old.describe_expiry(now).startswith("EXPIRED at ")
    assert decode_jwt("opaque-token") is None
    assert decode_jwt("a.b.c") is None
    assert decode_jwt(make_unsigned_jwt({"sub": "x"})).expires_at is None


@pytest.mark.parametrize(
    ("scheme", "kind", "fields"),
    [
        ({"type": "apiKey", "in": "header", "name": "X-Pet-Key"}, "apikey", {"in": "header", "name": "X-Pet-Key"}),
        ({"type": "apiKey", "in": "query", "name": "api_key"}, "apikey", {"in": "query", "name": "api_key"}),
        ({"type": "http", "scheme": "basic"}, "basic", {}),
        ({"type": "http", "scheme": "Bearer", "bearerFormat": "JWT"}, "bearer", {}),
        ({"type": "http", "scheme": "digest"}, "digest", {}),
        ({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {"r": "", "w": ""}}}},
         "oauth2_client_credentials", {"token_url": "https://a/token", "scopes": "r w"}),
        ({"type": "oauth2", "flow": "application", "tokenUrl": "https://a/t", "scopes": {}},
         "oauth2_client_credentials", {"token_url": "https://a/t"}),
        ({"type": "basic"}, "basic", {}),
    ],
)
def test_profile_from_security_scheme(scheme, kind, fields):
    profile = profile_from_security_scheme("s", scheme)
    assert profile is not None and (profile.kind, profile.fields) == (kind, fields)


@pytest.mark.parametrize(
    "scheme",
    [
        {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "x", "tokenUrl": "y", "scopes": {}}}},
        {"type": "openIdConnect", "openIdConnectUrl": "x"},
        {"type": "http", "scheme": "hoba"},
        {"type": "mutualTLS"},
        "not a mapping",
    ],
)
def test_unsupported_schemes_give_none(scheme):
    assert profile_from_security_scheme("s", scheme) is None


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("asana-oas.yaml", {"personalAccessToken": "bearer"}),  # its oauth2 is authorizationCode only
        ("twilio-messaging-v1.yaml", {"accountSid_authToken": "basic"}),
        ("kubernetes-swagger2.json", {"BearerToken": "apikey"}),
        ("oai-v3.1-non-oauth-scopes.yaml", {"bearerAuth": "bearer"}),
    ],
)
def test_real_spec_security_schemes(specs_dir, file, expected):
    import json

    import yaml

    text = (specs_dir / file).read_text()
    doc = json.loads(text) if file.endswith(".json") else yaml.load(text, Loader=yaml.CSafeLoader)
    schemes = (doc.get("components") or {}).get("securitySchemes") or doc.get("securityDefinitions") or {}
    profiles = profiles_from_security_schemes(schemes)
    assert {name: p.kind for name, p in profiles.items()} == expected
    if file.startswith("kubernetes"):
        assert profiles["BearerToken"].fields == {"in": "header", "name": "authorization"}


def test_operation_security_preselects_a_profile():
    schemes = {"petKey": {"type": "apiKey", "in": "header", "name": "api_key"},
               "oidc": {"type": "openIdConnect", "openIdConnectUrl": "x"}}
    profiles = profiles_from_security_schemes(schemes)
    assert list(profiles) == ["petKey"]
    assert preselected_profile([{"oidc": []}, {"petKey": []}], profiles) == "petKey"
    assert preselected_profile([{}], profiles) is None
    assert preselected_profile(None, profiles) is None


def test_saving_a_collection_profile_writes_only_that_profile(tmp_path):
    from tui_api.core.collection.yaml_format import load_collection

    file = tmp_path / "team.yaml"
    file.write_text("# keep me\nversion: 1\nname: team\nrequests:\n  - name: one\n    url: http://a/one\n")
    collection = load_collection(file)
    collection.requests()[0].url = "http://a/unsaved-edit"  # the user's unsaved edit in the TUI
    store = ProfileStore(collection)
    store.save(AuthProfile("api", "apikey", {"name": "X-K"}), "collection")
    text = file.read_text()
    assert text.startswith("# keep me") and "unsaved-edit" not in text and "X-K" in text
    assert collection.auth_profiles["api"] == {"kind": "apikey", "name": "X-K"}
    assert load_collection(file).auth_profiles == {"api": {"kind": "apikey", "name": "X-K"}}
    assert store.remove("api") == "collection"
    assert load_collection(file).auth_profiles == {} and collection.auth_profiles == {}
    assert "unsaved-edit" not in file.read_text()
