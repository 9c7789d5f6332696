"""Screens of the tui-api TUI."""
