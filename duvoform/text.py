"""Small helpers for user-facing messages: quoting, truncation and "did you mean".

Messages never echo a huge value back: every user-supplied value shown in a message goes
through ``quote`` (or ``shorten``), which cuts it to a readable length and says how long it was.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from duvoform.redact import scrub_prefix
from duvoform.sanitise import escape, neutralise, printable

__all__ = [
    "LISTED",
    "MAX_SHOWN",
    "did_you_mean",
    "listed",
    "quote",
    "shorten",
    "shorten_url",
    "suggest",
]

MAX_SHOWN = 60
"""The longest value, in characters, that a message shows whole."""


def shorten(value: str, limit: int = MAX_SHOWN) -> str:
    """``value`` scrubbed of secrets (``duvoform.redact.scrub``, always before the cut), then
    cut to ``limit`` characters, with a note of its full length when cut (a URL keeps its whole
    host: ``shorten_url``)."""
    length = len(value)
    value = scrub_prefix(value, limit)
    if len(value) <= limit:
        return value
    url = shorten_url(value, limit)
    if url is not None:
        return f"{url} ({length} characters)"
    return f"{value[: limit - 1]}… ({length} characters)"


_LONGEST_HOST = 260
"""A longer host is no DNS name (253 at most, with a port): it is cut like any text."""


def shorten_url(value: str, limit: int = MAX_SHOWN) -> str | None:
    """An http(s) URL cut to about ``limit`` characters in its path, never in its host (the
    host is what tells two servers apart); None when ``value`` is not such a URL."""
    parts = urlsplit(value) if value.startswith(("http://", "https://")) else None
    if parts is None or not parts.netloc or len(parts.netloc) > _LONGEST_HOST:
        return None
    if len(value) <= limit:
        return value
    head = f"{parts.scheme}://{parts.netloc}"
    rest = value[len(head) :]
    room = limit - len(head) - 1
    return head + (rest[:room] if room > 0 else rest[:1].replace("?", "")) + "…"


def quote(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` in double quotes for a message, shortened, with control characters escaped."""
    text = value if isinstance(value, str) else repr(value)
    text = shorten(text, limit)
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{neutralise(text, at_start=False)}"'
    escaped = escape(text.replace("\\", "\\\\").replace('"', '\\"'), strict=True)
    return f'"{neutralise(escaped, at_start=False)}"'


def suggest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The closest candidate to ``word`` (case-insensitive), or None when nothing is close."""
    if len(word) > 4 * MAX_SHOWN:
        return None
    options = sorted(set(candidates))
    folded = {option.casefold(): option for option in options}
    if word.casefold() in folded and folded[word.casefold()] != word:
        return folded[word.casefold()]
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=cutoff)
    return folded[close[0]] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``'; did you mean "x"?'`` for the closest candidate, or ``""`` when nothing is close."""
    match = suggest(word, candidates)
    return f"; did you mean {quote(match)}?" if match is not None else ""


LISTED = 10
"""How many names a message lists before "and N more"."""


def listed(names: Sequence[str], shown: int = LISTED) -> str:
    """``a, b, c and 4 more``: the first ``shown`` names and how many were left out."""
    text = ", ".join(printable(name) for name in names[:shown])
    more = len(names) - shown
    return text + (f" and {more} more" if more > 0 else "")
