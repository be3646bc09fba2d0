"""Which authorization URLs ``connect --open`` hands to a web browser.

The URL comes from the API, so it is outside text: a browser given ``file://``, ``javascript:``
or a custom scheme would open a local file or start another program. Only ``https`` URLs with a
host are opened; plain ``http`` only to a loopback host, and only while duvoform talks to an
emulator on this machine (``--api-url local`` or an http loopback API URL), whose consent page
is served over http.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from duvoform.api.config import LOOPBACK_HOSTS
from duvoform.app import LOCAL_API_URL
from duvoform.errors import ConnectError
from duvoform.sanitise import printable
from duvoform.text import shorten

__all__ = ["browser_url"]


def _local_api(api_url: str) -> bool:
    if api_url == LOCAL_API_URL:
        return True
    parts = urlsplit(api_url)
    return parts.scheme == "http" and (parts.hostname or "").lower() in LOOPBACK_HOSTS


def browser_url(url: str, *, api_url: str) -> str:
    """``url`` when a browser may open it; a ``ConnectError`` that says why not otherwise."""
    shown = shorten(printable(url), 120)
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    except ValueError:
        scheme = host = ""
    loopback_http = scheme == "http" and host in LOOPBACK_HOSTS
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        why = "it holds spaces or control characters"
    elif (scheme == "https" and host) or (loopback_http and _local_api(api_url)):
        return url
    elif loopback_http:
        why = "plain http is opened only for an emulator on this machine"
    else:
        why = f"its scheme is {printable(scheme) or 'missing'!r}; only https URLs are opened"
    raise ConnectError(
        f"--open refused the authorization URL {shown}: {why}; "
        "check the API URL, or open the link yourself if you trust it"
    )
