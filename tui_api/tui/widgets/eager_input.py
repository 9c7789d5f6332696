"""An Input whose own key bindings (backspace, ctrl+u, home, ctrl+k, enter...) act as the key arrives.

Textual inserts a printable key as soon as the focused Input receives it, but runs the Input's
bindings only after the key has bubbled through every ancestor's message queue up to the app. Keys
that arrive in one terminal read (a paste-like burst, tmux send-keys, a fast typist) were then
applied out of order: `ctrl+u` + text cleared the text typed after it, `backspace` deleted a later
letter. Every Input of the app derives from this so they all edit in the order keys were typed.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class EagerInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # Input's own _on_key inserts it next (Textual calls each class's handler)
        bindings = self._bindings
        keymap = getattr(self.app, "_keymap", None)
        if keymap:  # the user's keymap.yaml, as Textual applies it to the binding chain
            bindings = bindings.copy()
            bindings.apply_keymap(keymap)
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue  # the app already ran priority bindings before the key got here
            # the App's run_action says whether it ran (Widget.run_action returns None)
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
