"""Allows `python -m tui_api`."""

from tui_api.cli.main import main

raise SystemExit(main())
