"""The auth profiles screen, driven with Pilot against a real local token endpoint."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.input import Selection

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `servers.oauth`

from servers.oauth import OAuthServer  # noqa: E402

from tui_api.core.auth.jwt import make_unsigned_jwt  # noqa: E402
from tui_api.core.auth.profiles import ProfileStore, load_personal, personal_path  # noqa: E402
from tui_api.core.auth.secrets import SecretStore  # noqa: E402
from tui_api.core.collection.model import Collection  # noqa: E402
from tui_api.tui.screens.auth_profiles import AuthProfilesScreen  # noqa: E402


class Host(App):
    """The smallest app that shows the screen, as the real app's key binding will."""

    def __init__(self, profiles: ProfileStore, secrets: SecretStore, **options) -> None:
        super().__init__()
        self.profiles = profiles
        self.secrets = secrets
        self.options = options

    def on_mount(self) -> None:
        self.push_screen(AuthProfilesScreen(self.profiles, self.secrets, **self.options))


@pytest.fixture
def oauth():
    with OAuthServer() as server:
        yield server


def status(app: App) -> str:
    return str(app.screen.query_one("#auth-status", Static).render())


async def set_kind(pilot, kind: str) -> None:
    pilot.app.screen.query_one("#auth-kind", Select).value = kind
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:
    """Type the first characters as keys (the real path), paste the rest (fast)."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()
    widget.value = text[:-2]
    widget.selection = Selection.cursor(len(widget.value))
    await pilot.press(*list(text[-2:]))
    await pilot.pause()
    assert widget.value == text


async def test_create_an_api_key_profile_secret_to_keyring_only():
    secrets = SecretStore.in_memory()
    app = Host(ProfileStore(), secrets)
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#auth-name", "pets")
        await set_kind(pilot, "apikey")
        await type_into(pilot, "#auth-field-name", "X-Pet-Key")
        key_input = app.screen.query_one("#auth-field-key", Input)
        assert key_input.password is True  # masked
        await type_into(pilot, "#auth-field-key", "typed-secret-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "saved 'pets' (personal)" in status(app)
        assert secrets.get("pets", "key") == "typed-secret-1"
        assert load_personal()["pets"].fields == {"in": "header", "name": "X-Pet-Key"}
        assert "typed-secret-1" not in personal_path().read_text()
        assert app.screen.query_one("#auth-field-key", Input).value == ""  # not kept on screen after saving
        option_list = app.screen.query_one("#auth-list", OptionList)
        assert option_list.option_count == 1 and option_list.get_option_at_index(0).id == "pets"


async def test_fetch_a_token_now_and_an_error_keeps_the_form(oauth):
    secrets = SecretStore.in_memory()
    app = Host(ProfileStore(Collection(name="team")), secrets)
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#auth-name", "svc")
        await set_kind(pilot, "oauth2_client_credentials")
        await type_into(pilot, "#auth-field-token_url", oauth.token_url)
        await type_into(pilot, "#auth-field-client_id", "cli-id")
        await type_into(pilot, "#auth-field-client_secret", "wrong-secret")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "test failed" in status(app) and "invalid_client" in status(app)
        assert "wrong-secret" not in status(app)
        # nothing typed was lost
        assert app.screen.query_one("#auth-name", Input).value == "svc"
        assert app.screen.query_one("#auth-field-token_url", Input).value == oauth.token_url
        assert app.screen.query_one("#auth-field-client_secret", Input).value == "wrong-secret"

        await type_into(pilot, "#auth-field-client_secret", "s3cret-client-value")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "ok: client_secret: present (typed in the form); got a Bearer token" in status(app)
        assert oauth.fetch_count == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "saved 'svc' (collection)" in status(app)  # a collection is open: shared by default
        assert app.profiles.collection.auth_profiles["svc"]["client_id"] == "cli-id"
        assert secrets.get("svc", "client_secret") == "s3cret-client-value"


async def test_a_save_error_keeps_everything_typed():
    secrets = SecretStore.in_memory()
    app = Host(ProfileStore(), secrets)
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#auth-name", "bad name")
        await set_kind(pilot, "basic")
        await type_into(pilot, "#auth-field-username", "alice")
        await type_into(pilot, "#auth-field-password", "pw-typed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not saved" in status(app) and "may not contain" in status(app)
        assert app.screen.query_one("#auth-field-password", Input).value == "pw-typed"
        assert app.screen.query_one("#auth-field-username", Input).value == "alice"
        assert secrets.lookup("bad name", "password").source == "missing"
        # switching kind and back keeps the shared field
        await set_kind(pilot, "digest")
        assert app.screen.query_one("#auth-field-username", Input).value == "alice"
        assert app.screen.query_one("#auth-field-password", Input).value == "pw-typed"


async def test_edit_shows_jwt_expiry_and_delete_needs_confirmation():
    secrets = SecretStore.in_memory()
    store = ProfileStore()
    from tui_api.core.auth.profiles import AuthProfile

    store.save(AuthProfile("old-jwt", "bearer", {}))
    secrets.set("old-jwt", "token", make_unsigned_jwt({"sub": "robot", "exp": 1_000_000_000}))
    app = Host(store, secrets)
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.pause()
        option_list = app.screen.query_one("#auth-list", OptionList)
        option_list.focus()
        option_list.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        jwt_text = str(app.screen.query_one("#auth-jwt", Static).render())
        assert "sub=robot" in jwt_text and "EXPIRED" in jwt_text
        token_input = app.screen.query_one("#auth-field-token", Input)
        assert token_input.value == "" and "stored in the keyring" in token_input.placeholder
        await pilot.click("#auth-delete-button")
        await pilot.pause()
        assert "press Delete (ctrl+d) again" in status(app)
        assert store.find("old-jwt") is not None
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "deleted 'old-jwt'" in status(app)
        assert store.find("old-jwt") is None
        assert secrets.lookup("old-jwt", "token").source == "missing"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuthProfilesScreen)


async def test_a_spec_security_scheme_becomes_a_profile(oauth):
    from tui_api.core.auth.spec import profiles_from_security_schemes

    schemes = {"petstore_key": {"type": "apiKey", "in": "query", "name": "api_key"},
               "oidc": {"type": "openIdConnect", "openIdConnectUrl": "x"}}
    secrets = SecretStore.in_memory()
    app = Host(ProfileStore(), secrets, suggestions=profiles_from_security_schemes(schemes))
    async with app.run_test(size=(120, 44)) as pilot:
        await pilot.pause()
        option_list = app.screen.query_one("#auth-list", OptionList)
        assert [option_list.get_option_at_index(i).id for i in range(option_list.option_count)] == ["spec:petstore_key"]
        option_list.focus()
        option_list.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#auth-name", Input).value == "petstore_key"
        assert app.screen.query_one("#auth-field-in", Select).value == "query"
        assert app.screen.query_one("#auth-field-name", Input).value == "api_key"
        await type_into(pilot, "#auth-field-key", "spec-key-value")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "saved 'petstore_key' (personal)" in status(app)
        assert load_personal()["petstore_key"].fields == {"in": "query", "name": "api_key"}
        assert secrets.get("petstore_key", "key") == "spec-key-value"
        assert [option_list.get_option_at_index(i).id for i in range(option_list.option_count)] == ["petstore_key"]


async def test_a_broken_profiles_file_is_shown_not_crashed():
    path = personal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("profiles:\n  a: [unclosed\n")
    app = Host(ProfileStore(), SecretStore.in_memory())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuthProfilesScreen)
        assert "not valid YAML" in status(app)
