#!/usr/bin/env python3
"""Keep ONE drift issue for a scheduled ``duvoform drift`` job (GitHub or GitLab).

    python duvoform_drift.py issue --status 2 --body-file report.md [--platform gitlab]

``--status`` is duvoform drift's exit code: 2 (drift) opens the issue labelled ``--label``
(default ``duvoform-drift``), or updates the body of the one already open; 0 (no drift) closes
that issue with a comment; anything else changes nothing. Needs ``duvoform_ci.py`` beside it
(its API client, settings and token handling: the token goes only to the API's own origin).
Standard library only; errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from duvoform_ci import CiError, GitHub, GitLab, fit_comment

ISSUE_LIMITS = {"github": 65_536, "gitlab": 1_000_000}
MARKER = "<!-- duvoform-drift -->"


def _open_issue(platform: GitHub | GitLab, label: str) -> dict[str, Any] | None:
    api = platform.api
    if isinstance(platform, GitHub):
        url = api.url(f"repos/{platform.scope}/issues", labels=label, state="open", per_page=100)
        found = [i for i in api.pages(url) if "pull_request" not in i]
    else:
        url = api.url(f"projects/{platform.scope}/issues", labels=label, state="opened")
        found = list(api.pages(url))
    return min(found, key=lambda i: int(i.get("number") or i.get("iid") or 0), default=None)


def _issue_url(platform: GitHub | GitLab, issue: dict[str, Any]) -> str:
    if isinstance(platform, GitHub):
        return platform.api.url(f"repos/{platform.scope}/issues/{issue['number']}")
    return platform.api.url(f"projects/{platform.scope}/issues/{issue['iid']}")


def sync_issue(
    platform: GitHub | GitLab, *, status: int, body: str, label: str, title: str, closing: str
) -> str:
    """Open, update or close the drift issue for one run; what was done."""
    api = platform.api
    body = fit_comment(body, MARKER, ISSUE_LIMITS[platform.name])
    issue = _open_issue(platform, label)
    github = isinstance(platform, GitHub)
    if status == 2:
        if issue is None:
            if github:
                url = api.url(f"repos/{platform.scope}/issues")
                data = {"title": title, "body": body, "labels": [label]}
            else:
                url = api.url(f"projects/{platform.scope}/issues")
                data = {"title": title, "description": body, "labels": label}
            made = api.request("POST", url, data).data
            number = (made.get("number") or made.get("iid")) if isinstance(made, dict) else "?"
            return f"opened drift issue #{number}"
        number = issue.get("number") or issue.get("iid")
        if (issue.get("body") if github else issue.get("description")) == body:
            return f"drift issue #{number} is up to date"
        api.request(
            "PATCH" if github else "PUT",
            _issue_url(platform, issue),
            {"body": body} if github else {"description": body},
        )
        return f"updated drift issue #{number}"
    if status == 0:
        if issue is None:
            return "no drift, and no drift issue open"
        number = issue.get("number") or issue.get("iid")
        notes = "comments" if github else "notes"
        api.request("POST", f"{_issue_url(platform, issue)}/{notes}", {"body": closing})
        api.request(
            "PATCH" if github else "PUT",
            _issue_url(platform, issue),
            {"state": "closed"} if github else {"state_event": "close"},
        )
        return f"closed drift issue #{number}"
    return f"duvoform drift exited {status}: the drift issue was left as it is"


def main(argv: Sequence[str] | None = None) -> int:
    """``issue``: open, update or close the drift issue."""
    root = argparse.ArgumentParser(prog="duvoform_drift.py", description=__doc__.split("\n")[0])
    sub = root.add_subparsers(dest="command", required=True)
    issue = sub.add_parser("issue", help="open, update or close the drift issue")
    issue.add_argument("--platform", choices=("github", "gitlab"), default="github")
    issue.add_argument("--status", type=int, required=True, help="duvoform drift's exit code")
    issue.add_argument("--body-file", required=True, help="the report, in markdown")
    issue.add_argument("--label", default="duvoform-drift")
    issue.add_argument("--title", default="duvoform: live state drifted from the manifests")
    issue.add_argument("--closing", default="No drift any more: live state matches the manifests.")
    args = root.parse_args(argv)
    try:
        body = Path(args.body_file).read_text("utf-8") if args.status == 2 else ""
        platform = GitLab.from_env() if args.platform == "gitlab" else GitHub.from_env()
        print(
            sync_issue(
                platform,
                status=args.status,
                body=body,
                label=args.label,
                title=args.title,
                closing=args.closing,
            )
        )
    except CiError as exc:
        print(f"duvoform_drift.py: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"duvoform_drift.py: error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
