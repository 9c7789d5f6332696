"""Auth profiles and their secrets, applied as httpx.Auth by the one send pipeline.

    kinds.py      the kinds and their fields (plain or secret): one table for CLI, TUI and checks
    profiles.py   AuthProfile; ProfileStore over a collection's `auth_profiles` and the personal
                  file config_dir()/auth_profiles.yaml (the collection wins on a name clash)
    secrets.py    SecretStore: OS keyring (service "tui-api", entry "PROFILE:FIELD") with the
                  TUI_API_SECRET_<PROFILE>_<FIELD> environment fallback; in-memory for tests
    flows.py      API key, Basic, Bearer/JWT, Digest as httpx.Auth
    oauth2.py     OAuth 2.0 client credentials: token fetched, cached (memory + keyring), refreshed
    jwt.py        JWT claims and expiry, unverified
    provider.py   make_auth_provider(collection, store): name -> httpx.Auth, plus redaction answers
    redirects.py  keeps API-key headers on their origin across redirects (a client request hook)
    spec.py       OpenAPI security schemes -> profiles; an operation's requirement -> a profile
    check.py      "is this profile usable now?" for `tui-api auth test` and the TUI's test button

Never imports Textual; `keyring` is imported only when a secret is first needed.
"""
