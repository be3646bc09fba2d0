"""The fixed catalog of integration types the emulator knows.

Each type has a stable id (UUIDv5 of its slug), so manifests and tests can name catalog ids
without asking the server. ``native_oauth`` marks the providers the native OAuth start endpoint
accepts. A custom MCP connection is not in the catalog: it gets its own
``custom_integration_id``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from duvoform.emulator.settings import NAMESPACE

__all__ = ["CATALOG", "IntegrationType", "by_id", "by_slug", "catalog_id"]


def catalog_id(slug: str) -> str:
    """The catalog id of an integration slug."""
    return str(uuid.uuid5(NAMESPACE, f"integration:{slug}"))


@dataclass(frozen=True)
class IntegrationType:
    """One catalog entry."""

    slug: str
    name: str
    native_oauth: bool = False
    oauth_provider: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The stable catalog id."""
        return catalog_id(self.slug)


_GOOGLE = ("openid", "email")
CATALOG: tuple[IntegrationType, ...] = (
    IntegrationType("gmail", "Gmail", True, "google", (*_GOOGLE, "gmail.modify")),
    IntegrationType("google-sheets", "Google Sheets", True, "google", (*_GOOGLE, "spreadsheets")),
    IntegrationType("googlesheets", "Google Sheets", True, "google", (*_GOOGLE, "spreadsheets")),
    IntegrationType("google-docs", "Google Docs", True, "google", (*_GOOGLE, "documents")),
    IntegrationType("google-drive", "Google Drive", True, "google", (*_GOOGLE, "drive")),
    IntegrationType("google-calendar", "Google Calendar", True, "google", (*_GOOGLE, "calendar")),
    IntegrationType("google", "Google", True, "google", _GOOGLE),
    IntegrationType("outlook", "Outlook", True, "microsoft", ("Mail.ReadWrite",)),
    IntegrationType(
        "microsoft-calendar", "Microsoft Calendar", True, "microsoft", ("Calendars.ReadWrite",)
    ),
    IntegrationType("excel", "Excel", True, "microsoft", ("Files.ReadWrite",)),
    IntegrationType("sharepoint", "SharePoint", True, "microsoft", ("Sites.ReadWrite.All",)),
    IntegrationType("slack", "Slack", True, "slack", ("chat:write", "channels:read")),
    IntegrationType("notion", "Notion", True, "notion"),
    IntegrationType("hubspot", "HubSpot", True, "hubspot"),
    IntegrationType("salesforce", "Salesforce", True, "salesforce", ("api", "refresh_token")),
    IntegrationType("snowflake", "Snowflake"),
    IntegrationType("linear", "Linear"),
    IntegrationType("github", "GitHub"),
    IntegrationType("zendesk", "Zendesk"),
    IntegrationType("custom_mcp", "Custom MCP server"),
)

_BY_SLUG = {entry.slug: entry for entry in CATALOG}
_BY_ID = {entry.id: entry for entry in CATALOG}


def by_slug(slug: str) -> IntegrationType | None:
    """The catalog entry for a slug, or None."""
    return _BY_SLUG.get(slug)


def by_id(integration_id: str) -> IntegrationType | None:
    """The catalog entry for a catalog id, or None."""
    return _BY_ID.get(integration_id)
