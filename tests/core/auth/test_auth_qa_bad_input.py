"""Found by using `tui-api auth` as a user would; each test pins one fixed problem."""

from __future__ import annotations

import pytest

from tui_api.core.auth.provider import make_auth_provider
from tui_api.core.collection.model import Collection, Request
from tui_api.core.errors import AuthError
from tui_api.core.http.pipeline import execute
from tui_api.core.http.send import make_client


async def test_token_url_answering_other_json_is_not_called_a_refusal(demo_server, memory_store):
    """A token_url aimed at an ordinary JSON endpoint (the demo's /echo answers 200 with JSON)
    was reported as 'refused to issue a token (HTTP 200)'; it did not refuse: it is the wrong URL."""
    memory_store.set("svc", "client_secret", "cs-value-1")
    collection = Collection(auth_profiles={"svc": {
        "kind": "oauth2_client_credentials", "token_url": demo_server.base_url + "/echo", "client_id": "c"}})
    provider = make_auth_provider(collection, memory_store)
    with pytest.raises(AuthError) as caught:
        async with make_client(resilience=None) as client:
            await execute(Request(url=demo_server.base_url + "/pets"), client=client, variables={},
                          auth_profile="svc", auth_provider=provider)
    message = str(caught.value)
    assert "answered 200 without an access_token" in message and "refused" not in message
    assert "token_url" in message and "cs-value-1" not in message
