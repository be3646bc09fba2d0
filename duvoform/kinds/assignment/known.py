"""Model names the API is known to accept (from the API's published enums).

These lists only feed "did you mean" warnings: the API adds models over time, so an unknown
value is allowed, and the loader warns only when it is one typo away from a known one.
"""

from __future__ import annotations

__all__ = ["AGENT_MODELS", "BROWSING_MODELS"]

AGENT_MODELS: frozenset[str] = frozenset(
    {
        "claude-sonnet-4-6",
        "claude-sonnet-4-6[1m]",
        "claude-opus-4-6",
        "claude-opus-4-6[1m]",
        "claude-opus-4-7",
        "claude-opus-4-7[1m]",
        "d1-max",
        "duvo-1-max",
        "duvo-1-max-sonnet-1m",
        "duvo-1-max-sonnet-4.5",
        "duvo-1-max-sonnet-4.5-1m",
        "duvo-1-max-opus",
        "duvo-1-max-opus-4.5",
        "gpt-4.1",
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-5",
        "gpt-5.1",
        "claude-sonnet-4-20250514",
        "claude-sonnet-4-20250514[1m]",
        "claude-sonnet-4-5-20250929",
        "claude-sonnet-4-5-20250929[1m]",
        "claude-opus-4-1-20250805",
        "claude-opus-4-5-20251101",
        "claude-sonnet-5",
        "claude-sonnet-5[1m]",
        "claude-opus-4-8",
        "claude-opus-4-8[1m]",
    }
)
"""``config.data.models.agent.model`` values seen in the API's schema."""

BROWSING_MODELS: frozenset[str] = frozenset(
    {
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "gemini-3-pro-preview",
        "claude-haiku-4-5",
        "claude-sonnet-4-5",
        "claude-opus-4-1",
    }
)
"""``config.data.models.browsing.model`` values seen in the API's schema."""
