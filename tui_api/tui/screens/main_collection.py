"""The main screen's collection, environment and auth parts, kept apart from the spec/send parts
so neither file grows past reading size. Mixed into `MainScreen`; handlers use Textual's naming
convention (`on_<message>`), which works through a mixin."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Select, TabbedContent

from tui_api.core.collection.model import Collection, Request
from tui_api.core.errors import TuiApiError
from tui_api.tui.messages import CollectionFailed, CollectionLoaded, CollectionSaved
from tui_api.tui.widgets.collection_tree import CollectionTree
from tui_api.tui.workspace import Location

if TYPE_CHECKING:
    from tui_api.tui.widgets.request_editor import RequestEditor
    from tui_api.tui.workspace import Workspace

EDIT_CHECK_DELAY = 0.25


class CollectionMixin:
    """Needs from the screen: `editor`, `workspace`, `notify`, `post_message`, `app`, `query_one`."""

    _location: Location | None
    _modified: bool

    # --- workers ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="collection-load")
    def load_collection_file(self, path: str) -> None:
        from tui_api.core.collection.yaml_format import load_collection

        try:
            collection = load_collection(path)
        except TuiApiError as exc:
            problems = getattr(exc, "problems", None) or []
            detail = str(exc) + ("".join(f"\n  {p}" for p in problems[:20]) if len(problems) > 1 else "")
            self.post_message(CollectionFailed(path, detail))
            return
        except Exception as exc:  # noqa: BLE001 - one line, never a crash
            self.app.log_unexpected(exc)
            self.post_message(CollectionFailed(path, f"unexpected {exc.__class__.__name__}: {exc}"))
            return
        self.post_message(CollectionLoaded(collection))

    @work(thread=True, exclusive=True, group="collection-save")
    def save_collection_file(self, collection: Collection, path: str | None) -> None:
        from tui_api.core.collection.yaml_format import save_collection

        try:
            save_collection(collection, path)
        except TuiApiError as exc:
            self.post_message(CollectionSaved(path or collection.path or "", str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            self.app.log_unexpected(exc)
            self.post_message(CollectionSaved(path or "", f"unexpected {exc.__class__.__name__}: {exc}"))
            return
        self.post_message(CollectionSaved(collection.path or path or ""))

    # --- message handlers -----------------------------------------------------------------
    def on_collection_loaded(self, message: CollectionLoaded) -> None:
        workspace: Workspace = self.app.workspace
        workspace.set_collection(message.collection)
        self.query_one(CollectionTree).set_collection(message.collection)
        self._refresh_environments()
        self._refresh_auth_choices()
        self.query_one("#left-tabs", TabbedContent).active = "tab-collection"
        self.query_one(CollectionTree).tree.focus()
        self.app.sub_title = message.collection.name
        spec = message.collection.spec
        if spec and self.document is None and not getattr(self.app, "source", None) and message.collection.path:
            # the spec the collection was imported from opens beside it
            source = spec if "://" in spec else str(Path(message.collection.path).resolve().parent / spec)
            self.app.source = source
            self._show_status(f"Opening {source} …")
            self.tree.loading = True
            self.load_spec(source)
        requests = message.collection.requests()
        if requests and self.document is None:
            self.query_one(CollectionTree).select_request(requests[0])

    def on_collection_failed(self, message: CollectionFailed) -> None:
        self.notify(message.error, title="Collection not opened", severity="error", timeout=12)
        self.editor.operation_info.show_message(
            f"Could not open the collection {message.path}:\n\n{message.error}\n\n"
            "Fix the file and open it again; nothing was changed on disk.", style="bold red")

    def on_collection_saved(self, message: CollectionSaved) -> None:
        if message.error:
            self.notify(message.error + " (your edits are still in the editor)", title="Not saved",
                        severity="error", timeout=12)
            return
        tree = self.query_one(CollectionTree)
        tree.refresh_tree()
        self._check_modified()
        self._saved_into_collection()
        if self._location is not None:
            tree.select_request_quietly(self._location.request)
        self.notify(f"saved to {message.path}")

    def on_collection_tree_request_selected(self, message: CollectionTree.RequestSelected) -> None:
        def go() -> None:
            self._load_from_collection(message.request, message.folders)

        if self._location is not None and message.request is self._location.request:
            return
        self.guard_unsaved(go)

    def _load_from_collection(self, request: Request, folders: tuple[str, ...]) -> None:
        self._flush_draft()  # the edits of what was open go to its draft first
        self._location = Location(folders, request)
        title = " / ".join((*folders, request.name))
        self._title_text = title
        self.editor.load(request, title=title)
        lines = [title, ""]
        if request.description:
            lines += [request.description, ""]
        expect = request.expect
        if not expect.is_empty():
            lines.append("Checks after each send (the Checks tab of the response):")
            if expect.status:
                lines.append(f"  status {' or '.join(str(code) for code in expect.status)}")
            lines += [f"  json {path} {value!r}" for path, value in expect.json.items()]
            lines += [f"  header {name} contains {value!r}" for name, value in expect.headers.items()]
            if expect.max_ms is not None:
                lines.append(f"  at most {expect.max_ms:g} ms")
            if expect.schema:
                lines.append("  body matches the spec's response schema")
            lines.append("")
        if request.capture:
            lines.append("Captures (variables for later requests):")
            lines += [f"  {name} <- {rule}" for name, rule in request.capture.items()]
            lines.append("")
        lines.append("From the collection: ctrl+s saves your edits over it.")
        self.editor.operation_info.show_message("\n".join(lines), style="")
        self._refresh_auth_choices()
        self._set_modified(False)
        self._begin_draft(self.draft_key_for_location(self._location), title, title)

    def on_request_editor_edited(self) -> None:
        timer = getattr(self, "_edit_timer", None)
        if timer is not None:
            timer.stop()
        self._edit_timer = self.set_timer(EDIT_CHECK_DELAY, self._check_modified)
        self._schedule_draft()

    def _check_modified(self) -> None:
        editor: RequestEditor = self.editor
        self._set_modified(editor.current_request() != editor.base_request)

    def _set_modified(self, modified: bool) -> None:
        self._modified = modified
        editor = self.editor
        base_title = getattr(self, "_title_text", "")
        location = self._location
        editor.set_title(base_title + ("  ● modified" if modified else ""))
        tree = self.query_one(CollectionTree)
        tree.mark_modified(location.request if (modified and location is not None) else None)

    def has_unsaved(self) -> bool:
        """Unsaved edits to a request from the collection (spec requests can be rebuilt)."""
        if self._location is None:
            return False
        self._check_modified()
        return self._modified

    def guard_unsaved(self, then: Any) -> None:
        """Run `then` now, or after the user agrees to drop unsaved edits."""
        if not self.has_unsaved():
            then()
            return
        from tui_api.tui.screens.confirm import ConfirmScreen

        name = self._location.request.name if self._location else "this request"

        def answered(discard: bool | None) -> None:
            if discard:
                self._drop_draft()
                self._set_modified(False)
                then()

        self.app.push_screen(ConfirmScreen(f"'{name}' has unsaved changes. Discard them?"), answered)

    # --- environment and auth -------------------------------------------------------------
    def _refresh_environments(self) -> None:
        workspace: Workspace = self.app.workspace
        select = self.query_one("#environment", Select)
        names = workspace.environments
        select.set_options([(f"env: {name}", name) for name in names])
        select.set_class(bool(names), "-shown")
        if workspace.environment:
            select.value = workspace.environment

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "environment" or event.value is Select.BLANK:
            return
        workspace: Workspace = self.app.workspace
        if event.value != workspace.environment:
            workspace.select_environment(str(event.value))
            self.notify(f"environment: {event.value}")

    def _refresh_auth_choices(self) -> None:
        workspace: Workspace = self.app.workspace
        folders = self._location.folders if self._location else ()
        self.editor.set_auth_profiles(workspace.profile_names(), workspace.inherited_auth(folders))

    def action_auth_profiles(self) -> None:
        from tui_api.tui.screens.auth_profiles import AuthProfilesScreen

        workspace: Workspace = self.app.workspace
        try:
            screen = AuthProfilesScreen(workspace.profile_store(), workspace.secret_store(),
                                        select=self.editor.current_request().auth)
        except TuiApiError as exc:
            self.notify(str(exc), title="Auth profiles", severity="error")
            return

        def closed(_result: object = None) -> None:
            workspace.reload_profiles()
            self._refresh_auth_choices()

        self.app.push_screen(screen, closed)

    def action_profiles_from_spec(self) -> None:
        """Offer the spec's securitySchemes as auth profiles (personal; secrets are set on f2)."""
        schemes = getattr(self.document, "security_schemes", None) or {}
        if not schemes:
            self.notify("the open spec declares no securitySchemes", severity="warning")
            return
        self.create_profiles_from_spec(schemes)

    @work(thread=True, exclusive=True, group="auth-from-spec")
    def create_profiles_from_spec(self, schemes: dict[str, Any]) -> None:
        from tui_api.core.auth.spec import profiles_from_security_schemes

        workspace: Workspace = self.app.workspace
        try:
            store = workspace.profile_store()
            existing = store.all()
            created = [p for name, p in profiles_from_security_schemes(schemes).items() if name not in existing]
            for profile in created:
                store.save(profile, "personal")
        except TuiApiError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Auth profiles", severity="error")
            return
        self.app.call_from_thread(self._profiles_created, [p.name for p in created])

    def _profiles_created(self, names: list[str]) -> None:
        self.app.workspace.reload_profiles()
        self._refresh_auth_choices()
        if names:
            self.notify(f"created auth profiles {', '.join(names)}: set their secrets with f2 "
                        "(or TUI_API_SECRET_<PROFILE>_<FIELD>)")
        else:
            self.notify("every security scheme of the spec already has a profile")

    def on_request_editor_manage_auth_requested(self) -> None:
        self.action_auth_profiles()

    def action_focus_environment(self) -> None:
        select = self.query_one("#environment", Select)
        if not select.has_class("-shown"):
            self.notify("no environments: open a collection with `environments:` to pick one", severity="warning")
            return
        select.focus()

    def action_show_variables(self) -> None:
        from tui_api.core.collection.variables import env_names_used, request_texts
        from tui_api.tui.screens.variables import VariablesScreen

        workspace: Workspace = self.app.workspace
        texts = [text for _where, text in request_texts(self.editor.current_request())]
        if workspace.collection is not None:
            for request in workspace.collection.requests():
                texts.extend(text for _where, text in request_texts(request))
        rows = workspace.context.sources(env_names_used(texts))
        self.app.push_screen(VariablesScreen(rows, environment=workspace.environment))

    def action_new_request(self) -> None:
        """A blank request (the current one is kept if it has unsaved collection edits and you say so)."""

        def blank() -> None:
            self._end_draft()
            self._location = None
            self._title_text = "new request"
            self.editor.load(Request(name="new request"), title=self._title_text)
            self.editor.set_servers([], None)
            self._refresh_auth_choices()
            self._set_modified(False)
            self._begin_scratch_draft()
            self.editor.focus_url()

        self.guard_unsaved(blank)

    # --- rename / duplicate / move / delete -----------------------------------------------
    def on_collection_tree_item_action(self, message: CollectionTree.ItemAction) -> None:
        from tui_api.tui.screens.confirm import ConfirmScreen
        from tui_api.tui.screens.prompt import PromptScreen

        workspace: Workspace = self.app.workspace
        request = message.request
        is_open = self._location is not None and self._location.request is request

        def save() -> None:
            self.query_one(CollectionTree).refresh_tree()
            assert workspace.collection is not None
            self.save_collection_file(workspace.collection, None)

        if message.action == "rename":
            def renamed(name: str | None) -> None:
                if not name or name == request.name:
                    return
                request.name = workspace.unique_name(name)
                if is_open:
                    self.editor.rebase(replace(self.editor.base_request, name=request.name))
                    self._title_text = " / ".join((*message.folders, request.name))
                    self._check_modified()
                save()

            self.app.push_screen(PromptScreen("Rename the request to:", request.name), renamed)
        elif message.action == "duplicate":
            twin = workspace.duplicate(request)
            if twin is not None:
                save()
                self.notify(f"duplicated as '{twin.name}'")
        elif message.action == "move":
            def moved(path: str | None) -> None:
                if path is None:
                    return
                old_name = request.name
                folders = workspace.move(request, "" if path in (".", "/") else path)
                if folders is None:
                    return
                if is_open and self._location is not None:
                    self._location = Location(folders, request)
                    self._title_text = " / ".join((*folders, request.name))
                    if request.name != old_name:
                        self.editor.rebase(replace(self.editor.base_request, name=request.name))
                    self._refresh_auth_choices()
                    self._check_modified()
                save()
                if request.name != old_name:
                    self.notify(f"'{'/'.join(folders) or 'the top level'}' already has a '{old_name}': "
                                f"moved as '{request.name}'")

            known = ", ".join(workspace.folder_paths()) or "none yet"
            self.app.push_screen(PromptScreen(
                f"Move '{request.name}' to folder (a/b; / for the top level; a new name creates it). Folders: {known}",
                "/".join(message.folders) or "/"), moved)
        elif message.action == "delete":
            def confirmed(yes: bool | None) -> None:
                if yes and workspace.delete(request):
                    if is_open:
                        self._location = None
                        self._set_modified(False)
                    save()

            self.app.push_screen(ConfirmScreen(f"Delete '{request.name}' from the collection file?",
                                               yes="Delete", no="Keep"), confirmed)

    # --- cURL in and out ------------------------------------------------------------------
    def on_url_input_curl_pasted(self, message: Any) -> None:
        from tui_api.core.collection.curl import import_curl

        def load() -> None:
            try:
                result = import_curl(message.text)
            except TuiApiError as exc:
                self.notify(str(exc), title="Not a usable cURL command", severity="error")
                return
            workspace: Workspace = self.app.workspace
            for name, value in result.secrets.items():
                workspace.context.set_override(name, value)  # in memory only, never written
            # `-F f=@file` / `--data-binary @file` name files from the shell's folder; the send and
            # the collection read them from the collection's folder (absolute without one)
            from tui_api.core.collection.file_refs import rebase_file_refs

            collection_file = getattr(workspace.collection, "path", None)
            rebase_file_refs(result.request, Path(collection_file).resolve().parent if collection_file else None)
            self._end_draft()
            self._location = None
            self._title_text = "from cURL"
            self.editor.load(result.request, title=self._title_text)
            self._refresh_auth_choices()
            self._set_modified(False)
            if result.warnings:
                self.notify("\n".join(result.warnings[:8]), title="cURL options not mapped", severity="warning",
                            timeout=12)
            else:
                self.notify("request loaded from the cURL command")

        self.guard_unsaved(load)

    def action_export(self, kind: str = "curl") -> None:
        from tui_api.core.export import to_curl, to_httpx
        from tui_api.tui.screens.export import ExportScreen

        workspace: Workspace = self.app.workspace
        request = self.editor.current_request()
        folders = self._location.folders if self._location else ()
        profile_name = workspace.effective_auth(request, folders)
        profile = None
        from tui_api.core.auth.inline import is_inline

        if is_inline(profile_name):
            self.notify("the inline auth is left out (its secret lives in memory only); save it as a profile "
                        "(ctrl+s into a collection) to export a reference to it", severity="warning")
        elif profile_name and profile_name != "none":
            try:
                profile = workspace.profile_store().find(profile_name)
            except Exception:  # noqa: BLE001 - export still works, without the auth reference
                profile = None
        try:
            if kind == "httpx":
                text = to_httpx(request, workspace.context, auth=profile)
                screen = ExportScreen("As a Python httpx script", text, lexer="python")
            else:
                text = to_curl(request, workspace.context, auth=profile)
                screen = ExportScreen("As a cURL command", text, lexer="bash")
        except TuiApiError as exc:
            self.notify(str(exc), title="Cannot export", severity="error")
            return
        self.app.push_screen(screen)

    # --- saving ---------------------------------------------------------------------------
    def action_save_request(self) -> None:
        self._save_from_editor(self.editor.current_request())

    def _save_from_editor(self, request: Request) -> None:
        from tui_api.core.auth.inline import is_inline

        workspace: Workspace = self.app.workspace
        if workspace.collection is None:
            self._ask_new_collection(request)
            return
        if is_inline(request.auth):
            self._ask_inline_profile(request)
            return
        if self._location is not None:
            self._store(request, self._location)
            return
        self._ask_name(request)

    def _ask_inline_profile(self, request: Request) -> None:
        """Inline auth cannot go into a file (its secret is in memory only): it becomes a profile
        of the collection, its secret goes to the keyring, and the request refers to it by name."""
        from tui_api.tui.screens.prompt import PromptScreen

        inline = self.editor.inline_auth()
        if inline is None:
            self.notify("the inline auth is gone from the Auth tab; choose it again", severity="error")
            return
        missing = inline.missing()
        if missing:
            self.notify(f"type the inline auth's {', '.join(missing)} in the Auth tab first (or choose a profile "
                        "or Inherit there); nothing was saved", title="Not saved", severity="error")
            return
        taken = set(self.app.workspace.profile_names())
        default = inline.kind
        number = 2
        while default in taken:
            default = f"{inline.kind}-{number}"
            number += 1

        def named(name: str | None) -> None:
            if name:
                self.convert_inline(request, inline, name.strip())

        self.app.push_screen(PromptScreen(
            "The request uses inline auth. Store it as an auth profile of the collection named:", default,
            hint="the secret goes to the OS keyring, the other fields into the collection; esc cancels the save"),
            named)

    @work(thread=True, exclusive=True, group="inline-profile")
    def convert_inline(self, request: Request, inline: Any, name: str) -> None:
        """Keyring and file access off the UI thread; the outcome comes back on it."""
        from tui_api.core.auth.inline import save_as_profile

        workspace: Workspace = self.app.workspace
        try:
            save_as_profile(inline, name, workspace.profile_store(), workspace.secret_store(), "collection")
        except TuiApiError as exc:
            self.app.call_from_thread(self._inline_not_converted, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self._inline_not_converted, f"cannot write the collection: {exc.strerror or exc}")
            return
        self.app.call_from_thread(self._inline_converted, request, name)

    def _inline_not_converted(self, message: str) -> None:
        self.notify(f"{message}. Nothing was saved; the Auth tab still holds what you typed.",
                    title="Profile not created", severity="error", timeout=15)

    def _inline_converted(self, request: Request, name: str) -> None:
        self.app.workspace.reload_profiles()
        self._refresh_auth_choices()
        self.editor.set_auth_choice(name)
        self.notify(f"auth profile '{name}' created (secret in the keyring); the request now uses it")
        self._save_from_editor(replace(request, auth=name))

    def _ask_new_collection(self, request: Request, *, from_editor: bool = True) -> None:
        from tui_api.tui.screens.prompt import PromptScreen

        def chosen(path: str | None) -> None:
            if not path:
                return
            file = Path(path).expanduser()
            if file.exists():
                self.notify(f"{file} exists: open it with `tui-api {file}` to add to it", severity="error")
                return
            workspace: Workspace = self.app.workspace
            collection = Collection(name=file.stem, path=str(file))
            if workspace.server_url:
                collection.variables["base_url"] = workspace.server_url
            workspace.set_collection(collection)
            self.query_one(CollectionTree).set_collection(collection)
            self._refresh_environments()
            if from_editor:
                self._save_from_editor(request)
            else:
                self._ask_name(request, from_editor=False)

        self.app.push_screen(PromptScreen("No collection is open. Create a collection file:",
                                          "collection.yaml", hint="enter creates it, esc cancels"), chosen)

    def _ask_name(self, request: Request, *, from_editor: bool = True) -> None:
        from tui_api.tui.screens.prompt import PromptScreen

        workspace: Workspace = self.app.workspace

        def named(name: str | None) -> None:
            if name:
                self._store(replace(request, name=workspace.unique_name(name)), None, from_editor=from_editor)

        default = request.name if request.name and request.name != "untitled" else "new request"
        self.app.push_screen(PromptScreen("Save the request into the collection as:", default), named)

    def _store(self, request: Request, location: Location | None, *, from_editor: bool = True) -> None:
        """Put it in the collection and save the file; `from_editor`: it is what the editor shows,
        which from now on is that stored request."""
        from tui_api.core.auth.inline import is_inline

        workspace: Workspace = self.app.workspace
        if is_inline(request.auth):  # from history: its secret is not known, so no profile can be made
            request = replace(request, auth=None)
            self.notify("the request's inline auth was not saved (its secret is never stored): it inherits auth; "
                        "choose a profile in its Auth tab", severity="warning")
        server = self.editor.current_server if from_editor and location is None else None
        if server and workspace.collection is not None:
            # a spec request keeps working in other environments: its server becomes {{base_url}}
            request = replace(request, url="{{base_url}}" + request.url[len(server):])
            workspace.collection.variables.setdefault("base_url", server)
            workspace.context.collection_vars.setdefault("base_url", server)
        if from_editor:
            self._saving_into_collection()
        stored = workspace.put_request(request, location)
        if from_editor:
            self._location = stored
            self._title_text = " / ".join((*stored.folders, request.name))
            if server:
                self.editor.load(request, title=self._title_text)
                self._refresh_auth_choices()
            self.editor.rebase(request)
        self.query_one("#left-tabs", TabbedContent).active = "tab-collection"
        assert workspace.collection is not None
        self.save_collection_file(workspace.collection, None)
