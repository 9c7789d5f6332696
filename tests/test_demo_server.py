"""The demo server is the real API most tests talk to; check it behaves like its spec says."""

from __future__ import annotations

import httpx

from tui_api.demo.server import DEMO_API_KEY, DemoServer


def test_pets_crud(demo_server: DemoServer) -> None:
    with httpx.Client(base_url=demo_server.base_url) as client:
        assert [p["name"] for p in client.get("/pets").json()] == ["Rex", "Tom", "Nemo"]
        created = client.post("/pets", json={"name": "Bo", "tag": "dog"})
        assert created.status_code == 201
        pet_id = created.json()["id"]
        assert client.get(f"/pets/{pet_id}").json()["name"] == "Bo"
        assert client.delete(f"/pets/{pet_id}").status_code == 401
        assert client.delete(f"/pets/{pet_id}", headers={"X-API-Key": DEMO_API_KEY}).status_code == 204
        assert client.get(f"/pets/{pet_id}").status_code == 404


def test_spec_names_the_real_port(demo_server: DemoServer) -> None:
    assert demo_server.base_url in demo_server.spec
    with httpx.Client(base_url=demo_server.base_url) as client:
        assert demo_server.base_url in client.get("/openapi.yaml").text
