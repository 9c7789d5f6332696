"""The user's key remapping: `<config dir>/keymap.yaml` maps a binding id to the keys for it.

    send: ctrl+enter,f9        # a comma-separated string
    save-request: [ctrl+s, f10] # or a list

Every binding the app declares has an id (the help screen lists them). The file is read once at
start and handed to Textual's own keymap (`App.set_keymap`), so footer, help and key handling all see
the same keys. A broken file never stops the app: the problems are reported in one notification and
the defaults stay.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from textual.binding import Binding
from textual.keys import Keys

FILE_NAME = "keymap.yaml"
MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAMES = {key.value for key in Keys}


@dataclass
class KeymapResult:
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> "key1,key2"
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def keymap_path() -> Path:
    from tui_api.core.paths import config_dir

    return config_dir() / FILE_NAME


def binding_owners() -> list[type]:
    """Every class whose BINDINGS carry ids a user can remap."""
    from tui_api.tui.app import TuiApiApp
    from tui_api.tui.screens.auth_profiles import AuthProfilesScreen
    from tui_api.tui.screens.confirm import ConfirmScreen
    from tui_api.tui.screens.export import ExportScreen
    from tui_api.tui.screens.help import HelpScreen
    from tui_api.tui.screens.history import HistoryScreen
    from tui_api.tui.screens.main import MainScreen
    from tui_api.tui.screens.prompt import PromptScreen
    from tui_api.tui.screens.variables import VariablesScreen
    from tui_api.tui.screens.warnings import WarningsScreen
    from tui_api.tui.widgets.collection_tree import CollectionTree

    return [TuiApiApp, MainScreen, CollectionTree, HelpScreen, HistoryScreen, AuthProfilesScreen,
            ConfirmScreen, ExportScreen, PromptScreen, VariablesScreen, WarningsScreen]


def known_bindings() -> dict[str, Binding]:
    """Binding id -> its default Binding."""
    found: dict[str, Binding] = {}
    for owner in binding_owners():
        for binding in getattr(owner, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = binding
    return found


def check_key(key: str) -> str | None:
    """None when Textual can bind `key`; otherwise what is wrong with it."""
    if not key:
        return "an empty key"
    if key != key.strip() or " " in key:
        return f"'{key}' has a space (write ctrl+enter, not 'ctrl + enter')"
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"'{key}': unknown modifier '{unknown[0]}' (use ctrl, shift, alt, meta)"
    if len(name) == 1 or name in _KEY_NAMES:
        return None
    try:
        unicodedata.lookup(name.replace("_", " "))
        return None
    except KeyError:
        return f"'{key}': unknown key '{name}' (e.g. f9, enter, escape, ctrl+j, question_mark)"


def parse_keymap(text: str, known: set[str], *, path: Path | None = None) -> KeymapResult:
    """The valid entries of a keymap file and one line per problem (with its line when YAML says)."""
    import yaml

    result = KeymapResult(path=path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        result.problems.append(f"not valid YAML: {where}{problem}")
        return result
    if data is None:
        return result
    if not isinstance(data, dict):
        result.problems.append(f"expected a mapping of binding id to keys (e.g. 'send: f9'), got a {type(data).__name__}")
        return result
    for binding_id, keys in data.items():
        name = str(binding_id)
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else " (the help screen, ? or f1, lists the ids)"
            result.problems.append(f"unknown binding id '{name}'{hint}")
            continue
        if isinstance(keys, str):
            key_list = [k.strip() for k in keys.split(",")]
        elif isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            key_list = [k.strip() for k in keys]
        else:
            result.problems.append(f"'{name}': keys must be a string like 'ctrl+j,f9' or a list of strings, "
                                   f"got {keys!r}")
            continue
        bad = [problem for problem in (check_key(k) for k in key_list) if problem]
        if bad:
            result.problems.append(f"'{name}': {bad[0]}")
            continue
        result.keymap[name] = ",".join(key_list)
    return result


def load_keymap(path: Path | None = None) -> KeymapResult:
    """Read the user's keymap file; a missing file is no keymap and no problem."""
    path = path or keymap_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeymapResult(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        return KeymapResult(problems=[f"cannot read it: {getattr(exc, 'strerror', None) or exc}"], path=path)
    return parse_keymap(text, set(known_bindings()), path=path)
