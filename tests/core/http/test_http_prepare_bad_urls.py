"""URLs that cannot be sent are one clear line before any network I/O, not a DNS failure."""

from __future__ import annotations

import pytest

from tui_api.core.collection.model import Request
from tui_api.core.errors import SendError
from tui_api.core.http.prepare import prepare_request


@pytest.mark.parametrize("url", ["not a url", "http://exa mple.com/x", "{{host}}/pets"])
def test_a_host_with_spaces_is_an_invalid_url(url):
    with pytest.raises(SendError) as caught:
        prepare_request(Request(name="r", url=url), {"host": "my api"})
    assert caught.value.kind == "usage" and "invalid host" in str(caught.value)


def test_unicode_hosts_still_prepare():
    prepared = prepare_request(Request(name="r", url="http://bücher.example/x"), {})
    assert prepared.url.host == "bücher.example"  # httpx keeps it readable; IDNA on the wire
