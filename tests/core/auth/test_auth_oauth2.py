"""OAuth 2.0 client credentials against a real token endpoint on 127.0.0.1: caching, refresh, errors."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.collection.model import Collection, Request
from tui_api.core.errors import AuthError
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client

SECRET = "s3cret-client-value"


class FakeClock:
    """Drives token expiry without sleeping; the token server shares it."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def oauth_collection(token_url: str, **extra: str) -> Collection:
    return Collection(auth_profiles={"svc": {
        "kind": "oauth2_client_credentials", "token_url": token_url, "client_id": "cli-id", **extra}})


async def get(provider, url: str, client=None):
    if client is not None:
        return await execute(Request(url=url), client=client, variables={}, auth_profile="svc", auth_provider=provider)
    async with make_client(resilience=None) as own:
        return await execute(Request(url=url), client=own, variables={}, auth_profile="svc", auth_provider=provider)


@pytest.fixture
def clock(oauth_server) -> FakeClock:
    fake = FakeClock()
    oauth_server.clock = fake
    return fake


async def test_token_is_fetched_once_and_reused(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    async with make_client(resilience=None) as client:
        for _ in range(5):
            assert (await get(provider, oauth_server.base_url + "/api/x", client)).status == 200
    assert oauth_server.fetch_count == 1
    assert len({r["token"] for r in oauth_server.api_requests}) == 1


async def test_token_is_refreshed_before_it_expires(oauth_server, memory_store, clock):
    oauth_server.expires_in = 300
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    async with make_client(resilience=None) as client:
        assert (await get(provider, oauth_server.base_url + "/api/a", client)).status == 200
        clock.now += 260  # 40 s left: still more than the 30 s margin
        assert (await get(provider, oauth_server.base_url + "/api/b", client)).status == 200
        assert oauth_server.fetch_count == 1
        clock.now += 20  # 20 s left: inside the margin, refreshed before the server would refuse it
        assert (await get(provider, oauth_server.base_url + "/api/c", client)).status == 200
    assert oauth_server.fetch_count == 2
    tokens = [r["token"] for r in oauth_server.api_requests]
    assert tokens[0] == tokens[1] != tokens[2]


async def test_a_401_refetches_once_and_retries(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    async with make_client(resilience=None) as client:
        assert (await get(provider, oauth_server.base_url + "/api/a", client)).status == 200
        oauth_server.revoke_all()
        exchange = await get(provider, oauth_server.base_url + "/api/b", client)
    assert exchange.status == 200
    assert oauth_server.fetch_count == 2
    assert [r["path"] for r in oauth_server.api_requests] == ["/api/a", "/api/b", "/api/b"]


async def test_a_401_with_a_fresh_token_is_returned_not_looped(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    original = oauth_server.token_valid
    oauth_server.token_valid = lambda token: False  # the API refuses every token
    try:
        exchange = await get(provider, oauth_server.base_url + "/api/a")
    finally:
        oauth_server.token_valid = original
    assert exchange.status == 401
    assert oauth_server.fetch_count == 2  # first use + once after the 401, then it gives up


async def test_concurrent_requests_share_one_fetch(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    async with make_client(resilience=None) as client:
        results = await asyncio.gather(*(get(provider, oauth_server.base_url + f"/api/{i}", client) for i in range(8)))
    assert [r.status for r in results] == [200] * 8
    assert oauth_server.fetch_count == 1


async def test_token_cache_survives_a_new_provider_through_the_keyring(oauth_server, memory_store, clock):
    """A second `tui-api run` (a new provider over the same keyring) reuses the cached token."""
    memory_store.set("svc", "client_secret", SECRET)
    collection = oauth_collection(oauth_server.token_url)
    assert (await get(make_auth_provider(collection, memory_store, clock=clock), oauth_server.base_url + "/api/1")).status == 200
    cached = memory_store.get_token("svc")
    assert cached and cached["access_token"].startswith("tok-1-") and cached["expires_at"] == clock.now + 3600
    assert (await get(make_auth_provider(collection, memory_store, clock=clock), oauth_server.base_url + "/api/2")).status == 200
    assert oauth_server.fetch_count == 1
    # A different client_secret (key rotation) or scope must not reuse the old token.
    memory_store.set("svc", "client_secret", SECRET)
    collection.auth_profiles["svc"]["scopes"] = "admin"
    assert (await get(make_auth_provider(collection, memory_store, clock=clock), oauth_server.base_url + "/api/3")).status == 200
    assert oauth_server.fetch_count == 2


async def test_wrong_client_secret_is_an_auth_error_naming_the_profile(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", "not-the-secret")
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    with pytest.raises(AuthError) as caught:
        await get(provider, oauth_server.base_url + "/api/x")
    text = str(caught.value)
    assert "auth profile 'svc'" in text and "invalid_client" in text and "tui-api auth set svc" in text
    assert "not-the-secret" not in text
    assert oauth_server.api_requests == []  # the API request was never sent


async def test_token_endpoint_answering_html_is_an_auth_error(oauth_server, memory_store, clock):
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.base_url + "/html-token"), memory_store, clock=clock)
    with pytest.raises(AuthError, match=r"auth profile 'svc'.*answered 200 with text/html instead of a JSON token"):
        await get(provider, oauth_server.base_url + "/api/x")
    assert oauth_server.api_requests == []


async def test_token_endpoint_down_is_an_auth_error(oauth_server, memory_store, clock):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(f"http://127.0.0.1:{port}/token"), memory_store, clock=clock)
    with pytest.raises(AuthError, match=r"auth profile 'svc': cannot reach the token endpoint .*connection refused"):
        async with make_client() as client:  # the app's real client, retries and all
            await get(provider, oauth_server.base_url + "/api/x", client)
    assert oauth_server.api_requests == []


def test_fetch_now_reports_expiry_without_the_token(oauth_server, memory_store):
    from tui_api.core.auth.check import check_profile
    from tui_api.core.auth.profiles import ProfileStore

    memory_store.set("svc", "client_secret", SECRET)
    profile = ProfileStore(oauth_collection(oauth_server.token_url, scopes="read")).get("svc")
    lines = check_profile(profile, memory_store)
    assert lines[-1] == "got a Bearer token, valid for 3600 s, scope 'read'" or lines[-1].startswith("got a Bearer token, valid for 35")
    assert not any("tok-" in line or SECRET in line for line in lines)
    assert oauth_server.fetch_count == 1
    memory_store.set("svc", "client_secret", "wrong")
    with pytest.raises(AuthError, match="invalid_client"):
        check_profile(profile, memory_store)


def test_the_same_auth_works_on_a_synchronous_client(oauth_server, memory_store, clock):
    import httpx

    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    auth = provider("svc")
    with httpx.Client() as client:
        assert client.get(oauth_server.base_url + "/api/a", auth=auth).status_code == 200
        assert client.get(oauth_server.base_url + "/api/b", auth=auth).status_code == 200
        oauth_server.revoke_all()
        answer = client.post(oauth_server.base_url + "/api/c", auth=auth, content=b"payload")
        assert answer.status_code == 200 and answer.json()["body"] == "payload"  # the body was sent again
    assert oauth_server.fetch_count == 2
    assert [(r["path"], r["body"]) for r in oauth_server.api_requests][-2:] == [("/api/c", "payload")] * 2


async def test_a_401_retry_resends_the_body(oauth_server, memory_store, clock):
    from tui_api.core.collection.model import Body

    memory_store.set("svc", "client_secret", SECRET)
    provider = make_auth_provider(oauth_collection(oauth_server.token_url), memory_store, clock=clock)
    request = Request(method="POST", url=oauth_server.base_url + "/api/orders", body=Body("json", {"n": 1}))
    async with make_client(resilience=None) as client:
        await get(provider, oauth_server.base_url + "/api/warm", client)
        oauth_server.revoke_all()
        exchange = await execute(request, client=client, variables={}, auth_profile="svc", auth_provider=provider)
    assert exchange.status == 200
    assert [r["body"] for r in oauth_server.api_requests[1:]] == ['{"n": 1}', '{"n": 1}']


async def test_profile_fields_take_variables_per_environment(oauth_server, memory_store, clock):
    from tui_api.core.errors import VariableError

    memory_store.set("svc", "client_secret", SECRET)
    collection = oauth_collection("{{auth_base}}/token")
    env = {"auth_base": oauth_server.base_url}
    provider = make_auth_provider(collection, memory_store, clock=clock, variables=env)
    assert (await get(provider, oauth_server.base_url + "/api/x")).status == 200
    assert oauth_server.fetch_count == 1
    env.clear()
    provider.reload()
    with pytest.raises(VariableError, match="variable 'auth_base' is not defined in auth profile 'svc' token_url"):
        provider("svc")
    with pytest.raises(AuthError, match="uses a variable in 'token_url' but no variables are available"):
        make_auth_provider(collection, memory_store)("svc")
