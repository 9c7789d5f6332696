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


@pytest.mark.parametrize("name, value, expected", [
    ("X-A", "1\nInjected: 2", "line break"),
    ("X-A", "{{v}}", "line break"),  # through a variable
    ("Bad Name", "x", "header name 'Bad Name' is not valid"),
    ("X:Y", "x", "is not valid"),
])
def test_headers_that_cannot_be_sent_are_a_send_error(name, value, expected):
    with pytest.raises(SendError) as caught:
        prepare_request(Request(name="r", url="http://127.0.0.1:1/", headers=[(name, value)]), {"v": "a\r\nb"})
    assert caught.value.kind == "usage" and expected in str(caught.value)


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
async def test_non_ascii_header_values_go_out_as_utf8_on_both_transports(faulty, backend):
    """httpx raised UnicodeEncodeError on 'héllo' (the whole run died as an unexpected error);
    the aiohttp backend would have re-encoded latin-1-decoded bytes (mojibake)."""
    import json

    from tui_api.core.http.send import make_client, send_exchange

    prepared = prepare_request(Request(name="r", url=faulty.url("/echo"), headers=[("X-U", "héllo ☃")]), {})
    async with make_client(resilience=None, backend=backend) as client:
        ex = await send_exchange(client, prepared)
    assert ex.status == 200, ex.error
    seen = {k.lower(): v for k, v in json.loads(ex.body)["headers"].items()}
    assert seen["x-u"].encode("latin-1") == "héllo ☃".encode("utf-8")


def test_a_device_as_a_body_file_is_refused_not_read_forever():
    from pathlib import Path

    from tui_api.core.collection.model import Body

    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(SendError, match="not a regular file"):
        prepare_request(Request(name="r", method="POST", url="http://127.0.0.1:1/", body=Body("file", "{{f}}")),
                        {"f": "/dev/zero"})
