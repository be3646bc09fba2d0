"""duvoform: declarative GitOps provisioning for the Duvo API.

YAML manifests are loaded into a desired-state graph, diffed against live state read from the
Duvo API, and turned into an ordered plan of creates, updates and deletes that an executor
applies. See ``DESIGN.md`` for the pipeline.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
