"""`{{base_url}}/path` with a base_url ending in '/' must not send '//path' (Stripe's server URL is
'https://api.stripe.com/'); only that join is collapsed, never a '//' anywhere else."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tui_api.cli.main import main
from tui_api.core.collection.model import Request
from tui_api.core.export import to_curl
from tui_api.core.http.prepare import prepare_request
from tui_api.core.spec import open_spec
from tui_api.core.spec.to_collection import spec_to_collection

SPECS = Path(__file__).resolve().parents[3] / ".." / "shared" / "specs"


def _url(url: str, **variables: str) -> str:
    return str(prepare_request(Request(name="r", url=url), variables).url)


def test_variable_ending_in_slash_joins_a_literal_slash_once() -> None:
    assert _url("{{base_url}}/v1/charges", base_url="https://api.stripe.com/") == "https://api.stripe.com/v1/charges"
    assert _url("{{base_url}}/v1/charges", base_url="https://api.stripe.com") == "https://api.stripe.com/v1/charges"


def test_other_double_slashes_are_left_alone() -> None:
    # written literally in the URL, inside a value, in the query, and a variable not followed by '/'
    assert _url("http://h//a/{{p}}", p="x//y") == "http://h//a/x//y"
    assert _url("{{base}}/r?next={{n}}/", base="http://h/", n="http://o/") == "http://h/r?next=http://o//"
    assert _url("{{base}}x", base="http://h/") == "http://h/x"
    assert _url("{{a}}{{b}}", a="http://h/", b="/p") == "http://h//p"  # no literal at the join


def test_export_resolves_the_join_like_the_sender() -> None:
    text = to_curl(Request(name="r", url="{{base_url}}/echo"), {"base_url": "http://127.0.0.1:8000/"})
    assert "http://127.0.0.1:8000/echo" in text and "8000//echo" not in text


def test_run_with_a_base_url_var_ending_in_slash_hits_the_path_once(tmp_path: Path, faulty, capsys) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        variables: {base_url: "http://127.0.0.1:9"}
        requests:
          - {name: ok, url: "{{base_url}}/ok", expect: {status: 200}}
        """), encoding="utf-8")
    code = main(["run", str(path), "--var", f"base_url={faulty.base_url}/"])
    assert code == 0, capsys.readouterr()
    assert faulty.hits["/ok"] == 1 and "//ok" not in faulty.hits


def test_stripe_import_writes_base_url_without_trailing_slash() -> None:
    doc = open_spec(str(SPECS / "stripe-spec3-2022-04.json"))
    assert doc.servers[0].url == "https://api.stripe.com/"  # the spec's own value, the reason for this test
    collection = spec_to_collection(doc).collection
    assert collection.variables["base_url"] == "https://api.stripe.com"
    charge = next(r for r in collection.requests() if r.operation == "GET /v1/charges")
    assert _url(charge.url, **collection.variables) == "https://api.stripe.com/v1/charges"
