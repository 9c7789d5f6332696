"""Credentials stay on their host: a redirect to another server must not carry them.

Two real servers on 127.0.0.1 (different ports = different origins). httpx itself strips
`Authorization`; the API-key header is stripped by our request hook in `make_client`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from servers.oauth import OAuthServer

from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.collection.model import Collection, Request
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client


@pytest.fixture
def other_server():
    with OAuthServer() as server:
        yield server


PROFILES = {
    "key": {"kind": "apikey", "name": "X-Team-Key"},
    "qkey": {"kind": "apikey", "in": "query", "name": "api_key"},
    "ckey": {"kind": "apikey", "in": "cookie", "name": "sid"},
    "basic": {"kind": "basic", "username": "alice"},
    "bearer": {"kind": "bearer"},
}


def provider(memory_store):
    for name, field in (("key", "key"), ("qkey", "key"), ("ckey", "key"), ("basic", "password"), ("bearer", "token")):
        memory_store.set(name, field, f"secret-of-{name}")
    return make_auth_provider(Collection(auth_profiles=PROFILES), memory_store)


async def fetch(auth_provider, profile: str, url: str) -> dict:
    async with make_client(resilience=None) as client:
        exchange = await execute(Request(url=url), client=client, variables={}, auth_profile=profile,
                                 auth_provider=auth_provider)
    assert exchange.status == 200, (exchange.error, exchange.body)
    return json.loads(exchange.body)


@pytest.mark.parametrize("profile", list(PROFILES))
async def test_cross_host_redirect_drops_credentials(oauth_server, other_server, memory_store, profile):
    target = other_server.base_url + "/echo/landed"
    seen = await fetch(provider(memory_store), profile, oauth_server.base_url + "/redirect?to=" + quote(target, safe=""))
    assert seen["path"] == "/echo/landed"
    assert "secret-of-" not in json.dumps(seen), seen


@pytest.mark.parametrize(("profile", "header"), [("key", "x-team-key"), ("basic", "authorization"), ("bearer", "authorization")])
async def test_same_host_redirect_keeps_credentials(oauth_server, memory_store, profile, header):
    target = oauth_server.base_url + "/echo/landed"
    seen = await fetch(provider(memory_store), profile, oauth_server.base_url + "/redirect?to=" + quote(target, safe=""))
    assert seen["path"] == "/echo/landed"
    assert "secret-of-" in seen["headers"][header] or "c2VjcmV0LW9mLWJhc2lj" in seen["headers"][header]
