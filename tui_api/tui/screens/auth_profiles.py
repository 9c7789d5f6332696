"""The auth profiles screen: list, create, edit, test ("fetch a token now") and delete profiles.

    AuthProfilesScreen(profiles_store, secret_store)   # a ProfileStore and a SecretStore
    AuthProfilesScreen(profiles_store, secret_store, select="prod",
                       suggestions=profiles_from_security_schemes(document.security_schemes))

`suggestions` are profiles made from the open spec's security schemes: listed as "from the spec"
until saved, so creating the profile a spec asks for is: pick it, type the secret, save.

Plain fields go to the profile's file (personal or collection), secret fields only to the keyring.
Secret inputs are masked (ctrl+r reveals the focused one). The form is never cleared by an error:
whatever the user typed stays until a save succeeds, and switching kinds keeps values typed for
fields both kinds share. Keyring and network calls run in a thread worker, so a slow token
endpoint never freezes the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui_api.core.auth.jwt import decode_jwt
from tui_api.core.auth.kinds import KINDS, FieldSpec
from tui_api.core.auth.profiles import AuthProfile, ProfileStore, validate_name
from tui_api.core.auth.secrets import SecretStore, env_var_name
from tui_api.core.errors import TuiApiError
from tui_api.tui.widgets.eager_input import EagerInput


class AuthProfilesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="auth-close"),
        Binding("ctrl+s", "save", "Save", id="auth-save"),
        Binding("ctrl+t", "test", "Test / fetch token", id="auth-test"),
        Binding("ctrl+n", "new", "New profile", id="auth-new"),
        Binding("ctrl+d", "delete", "Delete profile", id="auth-delete"),
        Binding("ctrl+r", "reveal", "Reveal secret", id="auth-reveal"),
    ]

    DEFAULT_CSS = """
    AuthProfilesScreen {
        align: center middle;
    }
    AuthProfilesScreen > #auth-frame {
        width: 96%;
        height: 94%;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    AuthProfilesScreen #auth-list {
        width: 32;
        height: 1fr;
        margin-right: 1;
    }
    AuthProfilesScreen #auth-form {
        height: 1fr;
    }
    AuthProfilesScreen .auth-label {
        margin-top: 1;
        color: $text-muted;
    }
    AuthProfilesScreen #auth-buttons {
        height: auto;
        margin-top: 1;
    }
    AuthProfilesScreen #auth-buttons Button {
        margin-right: 1;
    }
    AuthProfilesScreen #auth-jwt {
        margin-top: 1;
        color: $text-muted;
    }
    AuthProfilesScreen #auth-status {
        height: auto;
        min-height: 1;
        margin-top: 1;
    }
    AuthProfilesScreen #auth-status.error {
        color: $error;
    }
    AuthProfilesScreen #auth-status.ok {
        color: $success;
    }
    """

    def __init__(
        self,
        profiles_store: ProfileStore,
        secret_store: SecretStore,
        *,
        select: str | None = None,
        suggestions: dict[str, AuthProfile] | None = None,
    ) -> None:
        super().__init__()
        self.profiles_store = profiles_store
        self.secret_store = secret_store
        self.suggestions = dict(suggestions or {})
        self._initial = select
        self._editing: AuthProfile | None = None  # the saved profile the form was loaded from
        self._values: dict[str, str] = {}  # every field typed so far, kept across kind switches
        self._kind = "apikey"
        self._delete_armed: str | None = None

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        where = [("personal (only you)", "personal")]
        if self.profiles_store.collection is not None:
            where.insert(0, ("collection (shared)", "collection"))
        with Vertical(id="auth-frame"):
            yield Label("Auth profiles: enter opens, ctrl+s saves, ctrl+t tests, ctrl+n new, ctrl+d deletes, ctrl+r reveals, esc closes")
            with Horizontal():
                yield OptionList(id="auth-list")
                with VerticalScroll(id="auth-form"):
                    yield Label("Name", classes="auth-label")
                    yield EagerInput(placeholder="e.g. prod-api", id="auth-name")
                    yield Label("Kind", classes="auth-label")
                    yield Select([(spec.label, kind) for kind, spec in KINDS.items()], value=self._kind,
                                 allow_blank=False, id="auth-kind")
                    yield Label("Saved in", classes="auth-label")
                    yield Select(where, value=where[0][1], allow_blank=False, id="auth-where")
                    yield Vertical(id="auth-fields")
                    yield Static("", id="auth-jwt")
                    with Horizontal(id="auth-buttons"):
                        yield Button("Save", id="auth-save-button", variant="primary")
                        yield Button("Test", id="auth-test-button")
                        yield Button("New", id="auth-new-button")
                        yield Button("Delete", id="auth-delete-button", variant="error")
                    yield Static("", id="auth-status")

    async def on_mount(self) -> None:
        self._refresh_list()
        await self._build_fields()
        ok, backend = self.secret_store.backend_status()
        if not ok:
            self._status(f"no keyring: secrets cannot be stored here; set TUI_API_SECRET_<PROFILE>_<FIELD> "
                         f"variables instead ({backend})", error=True)
        if self._initial:
            profile = self.profiles_store.find(self._initial)
            if profile is not None:
                await self._load(profile)
        self.query_one("#auth-name", Input).focus()

    # -- helpers -----------------------------------------------------------------------------

    def _status(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        status = self.query_one("#auth-status", Static)
        status.update(Text(text))  # plain text: a message may hold "[" that is not markup
        status.set_class(error, "error")
        status.set_class(ok, "ok")

    def _refresh_list(self) -> None:
        option_list = self.query_one("#auth-list", OptionList)
        option_list.clear_options()
        try:
            profiles = self.profiles_store.all()
        except TuiApiError as exc:
            self._status(str(exc), error=True)
            return
        for name, profile in profiles.items():
            option_list.add_option(Option(Text.assemble(name, "  ", (f"{profile.kind} · {profile.origin}", "dim")), id=name))
        for name, profile in self.suggestions.items():
            if name not in profiles:
                option_list.add_option(Option(Text.assemble(name, "  ", (f"{profile.kind} · from the spec", "dim")),
                                              id=f"spec:{name}"))

    def _field_id(self, name: str) -> str:
        return f"auth-field-{name}"

    async def _build_fields(self) -> None:
        box = self.query_one("#auth-fields", Vertical)
        await box.remove_children()
        spec = KINDS[self._kind]
        widgets = []
        for field in spec.fields:
            widgets.append(Label(field.label + (" (secret, kept in the keyring)" if field.secret else ""),
                                 classes="auth-label"))
            widgets.append(self._field_widget(field))
        await box.mount_all(widgets)
        self._show_jwt()

    def _field_widget(self, field: FieldSpec) -> Input | Select:
        value = self._values.get(field.name, "")
        if field.choices:
            return Select([(c, c) for c in field.choices], value=value if value in field.choices else field.default,
                          allow_blank=False, id=self._field_id(field.name))
        if field.secret:
            placeholder = "type a new value to replace it"
            if self._editing is not None and self._editing.kind == self._kind:
                found = self.secret_store.lookup(self._editing.name, field.name)
                placeholder = {
                    "keyring": "stored in the keyring; type to replace it",
                    "env": f"from {env_var_name(self._editing.name, field.name)}; type to store one in the keyring",
                }.get(found.source, "not set yet")
            return EagerInput(value, password=True, placeholder=placeholder, id=self._field_id(field.name))
        return EagerInput(value, placeholder=field.help or (f"default: {field.default}" if field.default else ""),
                     id=self._field_id(field.name))

    def _form_profile(self) -> tuple[AuthProfile, dict[str, str]]:
        """The profile and the typed secrets as the form holds them now."""
        name = validate_name(self.query_one("#auth-name", Input).value)
        spec = KINDS[self._kind]
        fields = {f.name: self._values[f.name] for f in spec.plain_fields if self._values.get(f.name)}
        secrets = {f.name: self._values[f.name] for f in spec.secret_fields if self._values.get(f.name)}
        where = self.query_one("#auth-where", Select).value
        return AuthProfile(name, self._kind, fields, where if where in ("personal", "collection") else "personal"), secrets

    async def _load(self, profile: AuthProfile) -> None:
        self._editing = profile
        self._values = dict(profile.fields)
        self._kind = profile.kind
        self._delete_armed = None
        self.query_one("#auth-name", Input).value = profile.name
        with self.prevent(Select.Changed):
            self.query_one("#auth-kind", Select).value = profile.kind
            where = self.query_one("#auth-where", Select)
            if profile.origin in ("personal", "collection") and (
                profile.origin == "personal" or self.profiles_store.collection is not None
            ):
                where.value = profile.origin
        await self._build_fields()
        self._status(f"editing '{profile.name}' ({profile.origin})")

    def _show_jwt(self) -> None:
        jwt_box = self.query_one("#auth-jwt", Static)
        if self._kind != "bearer":
            jwt_box.update("")
            return
        token = self._values.get("token", "")
        if not token and self._editing is not None and self._editing.kind == "bearer":
            token = self.secret_store.lookup(self._editing.name, "token").value or ""
        info = decode_jwt(token) if token else None
        if info is None:
            jwt_box.update(Text("token: opaque (not a JWT)" if token else ""))
            return
        claims = ", ".join(f"{k}={v}" for k, v in info.claims.items() if k in ("sub", "iss", "aud", "scope", "exp"))
        expiry = info.describe_expiry()
        shown = Text(f"JWT {claims}\n{expiry}")
        if info.expired():
            shown.append("  expired: requests with this profile will not be sent", style="bold red")
        jwt_box.update(shown)

    # -- events ------------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field_id = event.input.id or ""
        if field_id.startswith("auth-field-"):
            self._values[field_id[len("auth-field-"):]] = event.value
            if field_id == "auth-field-token":
                self._show_jwt()

    @on(Select.Changed)
    async def _select_changed(self, event: Select.Changed) -> None:
        select_id = event.select.id or ""
        if select_id == "auth-kind" and event.value in KINDS and event.value != self._kind:
            self._kind = str(event.value)
            await self._build_fields()
        elif select_id.startswith("auth-field-"):
            self._values[select_id[len("auth-field-"):]] = str(event.value)

    @on(OptionList.OptionSelected, "#auth-list")
    async def _profile_chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option_id or ""
        if option_id.startswith("spec:") and option_id[5:] in self.suggestions:
            suggestion = self.suggestions[option_id[5:]]
            await self._load(AuthProfile(suggestion.name, suggestion.kind, dict(suggestion.fields), "personal"))
            self._editing = None
            await self._build_fields()
            self._status(f"from the spec's security scheme '{suggestion.name}': fill in the rest and save")
            return
        profile = self.profiles_store.find(option_id)
        if profile is not None:
            await self._load(profile)

    @on(Button.Pressed, "#auth-save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#auth-test-button")
    def _test_pressed(self) -> None:
        self.action_test()

    @on(Button.Pressed, "#auth-new-button")
    async def _new_pressed(self) -> None:
        await self.action_new()

    @on(Button.Pressed, "#auth-delete-button")
    def _delete_pressed(self) -> None:
        self.action_delete()

    # -- actions -----------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        """Secrets first, then the file: a keyring failure leaves the file as it was."""
        try:
            profile, secrets = self._form_profile()
            problems = profile.problems()
            if problems:
                self._status(f"not saved: {'; '.join(problems)}", error=True)
                return
            for field, value in secrets.items():
                self.secret_store.set(profile.name, field, value)
            if secrets:
                self.secret_store.delete_token(profile.name)
            self.profiles_store.save(profile, profile.origin)
        except TuiApiError as exc:
            self._status(f"not saved: {exc}", error=True)
            return
        missing = [f.name for f in KINDS[profile.kind].secret_fields
                   if f.name not in secrets and self.secret_store.lookup(profile.name, f.name).value is None]
        for field in secrets:
            self._values.pop(field, None)
            self.query_one(f"#{self._field_id(field)}", Input).value = ""
        self._editing = profile
        self._refresh_list()
        for field in KINDS[profile.kind].secret_fields:  # placeholders now say "stored in the keyring"
            self.query_one(f"#{self._field_id(field.name)}", Input).placeholder = (
                "stored in the keyring; type to replace it" if field.name not in missing else "not set yet")
        note = f"; still no {', '.join(missing)}: type it or set " + ", ".join(
            env_var_name(profile.name, m) for m in missing) if missing else ""
        self._status(f"saved '{profile.name}' ({profile.origin}){note}", ok=not missing, error=bool(missing))

    def action_test(self) -> None:
        try:
            profile, secrets = self._form_profile()
        except TuiApiError as exc:
            self._status(f"cannot test: {exc}", error=True)
            return
        self._status(f"testing '{profile.name}'...")
        self._run_test(profile, secrets)

    @work(thread=True, exclusive=True, group="auth-test")
    def _run_test(self, profile: AuthProfile, secrets: dict[str, str]) -> None:
        from tui_api.core.auth.check import check_profile

        try:
            lines = check_profile(profile, self.secret_store, overrides=secrets)
        except TuiApiError as exc:
            self.app.call_from_thread(self._status, f"test failed: {exc}", error=True)
            return
        except Exception as exc:  # a bug must not kill the screen: say it in one line
            self.app.call_from_thread(self._status, f"test failed: {exc.__class__.__name__}: {exc}", error=True)
            return
        self.app.call_from_thread(self._status, "ok: " + "; ".join(lines[1:]), ok=True)

    async def action_new(self) -> None:
        self._editing = None
        self._values = {}
        self._delete_armed = None
        self.query_one("#auth-name", Input).value = ""
        await self._build_fields()
        self._status("new profile: fill in the form and save")
        self.query_one("#auth-name", Input).focus()

    def action_delete(self) -> None:
        profile = self._editing
        if profile is None:
            self._status("choose a saved profile in the list first", error=True)
            return
        if self._delete_armed != profile.name:
            self._delete_armed = profile.name
            self._status(f"delete '{profile.name}' and its keyring secrets? press Delete (ctrl+d) again to confirm", error=True)
            return
        try:
            self.profiles_store.remove(profile.name, profile.origin)
            if self.profiles_store.find(profile.name) is None:
                for field in KINDS[profile.kind].secret_fields:
                    self.secret_store.delete(profile.name, field.name)
                self.secret_store.delete_token(profile.name)
        except TuiApiError as exc:
            self._status(f"not deleted: {exc}", error=True)
            return
        self._delete_armed = None
        self._editing = None
        self._refresh_list()
        self._status(f"deleted '{profile.name}'", ok=True)

    def action_reveal(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and (focused.id or "").startswith("auth-field-"):
            spec = KINDS[self._kind].field((focused.id or "")[len("auth-field-"):])
            if spec is not None and spec.secret:
                focused.password = not focused.password
