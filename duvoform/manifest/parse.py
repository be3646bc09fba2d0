"""YAML text to plain documents, fast, with every problem located.

The fast path is PyYAML's C parser (libyaml) with a small constructor of our own: it turns the
composed nodes into plain ``dict``/``list``/scalar values in one pass, rejects duplicate keys
while it goes (the C loader alone silently keeps the last one), and is faster than PyYAML's
generic constructor. Values are JSON-like on purpose: timestamps stay strings, and the YAML
tags that would build anything else (``!!binary``, ``!!set``, ``!!omap``, application tags)
are errors.

Aliases are bounded. Composition shares one node per anchor, so a "billion laughs" file
composes quickly; the danger is expanding it. When a file contains ``*`` at all, each document
is measured before it is built (memoised, so the measuring stays linear) and refused once its
aliases would add more than ``MAX_ALIAS_EXPANSION`` nodes. Nesting is bounded by
``MAX_DEPTH``. Every problem carries the line and column of the offending node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duvoform.errors import Location, Problem
from duvoform.text import quote

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "Document",
    "ParsedFile",
    "decode",
    "parse_documents",
]

MAX_ALIAS_EXPANSION = 100_000
"""Refuse a document whose aliases would add more nodes than this when expanded."""

MAX_DEPTH = 100
"""Refuse values nested deeper than this (manifests need a handful of levels)."""

_TAG = "tag:yaml.org,2002:"
MAX_INT_DIGITS = 4_300  # Python's own limit on reading integers from text
_TOO_LARGE = 10**MAX_INT_DIGITS
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
_NULL, _BOOL, _INT, _FLOAT = _TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float"
_TIMESTAMP, _MERGE = _TAG + "timestamp", _TAG + "merge"


_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
    yaml.CSafeLoader.yaml_implicit_resolvers
)


class _Loader(yaml.CSafeLoader):
    """The C loader with a lean resolver: same tags, no path resolvers, fewer calls."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


@dataclass(frozen=True)
class Document:
    """One YAML document: its plain value, its index in the file, and where it starts."""

    data: Any
    index: int
    line: int  # 1-based, of the document's first node
    col: int


@dataclass(frozen=True)
class ParsedFile:
    """The documents read from one file, and the problems found (each already located)."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]


class _Fault(Exception):
    """A problem found while building one document; carries the node position."""

    def __init__(self, reason: str, mark: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.mark = mark


def decode(raw: bytes, display: str) -> str | Problem:
    """UTF-8 bytes to text (a leading BOM is dropped), or a located problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        byte = raw[exc.start]
        return Problem(
            Location(display, line, col),
            (f"not valid UTF-8 (byte 0x{byte:02x}); manifests must be UTF-8 text",),
        )
    return text[1:] if text.startswith("\ufeff") else text


def parse_documents(text: str, display: str, *, allow_empty: bool = False) -> ParsedFile:
    """Every document in ``text``; problems are located in ``display`` (the shown path).

    A syntax error ends the file (libyaml cannot resume), but a document with a duplicate
    key or a refused alias does not stop the documents after it. A file with no document at
    all is a problem unless ``allow_empty``.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    check_aliases = "*" in text
    loader = _Loader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            try:
                if node is None or _is_empty(node):
                    raise _Fault("empty YAML document; remove the extra '---' or add content", None)
                if check_aliases:
                    _Measure().size(node, 0)
                data = _build(loader, node, 0)
            except _Fault as fault:
                problems.append(_located(fault, display, text, index))
            else:
                mark = node.start_mark
                documents.append(Document(data, index, mark.line + 1, mark.column + 1))
            index += 1
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, display, text))
    finally:
        loader.dispose()
    if not documents and not problems and not allow_empty:
        problems.append(Problem(Location(display, 1, 1), ("the file holds no YAML documents",)))
    return ParsedFile(tuple(documents), tuple(problems))


def _is_empty(node: Node) -> bool:
    return type(node) is ScalarNode and node.tag == _NULL and node.value == ""


def _build(loader: _Loader, node: Node, depth: int) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if depth > MAX_DEPTH:
        raise _Fault(f"values are nested more than {MAX_DEPTH} levels deep", node.start_mark)
    if isinstance(node, MappingNode) and tag == _MAP:
        return _build_mapping(loader, node, depth)
    if isinstance(node, SequenceNode) and tag == _SEQ:
        return [_build(loader, item, depth + 1) for item in node.value]
    if isinstance(node, ScalarNode):
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return loader.construct_yaml_bool(node)
        if tag == _INT:
            return _integer(loader, node)
        if tag == _FLOAT:
            return loader.construct_yaml_float(node)
        if tag == _TIMESTAMP:
            return node.value  # kept as text: manifests are JSON-like
    shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    raise _Fault(
        f"unsupported YAML tag {quote(shown)}; manifests hold plain mappings, lists, strings, "
        "numbers and booleans",
        node.start_mark,
    )


def _integer(loader: _Loader, node: ScalarNode) -> int:
    # Python refuses to read (or print) integers of more than 4,300 digits; so does a manifest.
    try:
        value: int = loader.construct_yaml_int(node)
    except ValueError:
        value = _TOO_LARGE
    if abs(value) >= _TOO_LARGE:
        raise _Fault(
            f"the number has more than {MAX_INT_DIGITS:,} digits; quote it if it is text",
            node.start_mark,
        )
    return value


def _build_mapping(loader: _Loader, node: MappingNode, depth: int) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    merges: list[Node] = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            merges.append(value_node)
            continue
        key = _build(loader, key_node, depth + 1)
        try:
            seen = key in result
        except TypeError:
            raise _Fault("a mapping key must be a plain value", key_node.start_mark) from None
        if seen:
            first = next(
                k for k, _ in node.value if k is not key_node and k.value == key_node.value
            )
            raise _Fault(
                f"duplicate key {quote(key)} (first at line {first.start_mark.line + 1}); "
                "YAML would silently keep only the last value",
                key_node.start_mark,
            )
        result[key] = _build(loader, value_node, depth + 1)
    if merges:
        result = _merged(loader, merges, result, depth)
    return result


def _merged(loader: _Loader, merges: list[Node], own: dict[Any, Any], depth: int) -> dict[Any, Any]:
    # YAML merge keys: the mapping's own keys win, then earlier merge sources over later ones.
    sources: list[Node] = []
    for value in merges:
        sources.extend(value.value if type(value) is SequenceNode else [value])
    result: dict[Any, Any] = {}
    for source in reversed(sources):
        if type(source) is not MappingNode:
            raise _Fault("a merge key ('<<') must name a mapping", source.start_mark)
        result.update(_build(loader, source, depth + 1))
    result.update(own)
    return result


class _Measure:
    """Counts the nodes a document would have once its aliases are expanded."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.active: set[int] = set()

    def size(self, node: Node, depth: int) -> int:
        key = id(node)
        known = self.sizes.get(key)
        if known is not None:
            return known
        if key in self.active:
            raise _Fault(
                "a YAML alias refers to a value that contains it (a recursive structure)",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _Fault(f"values are nested more than {MAX_DEPTH} levels deep", node.start_mark)
        self.active.add(key)
        total = 1
        for child in _children(node):
            total += self.size(child, depth + 1)
        self.active.discard(key)
        # Without aliases a subtree is never larger than the distinct nodes seen so far, so
        # this only trips when aliases really multiply the document.
        if total - len(self.sizes) > MAX_ALIAS_EXPANSION:
            raise _Fault(
                f"YAML aliases expand this value to more than {MAX_ALIAS_EXPANSION} nodes "
                "(a 'billion laughs' pattern); refusing to load it",
                node.start_mark,
            )
        self.sizes[key] = total
        return total


def _children(node: Node) -> Iterator[Node]:
    if type(node) is MappingNode:
        for key, value in node.value:
            yield key
            yield value
    elif type(node) is SequenceNode:
        yield from node.value


def _located(fault: _Fault, display: str, text: str, index: int) -> Problem:
    if fault.mark is not None:
        return Problem(
            Location(display, fault.mark.line + 1, fault.mark.column + 1), (fault.reason,)
        )
    line, col = _document_start(text, index)
    return Problem(Location(display, line, col), (fault.reason,))


def _document_start(text: str, index: int) -> tuple[int, int]:
    """1-based position of document ``index``'s start marker (slow path: re-parses events)."""
    count = -1
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            count += 1
            if count == index and event.start_mark is not None:
                return event.start_mark.line + 1, event.start_mark.column + 1
    return 1, 1


def _syntax_problem(exc: yaml.MarkedYAMLError, display: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    if here == "\t":
        reason = "a tab character cannot be used here; YAML indentation must use spaces"
    else:
        reason = f"YAML syntax error: {exc.problem or 'invalid YAML'}"
        context_mark = exc.context_mark
        if exc.context and context_mark is not None and context_mark is not mark:
            where = f"line {context_mark.line + 1}, column {context_mark.column + 1}"
            reason += f" ({exc.context} at {where})"
        elif exc.context:
            reason += f" ({exc.context})"
    return Problem(Location(display, line, col), (reason,))
