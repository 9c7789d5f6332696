"""For each auth kind, what reaches a real local server through the shared send pipeline."""

from __future__ import annotations

import base64
import json
import time

import pytest

from tui_api.core.auth.jwt import make_unsigned_jwt
from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.collection.model import Collection, Request
from tui_api.core.errors import AuthError
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client


async def send(provider, profile: str, url: str):
    async with make_client(resilience=None) as client:
        return await execute(Request(name="t", url=url), client=client, variables={},
                             auth_profile=profile, auth_provider=provider)


def echo(exchange) -> dict:
    assert exchange.error is None, exchange.error
    assert exchange.status == 200, exchange.body
    return json.loads(exchange.body)


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"in": "header", "name": "X-Custom-Key"}, lambda e: e["headers"]["x-custom-key"] == "k-123456"),
        ({"in": "header", "name": "Authorization", "prefix": "Token"},
         lambda e: e["headers"]["authorization"] == "Token k-123456"),
        ({"in": "query", "name": "api_key"}, lambda e: e["query"] == {"api_key": "k-123456", "keep": "1"}),
        ({"in": "cookie", "name": "session"}, lambda e: e["cookies"] == {"session": "k-123456"}),
    ],
    ids=["header", "header-prefix", "query", "cookie"],
)
async def test_api_key_reaches_the_server_where_configured(oauth_server, memory_store, fields, check):
    collection = Collection(auth_profiles={"key": {"kind": "apikey", **fields}})
    memory_store.set("key", "key", "k-123456")
    exchange = await send(make_auth_provider(collection, memory_store), "key", oauth_server.base_url + "/echo?keep=1")
    seen = echo(exchange)
    assert check(seen), seen


async def test_api_key_header_defaults_to_x_api_key(oauth_server, memory_store):
    collection = Collection(auth_profiles={"key": {"kind": "apikey"}})
    memory_store.set("key", "key", "k-default")
    seen = echo(await send(make_auth_provider(collection, memory_store), "key", oauth_server.base_url + "/echo"))
    assert seen["headers"]["x-api-key"] == "k-default"


async def test_basic_sends_encoded_credentials(oauth_server, memory_store):
    collection = Collection(auth_profiles={"b": {"kind": "basic", "username": "alice"}})
    memory_store.set("b", "password", "pä:ss word")
    seen = echo(await send(make_auth_provider(collection, memory_store), "b", oauth_server.base_url + "/echo"))
    scheme, value = seen["headers"]["authorization"].split(" ", 1)
    assert scheme == "Basic"
    assert base64.b64decode(value).decode() == "alice:pä:ss word"


async def test_bearer_static_token_and_custom_scheme(oauth_server, memory_store):
    collection = Collection(auth_profiles={"t": {"kind": "bearer"}, "t2": {"kind": "bearer", "prefix": "JWT"}})
    memory_store.set("t", "token", "opaque-token-1")
    memory_store.set("t2", "token", "opaque-token-2")
    provider = make_auth_provider(collection, memory_store)
    seen = echo(await send(provider, "t", oauth_server.base_url + "/echo"))
    assert seen["headers"]["authorization"] == "Bearer opaque-token-1"
    seen = echo(await send(provider, "t2", oauth_server.base_url + "/echo"))
    assert seen["headers"]["authorization"] == "JWT opaque-token-2"


async def test_bearer_jwt_valid_is_sent_expired_is_refused_before_sending(oauth_server, memory_store):
    collection = Collection(auth_profiles={"jwt": {"kind": "bearer"}})
    fresh = make_unsigned_jwt({"sub": "svc", "exp": int(time.time()) + 3600})
    memory_store.set("jwt", "token", fresh)
    provider = make_auth_provider(collection, memory_store)
    seen = echo(await send(provider, "jwt", oauth_server.base_url + "/echo/fresh"))
    assert seen["headers"]["authorization"] == f"Bearer {fresh}"

    memory_store.set("jwt", "token", make_unsigned_jwt({"sub": "svc", "exp": int(time.time()) - 120}))
    provider.reload()  # what the TUI does after the profiles screen saved a change
    with pytest.raises(AuthError, match=r"auth profile 'jwt'.*EXPIRED"):
        await send(provider, "jwt", oauth_server.base_url + "/echo/expired")
    assert oauth_server.api_requests == []  # nothing reached /api; and /echo/expired was never asked


async def test_digest_answers_the_challenge(oauth_server, memory_store):
    collection = Collection(auth_profiles={"d": {"kind": "digest", "username": "dave"}})
    memory_store.set("d", "password", "digest-pw-123")
    seen = echo(await send(make_auth_provider(collection, memory_store), "d", oauth_server.base_url + "/digest"))
    assert seen["user"] == "dave"
    assert seen["headers"]["authorization"].startswith("Digest ")
    assert "digest-pw-123" not in seen["headers"]["authorization"]


async def test_digest_wrong_password_gets_the_servers_401(oauth_server, memory_store):
    collection = Collection(auth_profiles={"d": {"kind": "digest", "username": "dave"}})
    memory_store.set("d", "password", "wrong-password")
    exchange = await send(make_auth_provider(collection, memory_store), "d", oauth_server.base_url + "/digest")
    assert exchange.status == 401


async def test_oauth_client_credentials_token_reaches_the_api(oauth_server, memory_store):
    collection = Collection(auth_profiles={"o": {
        "kind": "oauth2_client_credentials", "token_url": oauth_server.token_url, "client_id": "cli-id",
        "scopes": "read write", "audience": "https://api.example"}})
    memory_store.set("o", "client_secret", "s3cret-client-value")
    seen = echo(await send(make_auth_provider(collection, memory_store), "o", oauth_server.base_url + "/api/pets"))
    assert seen["headers"]["authorization"].startswith("Bearer tok-1-")
    assert oauth_server.grants == [{"grant_type": "client_credentials", "scope": "read write",
                                    "audience": "https://api.example", "client_id": "cli-id"}]
    assert oauth_server.client_auth_seen == ["basic"]


async def test_oauth_client_auth_in_form_body(oauth_server, memory_store):
    collection = Collection(auth_profiles={"o": {
        "kind": "oauth2_client_credentials", "token_url": oauth_server.token_url, "client_id": "cli-id",
        "client_auth": "body"}})
    memory_store.set("o", "client_secret", "s3cret-client-value")
    echo(await send(make_auth_provider(collection, memory_store), "o", oauth_server.base_url + "/api/x"))
    assert oauth_server.client_auth_seen == ["body"]


async def test_missing_profile_is_an_error_before_sending(oauth_server, memory_store):
    provider = make_auth_provider(Collection(auth_profiles={"a": {"kind": "bearer"}}), memory_store)
    with pytest.raises(AuthError, match=r"no auth profile 'nope' \(known: a\)"):
        await send(provider, "nope", oauth_server.base_url + "/echo")


async def test_missing_secret_names_the_env_var_and_nothing_is_sent(oauth_server, memory_store):
    provider = make_auth_provider(Collection(auth_profiles={"my-api": {"kind": "bearer"}}), memory_store)
    with pytest.raises(AuthError, match="TUI_API_SECRET_MY_API_TOKEN"):
        await send(provider, "my-api", oauth_server.base_url + "/api/x")
    assert oauth_server.api_requests == []


def test_provider_reports_sensitive_names_and_secret_values(memory_store):
    collection = Collection(auth_profiles={
        "q": {"kind": "apikey", "in": "query", "name": "token"},
        "h": {"kind": "apikey", "name": "X-Team-Key"},
        "b": {"kind": "basic", "username": "u"},
    })
    memory_store.set("h", "key", "header-secret-1")
    provider = make_auth_provider(collection, memory_store)
    assert provider.sensitive_names("q") == ([], ["token"])
    assert provider.sensitive_names("h") == (["X-Team-Key"], [])
    assert provider.sensitive_names("b") == (["Authorization"], [])
    provider("h")
    assert provider.secret_values() == ["header-secret-1"]
    assert provider.all_sensitive_names() == (["Authorization", "X-Team-Key"], ["token"])


class CountingKeyring:
    def __init__(self) -> None:
        self.reads = 0
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_a_burst_reads_the_keyring_once_and_a_rotated_key_is_seen_later():
    from tui_api.core.auth.secrets import SecretStore

    backend = CountingKeyring()
    store = SecretStore(backend, environ={})
    store.set("k", "key", "first-key")
    now = [100.0]
    provider = make_auth_provider(Collection(auth_profiles={"k": {"kind": "apikey"}}), store, clock=lambda: now[0])
    for _ in range(50):
        auth = provider("k")
    assert backend.reads == 1 and auth.key == "first-key"
    store.set("k", "key", "rotated-key")
    now[0] += 10  # past the provider's few seconds of reuse
    assert provider("k").key == "rotated-key" and backend.reads == 2
    store.delete("k", "key")
    now[0] += 10
    with pytest.raises(AuthError):
        provider("k")
    with pytest.raises(AuthError):  # a failure is not cached either way
        provider("k")
