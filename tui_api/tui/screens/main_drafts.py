"""The main screen's drafts: what the editor holds is written to the core's draft store about a second
after the last edit, and given back when the same spec operation or collection request is opened
again (after a quit, a crash or a switch). Mixed into `MainScreen`.

The draft target changes whenever something else is loaded into the editor; the pending edit of the
old target is written first (`_flush_draft`), so switching never loses the last second of typing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tui_api.core.collection.model import Request

DRAFT_DELAY = 1.0  # seconds after the last edit
SCRATCH_KEY = "scratch:new request"  # a request typed from blank (no spec operation, no collection)


class DraftMixin:
    """Needs from the screen: `editor`, `app`, `notify`, `set_timer`, `_location`, `_set_modified`."""

    _draft_key: str | None = None
    _draft_label: str = ""
    _draft_baseline: Request | None = None  # the editor's request as loaded: no edits = no draft
    _draft_fresh: Request | None = None  # the spec/collection version ("Discard draft" returns to it)
    _draft_title: str = ""
    _draft_timer: Any = None
    _draft_failed: bool = False
    _pending_saved_keys: tuple[str | None, ...] = ()

    # --- keys ---------------------------------------------------------------------------------
    def _spec_scope(self) -> str | None:
        app = self.app
        scope = getattr(app, "draft_scope", None)
        if scope:
            return scope
        document = getattr(self, "document", None)
        return getattr(document, "source", None) or getattr(app, "source", None)

    def draft_key_for_operation(self, operation: Any) -> str | None:
        from tui_api.core.drafts import spec_key

        scope = self._spec_scope()
        return spec_key(scope, operation.key) if scope else None

    def draft_key_for_location(self, location: Any) -> str | None:
        from tui_api.core.drafts import collection_key

        collection = self.app.workspace.collection
        if location is None or collection is None or not collection.path:
            return None
        return collection_key(collection.path, location.folders, location.request.name)

    # --- switching target and restoring -------------------------------------------------------
    def _begin_draft(self, key: str | None, label: str, title: str) -> bool:
        """The editor was just loaded with the spec/collection version of `key`. Bring back its
        draft if there is one; True when it did. Callers flush the old target before loading."""
        editor = self.editor
        self._draft_key = key
        self._draft_label = label
        self._draft_title = title
        self._draft_fresh = replace(editor.base_request)
        self._draft_baseline = editor.current_request()
        if key is None:
            return False
        store = self.app.draft_store
        draft = store.load(key)
        if draft is None:
            return False
        request = draft.request
        old_server = draft.meta.get("server")
        new_server = editor.current_server or getattr(self.app, "server_url", None)
        if old_server and new_server and old_server != new_server and request.url.startswith(old_server):
            request = replace(request, url=new_server + request.url[len(old_server):])  # the demo's new port
        if request == self._draft_baseline:
            store.remove(key)
            return False
        fresh = self._draft_fresh
        inline = draft.meta.get("inline_auth")
        if isinstance(inline, dict):
            editor.set_inline_fields({str(k): str(v) for k, v in inline.items()})  # never a secret
        editor.load(request, title=title)
        editor.rebase(fresh)
        self._set_modified(True)
        self.notify(f"restored your unsaved edits from {draft.age_text()}. To go back to {self._draft_origin()}: "
                    "ctrl+p, 'Discard draft'.", title="Draft restored", timeout=10)
        return True

    def _draft_origin(self) -> str:
        if self._draft_key == SCRATCH_KEY:
            return "a blank request"
        return "the collection's version" if self._location is not None else "the spec's version"

    def _begin_scratch_draft(self) -> None:
        """A blank editor (ctrl+n, or no spec and no collection): the last request typed from blank
        and never saved comes back."""
        self._begin_draft(SCRATCH_KEY, "your new request", getattr(self, "_title_text", "") or "new request")

    def _end_draft(self) -> None:
        """Something without a draft identity (a blank request, history, cURL) takes the editor."""
        self._flush_draft()
        self._draft_key = None
        self._draft_baseline = None
        self._draft_fresh = None

    # --- writing ------------------------------------------------------------------------------
    def _schedule_draft(self) -> None:
        if self._draft_key is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._write_draft)

    def _flush_draft(self) -> None:
        """Write the pending edit now (before the editor's target changes, or on quit)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
            self._write_draft()

    def flush_draft(self, *, force: bool = False) -> None:
        """Write a pending edit now; `force` also writes when no edit is pending (a crash)."""
        if force and self._draft_timer is None and self._draft_key is not None:
            self._write_draft()
        else:
            self._flush_draft()

    def _write_draft(self) -> None:
        self._draft_timer = None
        key = self._draft_key
        if key is None:
            return
        store = self.app.draft_store
        request = self.editor.current_request()
        try:
            if request == self._draft_baseline:
                store.remove(key)  # the edits were undone
            else:
                server = self.editor.current_server or getattr(self.app, "server_url", None)
                meta: dict[str, Any] = {"server": server} if server else {}
                inline = self.editor.inline_auth()
                if inline is not None:
                    meta["inline_auth"] = inline.plain()  # the kind and plain fields: the secret stays in memory
                store.save(key, request, label=self._draft_label, meta=meta)
        except OSError as exc:
            if not self._draft_failed:
                self._draft_failed = True
                self.notify(f"cannot keep a draft of your edits in {store.folder}: {exc.strerror or exc}",
                            title="Drafts not saved", severity="warning", timeout=10)
            return
        self._draft_failed = False

    def has_draft(self) -> bool:
        key = self._draft_key
        return key is not None and self.app.draft_store.load(key) is not None

    # --- user commands --------------------------------------------------------------------------
    def action_discard_draft(self) -> None:
        """Back to the spec's (or collection's) version; the draft file goes."""
        key = self._draft_key
        fresh = self._draft_fresh
        if key is None or fresh is None:
            self.notify("nothing open has a draft (drafts are kept for spec operations and saved collections)",
                        severity="warning")
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        removed = self.app.draft_store.remove(key)
        edited = self.editor.current_request() != self._draft_baseline
        if not removed and not edited:
            self.notify("no draft: the editor already shows the saved version")
            return
        self.editor.load(fresh, title=self._draft_title)
        self.editor.rebase(fresh)
        self._refresh_auth_choices()
        self._set_modified(False)
        self._draft_baseline = self.editor.current_request()
        self.notify(f"draft discarded: back to {self._draft_origin()}")

    def _drop_draft(self) -> None:
        """The user chose to discard the edits (answering the unsaved-changes question)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._draft_key is not None:
            self.app.draft_store.remove(self._draft_key)

    def _saving_into_collection(self) -> None:
        """ctrl+s started: once the file is written, the draft of what was open is done with."""
        self._pending_saved_keys = (self._draft_key,)

    def _saved_into_collection(self) -> None:
        """The collection file was written: drafts of the request (under its old and new identity) go."""
        new_key = self.draft_key_for_location(self._location)
        store = self.app.draft_store
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        for key in {*self._pending_saved_keys, new_key}:
            if key:
                store.remove(key)
        self._pending_saved_keys = ()
        if new_key is not None:
            self._draft_key = new_key
            self._draft_label = self._title_text
            self._draft_title = self._title_text
            self._draft_fresh = replace(self.editor.base_request)
            self._draft_baseline = replace(self.editor.base_request)
            if self.editor.current_request() != self._draft_baseline:
                self._schedule_draft()  # typed on while the file was being written

    def confirm_quit(self, then: Any) -> None:
        """Quitting with a collection request not saved: nothing is lost (the draft is on disk), but
        the file on disk is not what the editor shows, so say so once."""
        from tui_api.tui.screens.confirm import ConfirmScreen

        name = self._location.request.name if self._location is not None else "this request"
        kept = (" Your edits are kept as a draft and come back when you open it again."
                if self._draft_key is not None else "")
        question = f"'{name}' has edits not saved to the collection file.{kept} Quit now?"

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                then()

        self.app.push_screen(ConfirmScreen(question, yes="Quit", no="Keep editing"), answered)

    def draft_note(self) -> str | None:
        """What the terminal says after quitting when the open request's edits live on as a draft."""
        if not self.has_draft():
            return None
        return (f"your unsaved edits to {self._draft_label or 'the open request'} are kept as a draft "
                f"(in {self.app.draft_store.folder}); they come back when you open it again")
