"""A small synchronous handle on a running emulator, for tests, benchmarks and scripts.

It drives the ``/_emulator`` routes (stats, state, seed, faults, rate limit, reset, keys) and
hands out ``httpx`` clients already carrying a key.
"""

from __future__ import annotations

from typing import Any

import httpx

from duvoform.emulator.settings import DEFAULT_KEY

__all__ = ["EmulatorControl"]


class EmulatorControl:
    """Talks to the emulator at ``base_url``; ``api_key`` is the key clients get by default,
    ``admin_token`` the token its control routes need (when it was started with one)."""

    def __init__(
        self, base_url: str, api_key: str = DEFAULT_KEY, admin_token: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        admin = {"x-emulator-admin": admin_token} if admin_token else {}
        self._http = httpx.Client(base_url=self.base_url, timeout=30, headers=admin)

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._http.request(method, path, json=body)
        response.raise_for_status()
        return response.json()

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization`` header for ``api_key``."""
        return {"Authorization": f"Bearer {self.api_key}"}

    def client(self, api_key: str | None = None, **kwargs: Any) -> httpx.Client:
        """A new ``httpx.Client`` for the API, authenticated with ``api_key`` (or the default)."""
        headers = {"Authorization": f"Bearer {api_key or self.api_key}"}
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)

    def async_client(self, api_key: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        """A new ``httpx.AsyncClient`` for the API, authenticated like ``client``."""
        headers = {"Authorization": f"Bearer {api_key or self.api_key}"}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, **kwargs)

    def stats(self) -> dict[str, Any]:
        """``GET /_emulator/stats``."""
        result: dict[str, Any] = self._call("GET", "/_emulator/stats")
        return result

    def clear_stats(self) -> None:
        """``DELETE /_emulator/stats``: count from zero without touching state."""
        self._call("DELETE", "/_emulator/stats")

    def state(self) -> dict[str, Any]:
        """``GET /_emulator/state``: every row, including write-only data."""
        result: dict[str, Any] = self._call("GET", "/_emulator/state")
        return result

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``POST /_emulator/seed``; returns the ids made."""
        result: dict[str, Any] = self._call("POST", "/_emulator/seed", data)
        return result

    def seed_schedules(self, schedules: list[dict[str, Any]], team: str | None = None) -> list[str]:
        """``POST /_emulator/schedules``; returns the schedule ids."""
        body: dict[str, Any] = {"schedules": schedules}
        if team is not None:
            body["team"] = team
        ids: list[str] = self._call("POST", "/_emulator/schedules", body)["schedules"]
        return ids

    def set_faults(self, **settings: Any) -> dict[str, Any]:
        """``PUT /_emulator/faults``: replaces every fault setting (unnamed ones: off)."""
        result: dict[str, Any] = self._call("PUT", "/_emulator/faults", settings)
        return result

    def faults(self) -> dict[str, Any]:
        """``GET /_emulator/faults``."""
        result: dict[str, Any] = self._call("GET", "/_emulator/faults")
        return result

    def set_rate_limit(self, limit: int, seconds: float) -> None:
        """``PUT /_emulator/rate-limit``: ``limit`` requests per ``seconds``, windows restart."""
        self._call("PUT", "/_emulator/rate-limit", {"limit": limit, "window_seconds": seconds})

    def add_key(self, key: str, team: str = "local") -> dict[str, str]:
        """``POST /_emulator/keys``; returns ``{team_id, user_id}`` of the new key."""
        result: dict[str, str] = self._call("POST", "/_emulator/keys", {"key": key, "team": team})
        return result

    def reset(self) -> None:
        """``POST /_emulator/reset``: empty state and stats, settings as at start."""
        self._call("POST", "/_emulator/reset")

    def complete_oauth(self, authorization_url: str, name: str | None = None) -> dict[str, Any]:
        """Play the person who consents: open ``.../complete`` for an authorization URL."""
        url = httpx.URL(authorization_url)
        params = {"state": url.params["state"]}
        if name is not None:
            params["name"] = name
        response = self._http.get("/_emulator/oauth/complete", params=params)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result
