"""``show``'s text for a connection: the facts of ``facts.py`` beside it, line by line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duvoform.kinds.home import ShowWriter

__all__ = ["show_text"]


def show_text(out: ShowWriter, facts: Mapping[str, Any]) -> None:
    """Write one connection's facts to ``out``."""
    for key in ("id", "type", "provider", "server_url", "transport_type", "auth_method"):
        if facts.get(key) is not None:
            out.line(f"  {key.replace('_', ' ')}: ", facts[key])
    out.line("  shared: ", "yes" if facts["shared"] else "no")
    if facts.get("oauth_provider"):
        scopes = f" ({', '.join(facts['oauth_scopes'])})" if facts["oauth_scopes"] else ""
        out.line("  oauth: ", f"{facts['oauth_provider']}{scopes}")
    for key in ("owner", "created_at", "updated_at", "broken_at", "broken_reason"):
        if facts.get(key):
            out.line(f"  {key.replace('_', ' ')}: ", facts[key])
    out.raw("  headers:" + ("\n" if facts["headers"] else " none\n"))
    for header in facts["headers"]:
        if header["type"] == "secret":
            state = f"secret ({header['state']})"
        elif header["state"] == "unset":
            state = "plaintext (unset)"
        else:
            state = f"plaintext {out.format(header['value'])}"
        out.line("    ", f"{header['name']}: {state}")
