"""tui-api: a keyboard-driven API explorer for the terminal."""

__version__ = "0.1.0"
