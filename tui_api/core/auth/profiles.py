"""Auth profiles: a name, a kind and the non-secret fields, from a collection or the user's config.

Two places hold profiles:

- the collection (`auth_profiles:` in its YAML file), so a team shares which auth a request needs;
- the personal file `paths.config_dir()/auth_profiles.yaml`, for profiles only this user has.

When both define the same name, the collection's profile wins: a request in a shared collection must
mean the same thing on every machine (and on CI, where no personal file exists). `auth list` marks the
personal one as shadowed. Secrets are never in either file; they live in the keyring (or come from an
environment variable), keyed by profile name and field, see `secrets.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tui_api.core.auth.kinds import KINDS, kind_spec
from tui_api.core.errors import AuthError

if TYPE_CHECKING:
    from tui_api.core.auth.secrets import SecretStore
    from tui_api.core.collection.model import Collection

Origin = Literal["collection", "personal", "inline"]
PERSONAL_FILE = "auth_profiles.yaml"
_HEADER = "# tui-api personal auth profiles. No secrets here: they live in the OS keyring.\n"


@dataclass
class AuthProfile:
    """A profile without its secrets. `fields` holds only non-secret values, as strings."""

    name: str
    kind: str
    fields: dict[str, str] = field(default_factory=dict)
    origin: Origin = "personal"

    def get(self, name: str) -> str:
        """The field's value, or the kind's default for it."""
        value = self.fields.get(name)
        if value not in (None, ""):
            return str(value)
        spec = KINDS[self.kind].field(name) if self.kind in KINDS else None
        return spec.default if spec else ""

    def to_mapping(self) -> dict[str, Any]:
        """What a file stores: kind first, then the fields in the kind's order, without empties."""
        out: dict[str, Any] = {"kind": self.kind}
        spec = KINDS.get(self.kind)
        order = [f.name for f in spec.plain_fields] if spec else []
        for name in order + [n for n in self.fields if n not in order]:
            value = self.fields.get(name)
            if value not in (None, ""):
                out[name] = value
        return out

    def problems(self) -> list[str]:
        """What stops this profile from being used (missing required plain fields)."""
        spec = kind_spec(self.kind)
        found = []
        for f in spec.plain_fields:
            value = self.get(f.name)
            if f.required and not value:
                found.append(f"'{f.name}' is required")
            if f.choices and value and value not in f.choices:
                found.append(f"'{f.name}' must be one of {', '.join(f.choices)}, not '{value}'")
        if self.kind == "apikey" and (self.get("in") or "header") in ("header", "cookie"):
            # a space or ':' in a header name was sent by one transport and refused by the other
            name = self.get("name")
            if name and not _HEADER_TOKEN.match(name):
                found.append(f"'name' {name!r} is not a valid {self.get('in') or 'header'} name "
                             "(letters, digits and - only)")
        return found


_HEADER_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def validate_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AuthError("an auth profile needs a name")
    if name.lower() == "none":
        raise AuthError("'none' is reserved (it means: send without auth)", hint="choose another profile name")
    if ":" in name or any(ch.isspace() for ch in name):
        raise AuthError(f"auth profile name '{name}' may not contain ':' or spaces")
    return name


def profile_from_mapping(name: str, data: Any, origin: Origin = "personal", where: str = "") -> AuthProfile:
    """Build a profile from a file's mapping; a secret value found there is an error, not ignored."""
    place = f" in {where}" if where else ""
    if not isinstance(data, dict):
        raise AuthError(f"auth profile '{name}'{place} must be a mapping with a 'kind'")
    kind = data.get("kind")
    if not kind:
        raise AuthError(f"auth profile '{name}'{place} has no 'kind'", hint=f"use one of: {', '.join(KINDS)}")
    if str(kind) not in KINDS:  # say which profile in which file, not just the kind
        raise AuthError(f"auth profile '{name}'{place} has an unknown kind '{kind}'",
                        hint=f"use one of: {', '.join(KINDS)}")
    spec = kind_spec(str(kind))
    fields: dict[str, str] = {}
    for key, value in data.items():
        if key == "kind" or value is None:
            continue
        fspec = spec.field(str(key))
        if fspec is not None and fspec.secret:
            raise AuthError(
                f"auth profile '{name}'{place} contains the secret '{key}'; secrets never go in files",
                hint=f"delete it from the file and run `tui-api auth set {name}` to keep it in the keyring",
            )
        if isinstance(value, (list, tuple)):
            value = " ".join(str(v) for v in value)
        fields[str(key)] = str(value)
    return AuthProfile(name=name, kind=spec.kind, fields=fields, origin=origin)


def personal_path() -> Path:
    from tui_api.core import paths

    return paths.config_dir() / PERSONAL_FILE


def load_personal(path: Path | None = None) -> dict[str, AuthProfile]:
    path = path or personal_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AuthError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AuthError(f"{path}: not a text file (byte {exc.start} is not UTF-8)",
                        hint="fix the file or delete it; it holds no secrets") from exc
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise AuthError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})",
                        hint="fix the file or delete it") from exc
    profiles = data.get("profiles", {}) if isinstance(data, dict) else None
    if not isinstance(profiles, dict):
        raise AuthError(f"{path}: expected a 'profiles:' mapping of name -> fields")
    return {str(n): profile_from_mapping(str(n), d, "personal", str(path)) for n, d in profiles.items()}


def save_personal(profiles: dict[str, AuthProfile], path: Path | None = None) -> None:
    import yaml

    from tui_api.core.fileio import write_atomic

    path = path or personal_path()
    payload = {"version": 1, "profiles": {name: p.to_mapping() for name, p in profiles.items()}}
    write_atomic(path, _HEADER + yaml.safe_dump(payload, sort_keys=False, allow_unicode=True), private=True)


def collection_profiles(collection: Collection | None) -> dict[str, AuthProfile]:
    if collection is None:
        return {}
    where = collection.path or f"collection '{collection.name}'"
    return {
        str(name): profile_from_mapping(str(name), data, "collection", where)
        for name, data in (collection.auth_profiles or {}).items()
    }


class ProfileStore:
    """All profiles a collection can use: its own plus the personal ones (collection wins).

    Saving to the collection updates `collection.auth_profiles` and, when the collection has a path,
    changes just that profile in the file through the collection format (hand edits and key order
    survive, and other unsaved edits of the open collection stay unsaved: they are the user's to
    save or drop).
    """

    def __init__(self, collection: Collection | None = None, personal_file: Path | None = None) -> None:
        self.collection = collection
        self.personal_file = personal_file

    @property
    def path(self) -> Path:
        return self.personal_file or personal_path()

    def personal(self) -> dict[str, AuthProfile]:
        return load_personal(self.path)

    def from_collection(self) -> dict[str, AuthProfile]:
        return collection_profiles(self.collection)

    def all(self) -> dict[str, AuthProfile]:
        merged = dict(self.personal())
        merged.update(self.from_collection())
        return dict(sorted(merged.items()))

    def shadowed(self) -> set[str]:
        """Personal profiles hidden by a collection profile of the same name."""
        return set(self.personal()) & set(self.from_collection())

    def get(self, name: str) -> AuthProfile:
        profiles = self.all()
        try:
            return profiles[name]
        except KeyError:
            known = ", ".join(profiles) or "none yet"
            raise AuthError(
                f"no auth profile '{name}' (known: {known})",
                hint=f"create it with `tui-api auth set {name} --kind KIND`",
            ) from None

    def find(self, name: str) -> AuthProfile | None:
        return self.all().get(name)

    def save(self, profile: AuthProfile, where: Origin | None = None) -> None:
        """Write a profile's plain fields. `where` defaults to where it already lives, else personal."""
        validate_name(profile.name)
        kind_spec(profile.kind)
        where = where or (profile.origin if profile.origin != "inline" else "personal")
        if where == "collection":
            if self.collection is None:
                raise AuthError("no collection is open to save the profile in", hint="save it as a personal profile")
            self.collection.auth_profiles[profile.name] = profile.to_mapping()
            self._write_collection(profile.name, profile.to_mapping())
        else:
            personal = self.personal()
            personal[profile.name] = AuthProfile(profile.name, profile.kind, dict(profile.fields), "personal")
            save_personal(personal, self.path)
        profile.origin = where

    def remove(self, name: str, where: Origin | None = None) -> Origin:
        """Delete a profile's definition (secrets are the caller's business). Returns where it was."""
        in_collection = self.collection is not None and name in (self.collection.auth_profiles or {})
        personal = self.personal()
        if where in (None, "collection") and in_collection:
            assert self.collection is not None
            del self.collection.auth_profiles[name]
            self._write_collection(name, None)
            return "collection"
        if where in (None, "personal") and name in personal:
            del personal[name]
            save_personal(personal, self.path)
            return "personal"
        raise AuthError(f"no {where + ' ' if where else ''}auth profile '{name}' to remove")

    def _write_collection(self, name: str, mapping: dict[str, Any] | None) -> None:
        assert self.collection is not None
        if not self.collection.path:
            return  # an unsaved collection: the caller saves it with everything else
        from tui_api.core.collection.yaml_format import load_collection, save_collection

        path = Path(self.collection.path)
        on_disk = load_collection(path) if path.exists() else None
        if on_disk is None:
            from tui_api.core.collection.model import Collection

            on_disk = Collection(name=self.collection.name, path=str(path))
        if mapping is None:
            on_disk.auth_profiles.pop(name, None)
        else:
            on_disk.auth_profiles[name] = mapping
        save_collection(on_disk, path)


def retire_old_kind_secrets(profiles: ProfileStore, store: SecretStore, name: str, old_kind: str, new_kind: str,
                            where: Origin) -> list[str]:
    """After a profile changed kind: delete the keyring secrets only the old kind had (a bearer
    `token` left behind by a switch to apikey) and the cached OAuth token. Returns the fields deleted.

    Secrets are keyed by profile name, so a profile of the same name in the other scope (collection
    vs personal) shares them: the fields its kind uses stay. Raises AuthError if the keyring fails."""
    new_fields = {spec.name for spec in kind_spec(new_kind).secret_fields}
    other = (profiles.personal() if where == "collection" else profiles.from_collection()).get(name)
    if other is not None and other.kind in KINDS:
        new_fields |= {spec.name for spec in kind_spec(other.kind).secret_fields}
    dropped = [spec.name for spec in kind_spec(old_kind).secret_fields if spec.name not in new_fields]
    deleted = [field_name for field_name in dropped if store.delete(name, field_name)]
    store.delete_token(name)  # a cached token was granted to the old kind's credentials
    return deleted
