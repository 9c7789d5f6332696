"""The core: specs, collections, auth, HTTP and the runner. Never imports Textual or rich."""
