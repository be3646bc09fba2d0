"""What a manifest may never reach: the CI's own credentials and hidden files.

A pull request's manifests are written by people who are not trusted with the job's secrets.
``{env: NAME}`` is read in the job that holds ``DUVO_API_KEY`` and the CI platform's own
variables, so those names are refused outright (``RESERVED_ENV``, the one list of them), and
``duvoform.yaml`` may narrow what is left further with ``secrets.env_allow``. Paths never pass
a hidden directory or file (a component starting with ``.``: ``.git/config``, ``.env``), just
as manifest discovery skips them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import PurePath

__all__ = ["RESERVED_ENV", "env_allowed", "hidden_part", "reserved_env"]

RESERVED_ENV: tuple[str, ...] = (
    "DUVO_API_*",  # DUVO_API_KEY, DUVO_API_URL, DUVO_API_KEY_FILE
    "DUVO_PLAN_API_KEY",  # the CI examples' read-only key for plans of pull requests
    "DUVOFORM_*",
    "CI",
    "CI_*",  # GitLab, Woodpecker, many others
    "GITHUB_*",
    "ACTIONS_*",
    "RUNNER_*",
    "GITLAB_*",
    "BUILDKITE",
    "BUILDKITE_*",
    "CIRCLECI",
    "CIRCLE_*",
    "TRAVIS",
    "TRAVIS_*",
    "SYSTEM_*",  # Azure Pipelines: SYSTEM_ACCESSTOKEN
    "BUILD_*",  # Azure Pipelines
    "AGENT_*",  # Azure Pipelines
    "TF_BUILD",
    "BITBUCKET_*",
    "JENKINS_*",
    "TEAMCITY_*",
    "DRONE",
    "DRONE_*",
    "SSH_AUTH_SOCK",
    "AWS_*",  # runner instance credentials
    "GOOGLE_APPLICATION_CREDENTIALS",
    "AZURE_*",
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "PYPI_TOKEN",
    "TWINE_*",
)
"""Glob patterns that ``{env: NAME}`` may not match, compared without regard to case (Windows
reads ``github_token`` as ``GITHUB_TOKEN``)."""


def reserved_env(name: str) -> str | None:
    """The reserved pattern ``name`` matches, or None when a manifest may name it."""
    upper = name.upper()
    return next((p for p in RESERVED_ENV if fnmatch.fnmatchcase(upper, p)), None)


def env_allowed(name: str, allow: Iterable[str] | None) -> bool:
    """Whether ``name`` matches one of the ``allow`` patterns (None: no narrowing)."""
    return allow is None or any(fnmatch.fnmatchcase(name, pattern) for pattern in allow)


def hidden_part(path: str | PurePath) -> str | None:
    """The first component of ``path`` that is hidden (starts with ``.``, other than ``.`` and
    ``..``), or None. Both ``/`` and ``\\`` separate components."""
    text = str(path).replace("\\", "/")
    return next((p for p in text.split("/") if p.startswith(".") and p not in (".", "..")), None)
