#!/usr/bin/env python3
"""The parts of a duvoform CI job that a line of shell does badly.

Subcommands::

    comment   post or update ONE sticky comment on a GitHub pull request or a GitLab merge
              request: the comment that starts with --marker (<!-- duvoform-plan -->) and
              was written by the token's own identity is edited in place, so a new push
              never adds a new comment (one by anyone else is never edited)
    pre       print a text file (a plan, a log) as markdown for a job summary or a comment:
              HTML-escaped inside <pre>, so nothing in it is read as markup, and cut to a
              size limit with a notice
    head      print the commit at the head of a branch (an apply job compares it with its own
              commit, so a re-run of an old job never applies old manifests)

Standard library only (Python 3.11+), so it runs wherever duvoform runs. Settings come from the
CI's own variables. GitHub: ``GITHUB_API_URL``, ``GITHUB_REPOSITORY`` and a token in
``GITHUB_TOKEN`` (or ``GH_TOKEN``). GitLab (``--platform gitlab``): ``CI_API_V4_URL``,
``CI_PROJECT_ID`` and a token in ``DUVOFORM_GITLAB_TOKEN`` (a project access token with the
``api`` scope; the job token cannot write notes). The token is sent only to that API's own
origin and never printed. Errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# GitHub refuses a comment body over 65,536 characters; a GitLab note may hold 1,000,000.
COMMENT_LIMITS = {"github": 65_536, "gitlab": 1_000_000}
# A job summary may hold 1 MiB per step; stay a little under it.
SUMMARY_LIMIT = 1_000_000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
_ATTEMPTS = 3


class CiError(Exception):
    """A failure to report as one line, without a traceback (``status``: the HTTP status)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# -- HTTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """A decoded JSON answer and the URL of its next page, if any."""

    data: Any
    next_url: str | None


class Api:
    """A small JSON client for one API origin; the token never leaves that origin."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = _origin(self.base_url)
        self.headers = {"User-Agent": "duvoform-ci", "Accept": "application/json", **headers}

    def url(self, path: str, **query: str | int) -> str:
        """``base_url + path`` with ``query`` encoded."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        return url

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> Response:
        """Send one request; reads and edits are tried up to three times on 429/5xx/network.

        A POST is sent once: repeating a create whose answer was lost could add a second
        comment, which is exactly what a sticky comment must never do.
        """
        if _origin(url) != self.origin:
            raise CiError(f"refusing to send the token to {_origin(url)} (expected {self.origin})")
        data = None if body is None else json.dumps(body).encode()
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        attempts = 1 if method == "POST" else _ATTEMPTS
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    payload = answer.read()
                    link = answer.headers.get("Link", "")
            except urllib.error.HTTPError as exc:
                if exc.code in _RETRIED_STATUSES and attempt < attempts:
                    _pause(attempt, exc.headers.get("Retry-After"))
                    continue
                raise CiError(
                    f"{method} {_shown(url)} failed: {_describe(exc)}", exc.code
                ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < attempts:
                    _pause(attempt, None)
                    continue
                reason = getattr(exc, "reason", exc)
                raise CiError(f"{method} {_shown(url)} failed: {reason}") from None
            match = _LINK_NEXT.search(link)
            try:
                decoded = json.loads(payload) if payload else None
            except ValueError:
                raise CiError(f"{method} {_shown(url)} answered with something not JSON") from None
            return Response(decoded, match.group(1) if match else None)
        raise AssertionError("unreachable")

    def pages(self, url: str) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list, following ``Link: <...>; rel="next"``."""
        next_url: str | None = url
        while next_url is not None:
            response = self.request("GET", next_url)
            if not isinstance(response.data, list):
                raise CiError(f"GET {_shown(next_url)} did not answer with a list")
            yield from (item for item in response.data if isinstance(item, dict))
            next_url = response.next_url


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _shown(url: str) -> str:
    """The URL without its query, for messages."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _describe(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"null")
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    return f"{exc.code} {exc.reason}" + (f": {message}" if isinstance(message, str) else "")


def _pause(attempt: int, retry_after: str | None) -> None:
    delay = float(2 ** (attempt - 1))
    if retry_after and retry_after.isdigit():
        delay = min(float(retry_after), 30.0)
    time.sleep(delay)


# -- platforms ----------------------------------------------------------------------------


def _env(name: str, *fallbacks: str) -> str:
    for key in (name, *fallbacks):
        value = os.environ.get(key, "").strip()
        if value:
            return value
    names = " or ".join((name, *fallbacks))
    raise CiError(f"{names} is not set")


class _Platform:
    """Where comments live. Each platform lists, adds and edits the comments of a pull/merge
    request (oldest first), finds the request merged as a commit, and reads a branch's head."""

    name = ""

    def __init__(self, api: Api, scope: str) -> None:
        self.api = api
        self.scope = scope  # GitHub: "owner/repo"; GitLab: the URL-encoded project id or path

    def get_list(self, url: str) -> list[Any]:
        data = self.api.request("GET", url).data
        if not isinstance(data, list):
            raise CiError(f"GET {_shown(url)} did not answer with a list")
        return data

    def get_commit(self, url: str, key: str) -> str:
        data = self.api.request("GET", url).data
        sha = data.get("commit", {}).get(key) if isinstance(data, dict) else None
        if not isinstance(sha, str):
            raise CiError(f"GET {_shown(url)} did not name the branch's commit")
        return sha


class GitHub(_Platform):
    """GitHub's REST API: pull request comments are issue comments."""

    name = "github"

    @classmethod
    def from_env(cls) -> GitHub:
        token = _env("GITHUB_TOKEN", "GH_TOKEN")
        api = Api(
            os.environ.get("GITHUB_API_URL") or "https://api.github.com",
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        return cls(api, _env("GITHUB_REPOSITORY"))

    def comments(self, number: int) -> Iterator[dict[str, Any]]:
        yield from self.api.pages(
            self.api.url(f"repos/{self.scope}/issues/{number}/comments", per_page=100)
        )

    def create(self, number: int, body: str) -> int:
        url = self.api.url(f"repos/{self.scope}/issues/{number}/comments")
        return _id(self.api.request("POST", url, {"body": body}).data)

    def update(self, number: int, comment_id: int, body: str) -> None:
        url = self.api.url(f"repos/{self.scope}/issues/comments/{comment_id}")
        self.api.request("PATCH", url, {"body": body})

    def identity(self) -> str:
        """The login the token writes as: ``GET /user`` for a person's or a bot account's
        token; an app's installation token (the job's ``GITHUB_TOKEN``) cannot read it and
        writes as the app's bot, ``DUVOFORM_BOT_LOGIN`` (default ``github-actions[bot]``)."""
        try:
            data = self.api.request("GET", self.api.url("user")).data
        except CiError as exc:
            if exc.status not in (403, 404):
                raise
            return os.environ.get("DUVOFORM_BOT_LOGIN", "").strip() or "github-actions[bot]"
        login = data.get("login") if isinstance(data, dict) else None
        if not isinstance(login, str) or not login:
            raise CiError("GET /user did not name the token's login")
        return login

    def author(self, comment: dict[str, Any]) -> str | None:
        """Who wrote ``comment`` (a login)."""
        user = comment.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        return login if isinstance(login, str) else None

    def request_for_commit(self, sha: str) -> int | None:
        pulls = self.get_list(self.api.url(f"repos/{self.scope}/commits/{sha}/pulls"))
        return _pick_merged(pulls, sha, number_key="number", merge_keys=("merge_commit_sha",))

    def head(self, branch: str) -> str:
        name = urllib.parse.quote(branch, safe="")
        return self.get_commit(self.api.url(f"repos/{self.scope}/branches/{name}"), "sha")


class GitLab(_Platform):
    """GitLab's REST API (v4): merge request notes."""

    name = "gitlab"

    @classmethod
    def from_env(cls) -> GitLab:
        token = _env("DUVOFORM_GITLAB_TOKEN")
        base = os.environ.get("CI_API_V4_URL") or "https://gitlab.com/api/v4"
        return cls(
            Api(base, {"PRIVATE-TOKEN": token}), urllib.parse.quote(_env("CI_PROJECT_ID"), safe="")
        )

    def _notes(self, number: int) -> str:
        return f"projects/{self.scope}/merge_requests/{number}/notes"

    def comments(self, number: int) -> Iterator[dict[str, Any]]:
        url = self.api.url(self._notes(number), per_page=100, sort="asc", order_by="created_at")
        yield from (note for note in self.api.pages(url) if not note.get("system"))

    def create(self, number: int, body: str) -> int:
        return _id(self.api.request("POST", self.api.url(self._notes(number)), {"body": body}).data)

    def update(self, number: int, comment_id: int, body: str) -> None:
        url = self.api.url(f"{self._notes(number)}/{comment_id}")
        self.api.request("PUT", url, {"body": body})

    def identity(self) -> str:
        """The id of the user the token writes as (``GET /user``; a project access token is
        a bot user of its own)."""
        data = self.api.request("GET", self.api.url("user")).data
        user_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(user_id, int):
            raise CiError("GET /user did not name the token's user")
        return str(user_id)

    def author(self, comment: dict[str, Any]) -> str | None:
        """Who wrote ``comment`` (a user id)."""
        author = comment.get("author")
        user_id = author.get("id") if isinstance(author, dict) else None
        return str(user_id) if isinstance(user_id, int) else None

    def request_for_commit(self, sha: str) -> int | None:
        url = self.api.url(f"projects/{self.scope}/repository/commits/{sha}/merge_requests")
        return _pick_merged(
            self.get_list(url),
            sha,
            number_key="iid",
            merge_keys=("merge_commit_sha", "squash_commit_sha"),
        )

    def head(self, branch: str) -> str:
        name = urllib.parse.quote(branch, safe="")
        url = self.api.url(f"projects/{self.scope}/repository/branches/{name}")
        return self.get_commit(url, "id")


def _id(data: Any) -> int:
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        return int(data["id"])
    raise CiError("the API did not answer with the comment's id")


def _pick_merged(
    items: list[Any], sha: str, *, number_key: str, merge_keys: Sequence[str]
) -> int | None:
    """The request merged as ``sha``; else a merged one; else the first one listed."""
    candidates = [item for item in items if isinstance(item, dict)]
    for item in candidates:
        if any(item.get(key) == sha for key in merge_keys):
            return int(item[number_key])
    for item in candidates:
        if item.get("merged_at") or item.get("state") == "merged":
            return int(item[number_key])
    return int(candidates[0][number_key]) if candidates else None


Platform = GitHub | GitLab


def _platform(name: str) -> Platform:
    return GitLab.from_env() if name == "gitlab" else GitHub.from_env()


# -- comment ------------------------------------------------------------------------------


def fit_comment(body: str, marker: str, limit: int) -> str:
    """``body`` starting with ``marker``; a short notice instead when it exceeds ``limit``."""
    if not body.startswith(marker):
        body = f"{marker}\n{body}"
    if len(body) <= limit:
        return body
    return (
        f"{marker}\n\n## duvoform\n\nThis comment would be {len(body):,} characters, over the "
        f"limit of {limit:,}. See the job summary or the plan artifact of the CI run.\n"
    )


def upsert(platform: Platform, number: int, marker: str, body: str, *, only_update: bool) -> str:
    """Edit the oldest comment that starts with ``marker`` AND was written by the token's own
    identity, or add one; what was done. Anyone who can comment can copy the marker: such a
    comment is never edited (it would put the plan under their name, or let them steer it)."""
    body = fit_comment(body, marker, COMMENT_LIMITS[platform.name])
    me = platform.identity()
    matches = [
        c
        for c in platform.comments(number)
        if str(c.get("body", "")).startswith(marker) and platform.author(c) == me
    ]
    if matches:
        comment_id = _id(matches[0])
        if matches[0].get("body") == body:
            return f"comment {comment_id} on #{number} is up to date"
        platform.update(number, comment_id, body)
        extra = f" ({len(matches) - 1} more with the marker left alone)" if len(matches) > 1 else ""
        return f"updated comment {comment_id} on #{number}{extra}"
    if only_update:
        return f"no earlier comment on #{number}; nothing to update"
    return f"added comment {platform.create(number, body)} on #{number}"


def command_comment(args: argparse.Namespace) -> None:
    body = Path(args.body_file).read_text("utf-8")
    platform = _platform(args.platform)
    number = args.pr
    if number is None:
        number = platform.request_for_commit(args.commit)
        if number is None:
            print(f"no merged request found for commit {args.commit[:12]}; nothing to comment on")
            return
    print(upsert(platform, number, args.marker, body, only_update=args.only_update))


# -- pre ----------------------------------------------------------------------------------


def as_pre(text: str, *, limit: int, tail: bool = False, title: str | None = None) -> str:
    """``text`` as a ``<pre>`` block of at most ``limit`` UTF-8 bytes (title and notice included).

    Whole lines are kept from the start (or the end, with ``tail``); a notice says how many
    were left out. Colour codes are dropped and ``& < >`` escaped, so the text can neither
    close the block nor be read as markup.
    """
    lines = [html.escape(_ANSI.sub("", line), quote=False) for line in text.splitlines()]
    head = f"### {html.escape(title, quote=False)}\n\n" if title else ""
    room = limit - len(head.encode()) - len(b"<pre>\n</pre>\n") - 200
    kept: list[str] = []
    for line in reversed(lines) if tail else lines:
        size = len(line.encode()) + 1
        if size > room:
            break
        kept.append(line)
        room -= size
    if tail:
        kept.reverse()
    block = head + "<pre>\n" + "".join(f"{line}\n" for line in kept) + "</pre>\n"
    left_out = len(lines) - len(kept)
    if left_out:
        where = "first" if tail else "last"
        block += (
            f"\n*The {where} {left_out:,} of {len(lines):,} lines are not shown here; the CI "
            "job log and artifacts have all of them.*\n"
        )
    return block


def command_pre(args: argparse.Namespace) -> None:
    texts = []
    for name in args.files:
        path = Path(name)
        if path.is_file():
            texts.append(path.read_text("utf-8", errors="replace"))
    text = "\n".join(part.rstrip("\n") for part in texts if part.strip())
    if not text:
        text = args.empty
    sys.stdout.write(as_pre(text, limit=args.limit, tail=args.tail, title=args.title))


# -- head ---------------------------------------------------------------------------------


def command_head(args: argparse.Namespace) -> None:
    print(_platform(args.platform).head(args.branch))


# -- command line -------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """The command line: ``comment``, ``pre`` and ``head``."""
    root = argparse.ArgumentParser(prog="duvoform_ci.py", description=__doc__.split("\n")[0])
    sub = root.add_subparsers(dest="command", required=True)

    comment = sub.add_parser("comment", help="post or update one sticky comment")
    comment.add_argument("--platform", choices=("github", "gitlab"), default="github")
    comment.add_argument("--marker", required=True, help="hidden text that starts the comment")
    comment.add_argument("--body-file", required=True, help="the comment, in markdown")
    target = comment.add_mutually_exclusive_group(required=True)
    target.add_argument("--pr", type=int, help="pull request (GitHub) or merge request iid")
    target.add_argument("--commit", help="comment on the request that was merged as this commit")
    comment.add_argument(
        "--only-update", action="store_true", help="edit an existing comment, never add one"
    )
    comment.set_defaults(run=command_comment)

    pre = sub.add_parser("pre", help="a text file as an escaped <pre> block")
    pre.add_argument("files", nargs="+", help="text files, joined (missing ones are skipped)")
    pre.add_argument("--title", help="a heading above the block")
    pre.add_argument("--limit", type=int, default=SUMMARY_LIMIT, help="bytes (default: 1 MB)")
    keep = pre.add_mutually_exclusive_group()
    keep.add_argument("--tail", action="store_true", help="keep the end, not the start")
    keep.add_argument("--head", action="store_false", dest="tail", help="keep the start (default)")
    pre.add_argument("--empty", default="(no output)", help="shown when the files are empty")
    pre.set_defaults(run=command_pre)

    head = sub.add_parser("head", help="the commit at the head of a branch")
    head.add_argument("--platform", choices=("github", "gitlab"), default="github")
    head.add_argument("--branch", required=True)
    head.set_defaults(run=command_head)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; 1 with a one-line message on failure."""
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except CiError as exc:
        print(f"duvoform_ci.py: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"duvoform_ci.py: error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
