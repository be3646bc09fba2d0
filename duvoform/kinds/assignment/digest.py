"""Build digests, and the normalised, comparable form of a build (desired and live).

**The digest** (DESIGN §5) is the sha256 of the canonical JSON of the desired build::

    {"browsing": {"model", "provider"}, "connections": [names, sorted],
     "files": [sorted], "handover_to": [names, sorted], "model": "...",
     "options": {...}, "plugins": [sorted], "skills": [sorted], "sop": "<text>",
     "sub_agents": [names, sorted]}

serialised with sorted keys, no whitespace and UTF-8 (``ensure_ascii=False``). References are
by *name* (sub-agents, handover targets, connections), so the digest is the same for every
team the manifests are applied to. The readable labels ``revision_name`` and
``revision_description`` are left out: they are compared directly and changed with a PATCH.

**The build name** duvoform gives a build it creates is ``duvoform:`` followed by the first 16
hex characters of the digest, e.g. ``duvoform:3f9a0c1b2d4e5f60``. ``parse_digest`` finds that
token anywhere in a name (the last one wins), so a name that someone prefixed with their own
text still counts. A build that hands work over also lists its targets by name, as JSON:
``duvoform:3f9a0c1b2d4e5f60 handover_to=["Escalations"]`` (when that fits in
``MAX_BUILD_NAME`` characters). The API never returns handover targets, so this is how
``import`` and ``plan`` read them back from a build duvoform made (``parse_handover``). A
build made by the first half of "create bare, then build" is named
``duvoform:bootstrap``: it is known to be incomplete and is never adopted.

**SOP text** is compared and digested with its trailing line breaks removed (all of them, ``\\n``
and ``\\r``), and sent that way too: a YAML block scalar (``sop: |``) and an SOP file end with a
newline, the web app usually does not, and the difference carries no meaning. Every other
character, including trailing spaces on a line, counts.

**Options** are digested without null values (an option set to null is one not set; the API
does not return it).

**Lists** whose order carries no meaning (skills, files, plugins, sub-agents, handover targets,
connections) are compared as sets and shown sorted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from duvoform.api.models import Build, BuildConfigV1, BuildConfigV2
from duvoform.kinds import BuildSpec

__all__ = [
    "BOOTSTRAP_NAME",
    "DIGEST_LENGTH",
    "DIGEST_PREFIX",
    "MAX_BUILD_NAME",
    "Readable",
    "build_digest",
    "build_name",
    "canonical_build",
    "canonical_json",
    "desired_readable",
    "digest_of",
    "is_bootstrap",
    "jsonable",
    "live_readable",
    "normalise_sop",
    "parse_digest",
    "parse_handover",
    "without_nulls",
]

DIGEST_PREFIX = "duvoform:"
DIGEST_LENGTH = 16
BOOTSTRAP_NAME = "duvoform:bootstrap"
MAX_BUILD_NAME = 250
"""The longest build name duvoform writes (a guess: the API documents no limit)."""
_DIGEST = re.compile(r"duvoform:([0-9a-f]{16})(?![0-9a-f])")
_HANDOVER_KEY = " handover_to="
_HANDOVER = re.compile(re.escape(_HANDOVER_KEY) + r"(\[.*\])\s*$", re.DOTALL)


def normalise_sop(text: str) -> str:
    """The SOP as compared, digested and sent: trailing line breaks removed."""
    return text.rstrip("\r\n")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (YAML dates and other scalars become strings)."""
    if not value and isinstance(value, dict):
        return {}
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def canonical_build(build: BuildSpec) -> dict[str, Any]:
    """The desired build as the digest sees it (see the module docstring)."""
    return {
        "model": build.model,
        "browsing": {"provider": build.browsing.provider, "model": build.browsing.model},
        "sop": normalise_sop(build.sop_text),
        "skills": sorted(build.skills),
        "files": sorted(build.files),
        "plugins": sorted(build.plugins),
        "sub_agents": sorted(build.sub_agents),
        "handover_to": sorted(build.handover_to),
        "connections": sorted(build.connections),
        "options": without_nulls(jsonable(build.options)),
    }


def without_nulls(value: Any) -> Any:
    """``value`` with every null mapping entry left out, at any depth."""
    # An option set to null is an option not set: the API does not return it, so a build read
    # back (or imported) must digest the same.
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def build_digest(build: BuildSpec) -> str:
    """The first 16 hex characters of the sha256 of the canonical desired build."""
    return digest_of(canonical_build(build))


def digest_of(canonical: dict[str, Any]) -> str:
    """The digest of a canonical build value (``canonical_build``'s shape)."""
    return hashlib.sha256(canonical_json(canonical)).hexdigest()[:DIGEST_LENGTH]


def canonical_json(canonical: dict[str, Any]) -> bytes:
    """``canonical_build``'s value as the digest hashes it: ``json.dumps`` with sorted keys, no
    whitespace and ``ensure_ascii=False``, in UTF-8.

    Without options the value holds only strings and lists of strings, which orjson writes
    byte for byte as ``json.dumps`` does, several times faster (a plan digests every
    assignment). Options are free-form: a float or a very large integer there is written by
    ``json.dumps`` itself, whose spelling the digests of existing builds use.
    """
    if canonical["options"]:
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode()
    return orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)


def build_name(digest: str, handover_to: Sequence[str] = ()) -> str:
    """The name duvoform gives a build it creates: ``duvoform:<digest>``, followed by
    `` handover_to=["A","B"]`` when the build hands work over and the name stays within
    ``MAX_BUILD_NAME`` characters."""
    name = f"{DIGEST_PREFIX}{digest}"
    if handover_to:
        listed = json.dumps(sorted(handover_to), ensure_ascii=False, separators=(",", ":"))
        if len(name) + len(_HANDOVER_KEY) + len(listed) <= MAX_BUILD_NAME:
            return name + _HANDOVER_KEY + listed
    return name


def _without_handover(name: str) -> str:
    return _HANDOVER.sub("", name)


def parse_digest(name: str | None) -> str | None:
    """The digest in a build name (the last ``duvoform:<16 hex>`` token, outside the
    handover list), or None."""
    if not name:
        return None
    found = _DIGEST.findall(_without_handover(name))
    return found[-1] if found else None


def parse_handover(name: str | None) -> tuple[str, ...] | None:
    """The handover targets a build name lists (``build_name``), or None when it lists none
    (a build made elsewhere, without handover targets, or with too many to list)."""
    if not name or parse_digest(name) is None:
        return None
    match = _HANDOVER.search(name)
    if match is None:
        return None
    try:
        listed = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        return None
    return tuple(listed)


def is_bootstrap(name: str | None) -> bool:
    """True for the incomplete first build of "create bare, then build"."""
    return bool(name) and BOOTSTRAP_NAME in (name or "")


@dataclass(frozen=True)
class Readable:
    """What can be read and compared of one build's config.

    ``sub_agents`` holds assignment *ids* (live side) or names (desired side, before the
    differ maps them). ``version`` is ``"v2"``, ``"v1"`` (legacy: only ``model``, ``sop``,
    ``files`` and ``skills`` exist) or ``"other"`` (an unknown config: nothing is readable).
    A ``sop`` that is a list of structured messages is kept as JSON data.
    """

    version: str
    model: str | None = None
    browsing: dict[str, str] | None = None
    sop: Any = None
    skills: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()
    plugins: frozenset[str] = frozenset()
    sub_agents: frozenset[str] = frozenset()
    options: Mapping[str, Any] | None = None


def desired_readable(build: BuildSpec, sub_agent_ids: frozenset[str]) -> Readable:
    """The desired build in the comparable form; ``sub_agent_ids`` are the live ids wanted."""
    return Readable(
        version="v2",
        model=build.model,
        browsing={"provider": build.browsing.provider, "model": build.browsing.model},
        sop=normalise_sop(build.sop_text),
        skills=frozenset(build.skills),
        files=frozenset(build.files),
        plugins=frozenset(build.plugins),
        sub_agents=sub_agent_ids,
        options=jsonable(build.options),
    )


def live_readable(build: Build | None) -> Readable:
    """The live build in the comparable form (``version="other"`` when nothing is readable)."""
    config = build.config if build is not None else None
    if isinstance(config, BuildConfigV2):
        data = config.data
        browsing = data.models.browsing
        options = (
            data.options.model_dump(mode="json", by_alias=True, exclude_none=True)
            if data.options is not None
            else {}
        )
        return Readable(
            version="v2",
            model=data.models.agent.model,
            browsing=None
            if browsing is None
            else {"provider": browsing.provider, "model": browsing.model},
            sop=_sop(data.input),
            skills=frozenset(data.skills),
            files=frozenset(data.files),
            plugins=frozenset(data.plugins),
            sub_agents=frozenset(data.sub_agents),
            options=options,
        )
    if isinstance(config, BuildConfigV1):
        data1 = config.data
        return Readable(
            version="v1",
            model=data1.model,
            sop=_sop(data1.input),
            skills=frozenset(data1.skills),
            files=frozenset(data1.files),
        )
    return Readable(version="other")


def _sop(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return normalise_sop(value)
    return [
        item.model_dump(mode="json", exclude_none=True) if hasattr(item, "model_dump") else item
        for item in value
    ]
