"""Manifest documents -> YAML text that reads as if written by hand (ruamel.yaml round-trip).

- Keys stay in the order the mapping gives them; lists are block lists indented under their
  key; two-space indentation.
- Text with line breaks is a literal block (``|``); a long one-line text is a folded block
  (``>-``) broken at spaces near ``FOLD_AT`` columns; short text is plain, quoted only where
  YAML needs it.
- Text with characters a reader could take for line breaks or that a terminal would act on
  (control characters, ``U+2028``, a byte order mark) is double-quoted with escapes.
- Strings that YAML 1.1 readers (PyYAML, which duvoform's loader uses) would take for
  something else (``yes``, ``on``, ``0777``, ``1e3``, ``~``) are quoted.
- Comment lines given with a document go above it.
- A string value that looks like a template is written so that it reads back as itself
  (``document.literal``); SOP files are not templated, so their text is written as it is.

Every rendered file is read back with duvoform's own manifest parser; if the text does not
give back exactly the data (an exotic string that a block scalar cannot carry), the file is
rendered again with no block scalars at all, which is always exact.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from duvoform.kinds.document import Document, literal
from duvoform.manifest.parse import parse_documents

__all__ = ["FOLD_AT", "literal_block", "render_documents", "yaml_writer"]

FOLD_AT = 76
"""A one-line text longer than this is written as a folded block, broken near this width."""

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def render_documents(documents: Sequence[Document]) -> str:
    """The YAML text of ``documents`` (``---`` between them), ending with a newline."""
    text = _dump(documents, blocks=True)
    if _reads_back(text, documents):
        return text
    return _dump(documents, blocks=False)


def yaml_writer() -> YAML:
    """The ruamel round-trip writer of duvoform's layout (``fmt`` formats with it too)."""
    writer = YAML(typ="rt")
    writer.width = 4096  # never wrap plain scalars; long text gets a folded block instead
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.allow_unicode = True
    return writer


def _dump(documents: Sequence[Document], *, blocks: bool) -> str:
    nodes = []
    for document in documents:
        node = _node(document.data, blocks)
        if document.comments and isinstance(node, CommentedMap):
            node.yaml_set_start_comment("\n".join(document.comments))
        nodes.append(node)
    out = io.StringIO()
    yaml_writer().dump_all(nodes, out)
    return out.getvalue()


def _reads_back(text: str, documents: Sequence[Document]) -> bool:
    try:
        parsed = parse_documents(text, "<import>")
    except yaml.YAMLError:  # the reader refuses some characters before parsing starts
        return False
    if parsed.problems:
        return False
    return [doc.data for doc in parsed.documents] == [_plain(d.data) for d in documents]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return literal(value)
    return value


def _node(value: Any, blocks: bool) -> Any:
    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[_scalar(key, False) if isinstance(key, str) else key] = _node(item, blocks)
        return node
    if isinstance(value, list | tuple):
        return CommentedSeq(_node(item, blocks) for item in value)
    if isinstance(value, str):
        return _scalar(literal(value), blocks)
    return value


def _scalar(text: str, blocks: bool) -> Any:
    """``text`` as a ruamel string subclass that carries its style (or as itself: plain)."""
    block = literal_block(text) if blocks else None
    if block is not None:
        return block
    if blocks and len(text) > FOLD_AT and _foldable(text):
        folded = FoldedScalarString(text)
        folded.fold_pos = _fold_points(text)
        return folded
    if not text.isprintable():
        return DoubleQuotedScalarString(text)  # escapes: \n, \t, \e, \L, \uFEFF...
    if _implicit_tag(text) != _STR_TAG:
        return SingleQuotedScalarString(text)
    return text


def literal_block(text: str) -> LiteralScalarString | None:
    """``text`` as a literal block (``|``) when it has line breaks and a block can carry it."""
    if "\n" in text and text.replace("\n", "").replace("\t", "").isprintable():
        block: LiteralScalarString = LiteralScalarString(text)
        return block
    return None


def _implicit_tag(text: str) -> str:
    """The tag a YAML 1.1 reader gives ``text`` written plain (``yes`` -> bool)."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _foldable(text: str) -> bool:
    """Folding only breaks at single spaces between words and keeps the rest verbatim."""
    return (
        text == text.strip()
        and "  " not in text
        and text.isprintable()
        and " " in text[: FOLD_AT + 1]
    )


def _fold_points(text: str) -> list[int]:
    points: list[int] = []
    start = 0
    while len(text) - start > FOLD_AT:
        cut = text.rfind(" ", start + 1, start + FOLD_AT + 1)
        if cut <= start:
            cut = text.find(" ", start + FOLD_AT)
            if cut < 0:
                break
        points.append(cut)
        start = cut + 1
    return points
