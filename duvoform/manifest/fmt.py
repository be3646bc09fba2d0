"""The canonical layout of manifest files, and the files that are not in it (``duvoform fmt``).

The layout is the one ``import`` writes (both use ``yamlout.yaml_writer``), applied to text a
person wrote without losing anything they said:

- Mapping keys in the order ``apiVersion, kind, metadata, spec``, then, at every level, the
  order of the fields in the kind's JSON Schema (for a union such as a Connection's ``spec``,
  the branch that names most of the keys present). Keys the schema does not know keep their
  order after the known ones; free-form maps (``labels``, ``headers``, ``options``) keep theirs.
- Two-space indentation, block lists indented under their key.
- A text value with line breaks (an SOP) is a literal block (``|``).
- A file with no ``duvoform/...`` document is not a manifest and is left as it is.
- Comments are kept: an end-of-line comment keeps its column (aligned comments stay aligned),
  a comment line is indented like the line below it. A comment moves with the key it is
  attached to when keys are reordered.
- Everything else is kept as written: the flow or block style of each map and list, quoting,
  templates (nothing is rendered), folded blocks.

It is a ruamel.yaml round trip, checked: the formatted text is read back with duvoform's own
parser and must give exactly the data of the original. If turning text into literal blocks
would change it, the file is formatted without that step; if even that would change it, the
file is reported instead of rewritten.
"""

from __future__ import annotations

import difflib
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import LiteralScalarString

from duvoform.errors import Location, ManifestError, Problem, UsageError
from duvoform.kinds.registry import kind_class
from duvoform.manifest.discover import discover_files, display_path, find_root
from duvoform.manifest.parse import decode, parse_documents
from duvoform.manifest.project import load_project
from duvoform.manifest.yamlout import literal_block, yaml_writer

__all__ = ["HEAD_KEYS", "FormattedFile", "format_paths", "format_text"]

HEAD_KEYS = ("apiVersion", "kind", "metadata", "spec")
"""The first keys of every manifest document, in this order."""

_HEAD_SCHEMA: dict[str, Any] = {"properties": {key: {} for key in HEAD_KEYS}}


@dataclass(frozen=True)
class FormattedFile:
    """One manifest file: its text as it is (``before``) and in the canonical layout."""

    path: Path
    shown: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        """True when formatting changes the file."""
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff from the file as it is to the formatted file ('' when unchanged)."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"{self.shown} (current)",
            tofile=f"{self.shown} (formatted)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

    def write(self) -> None:
        """Write the formatted text over the file (when it changes)."""
        if not self.changed:
            return
        try:
            self.path.write_text(self.after, encoding="utf-8", newline="\n")
        except OSError as exc:
            reason = f"cannot write the file: {exc.strerror or exc}"
            raise ManifestError([Problem(Location(self.shown), (reason,))]) from None


def format_paths(paths: Sequence[Path]) -> tuple[FormattedFile, ...]:
    """Every manifest file under ``paths`` (found as ``validate`` finds them; no ``paths``: the
    manifest root), formatted.

    Raises ``ManifestError`` listing every file that cannot be read or parsed; nothing is
    formatted then. ``UsageError`` when there are no ``paths`` and no manifest root.
    """
    if not paths:
        paths = [_manifest_root()]
    root, project_file = find_root(paths)
    settings = set(load_project(root, project_file).settings_files)
    if project_file is not None:
        settings.add(project_file)
    files, problems = discover_files(paths, root=root, exclude=settings)
    results: list[FormattedFile] = []
    all_problems = list(problems)
    for path in files:
        shown = display_path(path)
        outcome = _format_file(path, shown)
        if isinstance(outcome, Problem):
            all_problems.append(outcome)
        else:
            results.append(outcome)
    if all_problems:
        raise ManifestError(all_problems)
    return tuple(results)


def _manifest_root() -> Path:
    root, project_file = find_root([Path.cwd()])
    if project_file is None:
        raise UsageError(
            "no PATH given, and no duvoform.yaml in the current directory or above it: "
            "name the manifest files or directories (for example: . or manifests/)"
        )
    return root


def format_text(text: str, shown: str = "<text>") -> str:
    """``text`` (one manifest file) in the canonical layout; ``ManifestError`` when it is not
    YAML that duvoform reads, located in ``shown``."""
    result = _format(text, shown)
    if isinstance(result, Problem):
        raise ManifestError([result])
    return result


def _format_file(path: Path, shown: str) -> FormattedFile | Problem:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(Location(shown), (f"cannot read the file: {exc.strerror or exc}",))
    text = decode(raw, shown)
    if isinstance(text, Problem):
        return text
    after = _format(text, shown)
    if isinstance(after, Problem):
        return after
    return FormattedFile(path, shown, raw.decode("utf-8"), after)


def _format(text: str, shown: str) -> str | Problem:
    parsed = parse_documents(text, shown, allow_empty=True)
    if parsed.problems:
        return parsed.problems[0]
    if not any(_is_manifest(document.data) for document in parsed.documents):
        return text  # only comments, or not duvoform's (a CI workflow given by pre-commit)
    expected = [document.data for document in parsed.documents]
    source = _without_first_marker(text)
    for blocks in (True, False):
        try:
            candidate = _layout(source, blocks=blocks)
        except RuamelError as exc:
            return _ruamel_problem(exc, shown)
        if candidate.count("#") != text.count("#"):
            continue  # a comment would be lost (no value changes its '#' when laid out)
        again = parse_documents(candidate, shown, allow_empty=True)
        if not again.problems and [d.data for d in again.documents] == expected:
            return candidate
    return Problem(
        Location(shown),
        (
            "cannot be formatted without changing what it says or losing a comment; it is left "
            "as it is",
        ),
    )


def _without_first_marker(text: str) -> str:
    """``text`` without a bare ``---`` before its first document (ruamel drops the comments
    above one); kept when a directive (``%YAML``) needs it."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "---":
            return "".join(lines[:index] + lines[index + 1 :])
        return text
    return text


def _is_manifest(data: Any) -> bool:
    api_version = data.get("apiVersion") if isinstance(data, dict) else None
    return isinstance(api_version, str) and api_version.startswith("duvoform/")


def _layout(text: str, *, blocks: bool) -> str:
    yaml = _yaml()
    documents = list(yaml.load_all(text))
    for document in documents:
        if isinstance(document, CommentedMap):
            kind = document.get("kind")
            schema = _kind_schema(kind) if isinstance(kind, str) else _HEAD_SCHEMA
            _visit(document, schema, blocks, {})
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return _indent_comment_lines(out.getvalue())


def _indent_comment_lines(text: str) -> str:
    """Each comment line indented like the line it stands above (ruamel keeps the indentation
    it was written with); lines inside a scalar (an SOP line ``# Step 1``) are text, not
    comments, and are left alone."""
    inside: set[int] = set()
    for token in pyyaml.scan(text, Loader=pyyaml.CSafeLoader):
        if isinstance(token, pyyaml.ScalarToken):
            inside.update(range(token.start_mark.line, token.end_mark.line + 1))
    lines = text.splitlines(keepends=True)
    indent: str | None = None
    for number in range(len(lines) - 1, -1, -1):
        line = lines[number]
        stripped = line.lstrip(" ")
        if number in inside or not stripped.strip():
            if number in inside:
                indent = line[: len(line) - len(stripped)]
            continue
        if stripped.startswith("#"):
            if indent is not None:
                lines[number] = indent + stripped
        else:
            indent = line[: len(line) - len(stripped)]
    return "".join(lines)


def _yaml() -> YAML:
    yaml = yaml_writer()
    yaml.preserve_quotes = True
    return yaml


@functools.cache
def _kind_schema(kind: str) -> dict[str, Any]:
    cls = kind_class(kind)
    if cls is None:
        return _HEAD_SCHEMA
    schema: dict[str, Any] = cls.model_json_schema(by_alias=True, mode="validation")
    return schema


def _visit(value: Any, schema: Mapping[str, Any], blocks: bool, defs: Mapping[str, Any]) -> Any:
    """``value`` laid out (maps reordered in place); returns the value to keep in its place."""
    defs = {**defs, **schema.get("$defs", {})}
    if isinstance(value, CommentedMap):
        _visit_map(value, schema, blocks, defs)
    elif isinstance(value, CommentedSeq):
        item_schema = _items(schema, defs)
        for index, item in enumerate(value):
            value[index] = _visit(item, item_schema, blocks, defs)
    elif blocks and isinstance(value, str) and not isinstance(value, LiteralScalarString):
        block = literal_block(str(value)) if "\n" in value else None
        if block is not None and not _is_folded(value):
            return block
    return value


def _visit_map(
    node: CommentedMap, schema: Mapping[str, Any], blocks: bool, defs: Mapping[str, Any]
) -> None:
    properties = _properties(schema, defs, node.keys())
    if properties is not None:
        order = [key for key in properties if key in node]
        order += [key for key in node if key not in properties]
        if list(node) != order:
            _reorder(node, order)
    for key in list(node):
        child = properties.get(key, {}) if properties is not None else _values(schema, defs)
        node[key] = _visit(node[key], child, blocks, defs)


def _reorder(node: CommentedMap, order: Sequence[Any]) -> None:
    """Put ``node``'s keys in ``order``, each keeping the comments attached to it."""
    comments = dict(node.ca.items)
    items = [(key, node[key]) for key in order]
    for key, _ in items:
        del node[key]
    for key, item in items:
        node[key] = item
    node.ca.items.clear()
    node.ca.items.update(comments)


def _is_folded(value: str) -> bool:
    return type(value).__name__ == "FoldedScalarString"


def _branches(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``schema`` with ``$ref`` resolved and unions flattened into their members."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = defs.get(ref.removeprefix("#/$defs/"))
        return _branches(target, defs) if isinstance(target, Mapping) else []
    members: list[Mapping[str, Any]] = []
    for union in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(union, ()):
            members.extend(_branches(member, defs))
    return members or [schema]


def _properties(
    schema: Mapping[str, Any], defs: Mapping[str, Any], keys: Iterable[Any]
) -> dict[str, Any] | None:
    """The ``properties`` of the branch of ``schema`` that names most of ``keys`` (first wins
    a tie), or None for a free-form map."""
    present = set(keys)
    best: dict[str, Any] | None = None
    best_score = -1
    for branch in _branches(schema, defs):
        properties = branch.get("properties")
        if not isinstance(properties, dict):
            continue
        score = len(present & set(properties))
        if score > best_score:
            best, best_score = properties, score
    return best


def _values(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema of the values of a free-form map."""
    for branch in _branches(schema, defs):
        additional = branch.get("additionalProperties")
        if isinstance(additional, Mapping):
            return additional
        for pattern in branch.get("patternProperties", {}).values():
            if isinstance(pattern, Mapping):
                return pattern
    return {}


def _items(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    for branch in _branches(schema, defs):
        items = branch.get("items")
        if isinstance(items, Mapping):
            return items
    return {}


def _ruamel_problem(exc: RuamelError, shown: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return Problem(Location(shown), (f"cannot be formatted: {exc}",))
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(
        Location(shown, mark.line + 1, mark.column + 1), (f"cannot be formatted: {reason}",)
    )
