"""The main screen's sending side: the send worker, cancel, history, checks and captures, saving a
response body. Mixed into `MainScreen` (handlers use Textual's `on_<message>` naming, which works
through a mixin); each worker calls one core function and posts one message."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from textual import work

from tui_api.core.collection.model import Request
from tui_api.core.errors import TuiApiError
from tui_api.tui.messages import BodySaved, ChecksDone, SendFinished


class SendMixin:
    """Needs from the screen: `editor`, `response`, `workers`, `_location`, `_send_id`, `_sending`."""

    @work(exclusive=True, group="send")
    async def send_request(self, send_id: int, request: Request, folders: tuple[str, ...] = (),
                           inline: object = None) -> None:
        """`inline`: the InlineAuth the Auth tab holds (request.auth is then `inline:<kind>`); it is
        handed to the pipeline as the provider, the same path a profile takes."""
        from tui_api.core.auth.inline import is_inline
        from tui_api.core.http.pipeline import SendOptions, execute

        workspace = self.app.workspace
        live: list = []  # the Exchange as it fills: progress, and what arrived before a cancel
        try:
            profile = workspace.effective_auth(request, folders)
            if is_inline(profile):
                provider = inline
                secret_headers = tuple(inline.sensitive_names()[0]) if inline is not None else ()
            else:
                provider = workspace.auth_provider() if profile and profile != "none" else None
                secret_headers = workspace.secret_headers(profile)
            self.response.watch_exchange(live)
            exchange = await execute(
                request,
                client=self.app.http_client,
                variables=self.app.variables(),
                auth_profile=profile,
                auth_provider=provider,
                base_dir=self.app.base_dir,
                options=SendOptions(secret_headers=secret_headers, observe=live.append),
            )
        except asyncio.CancelledError:
            partial = live[0] if live else None
            if partial is not None and partial.status is not None:
                # a stream (text/event-stream) or a slow body: keep what arrived, marked as stopped
                partial.error = f"stopped by you after {partial.body_size} bytes: the body is what arrived until then"
                partial.error_kind = "cancelled"
                partial.elapsed_ms = max(0.0, (time.time() - partial.started_at) * 1000)
                self.post_message(SendFinished(send_id, request, exchange=partial))
            else:
                self.post_message(SendFinished(send_id, request, cancelled=True))
            raise
        except TuiApiError as exc:
            self.post_message(SendFinished(send_id, request, error=str(exc)))
            return
        self.post_message(SendFinished(send_id, request, exchange=exchange))

    @work(thread=True, group="history")
    def append_history(self, request: Request, exchange: object, folders: tuple[str, ...],
                       inline: object = None) -> None:
        """Every send goes to the history file, redacted (the store masks what the profile marks secret)."""
        from tui_api.core.auth.inline import is_inline

        workspace = self.app.workspace
        try:
            profile = workspace.effective_auth(request, folders)
            headers: list[str] = []
            params: list[str] = []
            secrets: list[str] = []
            if is_inline(profile):
                if inline is not None:
                    headers, params = inline.sensitive_names()
                    secrets = inline.secret_values()
            elif profile and profile != "none":
                provider = workspace.auth_provider()
                headers, params = provider.sensitive_names(profile)
                secrets = provider.secret_values()
            collection = workspace.collection
            self.app.history_store.append(
                request, exchange, sensitive_headers=headers, sensitive_params=params, secrets=secrets,
                collection=collection.path if collection is not None else None,
                environment=workspace.environment,
            )
        except Exception as exc:  # noqa: BLE001 - history must never break sending
            self.app.call_from_thread(self.notify, f"history not written: {exc}", severity="warning")

    @work(thread=True, exclusive=True, group="checks")
    def run_request_checks(self, send_id: int, request: Request, exchange: object) -> None:
        """The same checks and captures `tui-api run` applies, on this one response."""
        from tui_api.core.runner.checks import BodyView, run_captures, run_checks

        body = BodyView(exchange)
        results = run_checks(request.expect, exchange, body=body, operation=request.operation)
        captured, failures = run_captures(request.capture, exchange, body) if request.capture else ({}, [])
        self.post_message(ChecksDone(send_id, [*results, *failures], captured))

    def on_checks_done(self, message: ChecksDone) -> None:
        if message.send_id != self._send_id:
            return
        for name, value in message.captured.items():
            self.app.workspace.context.capture(name, value)
        self.response.show_checks(message.results, message.captured)

    @work(thread=True, group="save-body")
    def save_body(self, path: str, body: bytes) -> None:
        from tui_api.core.fileio import write_atomic

        try:
            write_atomic(Path(path).expanduser(), body)
        except OSError as exc:
            self.post_message(BodySaved(path, len(body), error=f"cannot write {path}: {exc.strerror or exc}"))
            return
        self.post_message(BodySaved(path, len(body)))

    def on_send_finished(self, message: SendFinished) -> None:
        if message.send_id != self._send_id:
            return  # an older send that a newer one replaced
        self._set_sending(False)
        if message.cancelled:
            self.response.show_cancelled()
        elif message.error is not None:
            self.response.show_error("NOT SENT", message.error)
            self.notify(message.error, title="Request not sent", severity="error")
        elif message.exchange is not None:
            self.response.show_exchange(message.exchange)
            folders = self._location.folders if self._location is not None else ()
            self.append_history(message.request, message.exchange, folders, getattr(self, "_sent_inline", None))
            request = message.request
            if message.exchange.status is not None and (not request.expect.is_empty() or request.capture):
                self.run_request_checks(message.send_id, request, message.exchange)

    def on_body_saved(self, message: BodySaved) -> None:
        if message.error:
            self.notify(message.error, title="Not saved", severity="error")
        else:
            self.notify(f"saved {message.size} bytes to {message.path}")

    def _set_sending(self, sending: bool) -> None:
        self._sending = sending
        self.editor.set_sending(sending)
        self.refresh_bindings()

    def action_send(self) -> None:
        request = self.editor.current_request()
        self._send_id += 1
        self._set_sending(True)
        self.response.start(request.method, request.url)
        folders = self._location.folders if self._location is not None else ()
        self._sent_inline = self.editor.inline_auth()  # a snapshot: typing on does not change this send
        self.send_request(self._send_id, request, folders, self._sent_inline)

    def action_cancel_send(self) -> None:
        if not self._sending:
            return
        self.workers.cancel_group(self, "send")
        # the worker posts SendFinished(cancelled=True); if it had not started yet, finish here
        self.set_timer(0.5, self._cancel_fallback)

    def _cancel_fallback(self) -> None:
        if self._sending and not any(w.group == "send" and not w.is_finished for w in self.workers):
            self._set_sending(False)
            self.response.show_cancelled()

    def action_show_history(self) -> None:
        from tui_api.tui.screens.history import HistoryChoice, HistoryScreen

        def chosen(choice: HistoryChoice | None) -> None:
            if choice is None:
                return
            request = choice.entry.to_request()
            if choice.action == "save":
                if self.app.workspace.collection is None:
                    self._ask_new_collection(request, from_editor=False)
                else:
                    self._ask_name(request, from_editor=False)
                return

            def load() -> None:
                self._end_draft()
                self._location = None
                self._title_text = f"from history: {choice.entry.method} {choice.entry.url}"
                self.editor.load(request, title=self._title_text)
                self._refresh_auth_choices()
                self._set_modified(False)

            self.guard_unsaved(load)

        self.app.push_screen(HistoryScreen(self.app.history_store), chosen)

    def action_save_body(self) -> None:
        exchange = self.response.exchange
        if exchange is None or exchange.status is None:
            self.notify("no response body to save yet", severity="warning")
            return
        from tui_api.tui.screens.prompt import PromptScreen

        suggested = suggest_filename(exchange.url, exchange.content_type, exchange.status)
        body = exchange.body
        hint = "enter saves (atomically), esc cancels"
        if exchange.truncated:
            hint = (f"only the first {len(body)} of {exchange.body_size} bytes were kept in memory; "
                    "those are saved. " + hint)

        def chosen(path: str | None) -> None:
            if path:
                self.save_body(path, body)

        self.app.push_screen(PromptScreen("Save the response body to:", suggested, hint=hint), chosen)

    def action_copy_body(self) -> None:
        """The response body to the clipboard (text only, at most 1 MB; save larger ones with ctrl+o)."""
        exchange = self.response.exchange
        if exchange is None or not exchange.body:
            self.notify("no response body to copy", severity="warning")
            return
        body = exchange.body[:1024 * 1024]
        if b"\x00" in body[:4096]:
            self.notify("the body is binary: save it with ctrl+o instead", severity="warning")
            return
        self.app.copy_to_clipboard(body.decode("utf-8", errors="replace"))
        cut = " (first 1 MB)" if len(exchange.body) > len(body) else ""
        self.notify(f"response body copied{cut} (your terminal must allow OSC 52)")



def suggest_filename(url: str, content_type: str, status: int | None) -> str:
    ext = {"json": "json", "xml": "xml", "html": "html", "plain": "txt", "yaml": "yaml", "csv": "csv"}
    kind = content_type.split(";")[0].split("/")[-1].split("+")[-1].lower()
    suffix = ext.get(kind, "bin")
    last = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", last)[:40] or "response"
    return f"{stem}-{status}.{suffix}"
