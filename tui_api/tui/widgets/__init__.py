"""Widgets of the tui-api TUI: each holds one thing and no HTTP, file or auth logic."""
