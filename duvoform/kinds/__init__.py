"""Typed manifest kinds (pydantic v2), one module per kind, registered by kind name.

``Folder``, ``Assignment`` and ``Connection`` are ``Resource`` subclasses; ``kinds()`` maps
each ``kind:`` value to its class. The loader (``duvoform.manifest``) validates documents into
these classes; ``duvoform.engine.graph`` resolves the references they declare.
"""

from __future__ import annotations

from duvoform.kinds.assignment.model import (
    DEFAULT_BROWSING,
    Assignment,
    AssignmentSpec,
    Browsing,
    BuildSpec,
)
from duvoform.kinds.base import API_VERSION, Metadata, Reference, Resource, format_field
from duvoform.kinds.connection.model import (
    AbsentConnectionSpec,
    ComposioOAuth,
    Connection,
    CustomMcpConnectionSpec,
    HeaderSet,
    McpOAuth,
    NativeOAuth,
    OAuthConnectionSpec,
)
from duvoform.kinds.folder.model import Folder, FolderMetadata, FolderSpec
from duvoform.kinds.registry import kind_class, kinds, register
from duvoform.kinds.secret import SecretRef

__all__ = [
    "API_VERSION",
    "DEFAULT_BROWSING",
    "AbsentConnectionSpec",
    "Assignment",
    "AssignmentSpec",
    "Browsing",
    "BuildSpec",
    "ComposioOAuth",
    "Connection",
    "CustomMcpConnectionSpec",
    "Folder",
    "FolderMetadata",
    "FolderSpec",
    "HeaderSet",
    "McpOAuth",
    "Metadata",
    "NativeOAuth",
    "OAuthConnectionSpec",
    "Reference",
    "Resource",
    "SecretRef",
    "format_field",
    "kind_class",
    "kinds",
    "register",
]
