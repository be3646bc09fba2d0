"""``show``'s side of the library: read one live object and compare it with its manifest.

- ``address``: ``Kind/NAME`` and ``Kind/ID`` addresses;
- ``index``: the local name -> id index that keeps showing an assignment by name cheap;
- ``reads``: the few direct reads per kind (values, no printing);
- ``compare``: the live object against its manifest, through the planner (``plan_against``);
- ``facts``: a shown object as plain JSON data (never a secret value);
- ``show``: all of the above as the one call ``show`` makes (``show_object``).

``duvoform.export`` maps what is read here to a manifest document; ``duvoform.render.show``
prints it.
"""

from __future__ import annotations

from duvoform.lookup.address import SHOWN_KINDS, Address, parse_address
from duvoform.lookup.compare import compare_assignment, compare_connection, compare_folder
from duvoform.lookup.facts import facts_of
from duvoform.lookup.index import NameIndex
from duvoform.lookup.reads import (
    AssignmentView,
    ConnectionView,
    FolderView,
    find_assignment,
    read_assignment,
    read_connection,
    read_folder,
)
from duvoform.lookup.show import Shown, show_object

__all__ = [
    "SHOWN_KINDS",
    "Address",
    "AssignmentView",
    "ConnectionView",
    "FolderView",
    "NameIndex",
    "Shown",
    "compare_assignment",
    "compare_connection",
    "compare_folder",
    "facts_of",
    "find_assignment",
    "parse_address",
    "read_assignment",
    "read_connection",
    "read_folder",
    "show_object",
]
