"""A tiny stand-in for the GitHub and GitLab REST APIs: the endpoints duvoform_ci.py calls.

GitHub (under ``/``): issue comments of a pull request (list with ``per_page``/``page`` and a
``Link`` header, create, edit), the pull requests of a commit, a branch. GitLab (under
``/api/v4``): merge request notes (list, create, edit), the merge requests of a commit, a
branch, and ``GET /user`` (who the token is). GitHub accepts an app installation token (which
writes as ``github-actions[bot]`` and cannot read ``/user``: 403, as on GitHub) and a bot
account's token (``duvoform-bot``); GitLab one project access token (bot user id 77); others get
401. Comments and notes record who wrote them. Every request is recorded, so tests can count writes.
Bodies over GitHub's 65,536 characters are refused with 422, as GitHub does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from duvoform.emulator import serve_in_thread

__all__ = ["Forge", "serve_forge"]

GITHUB_TOKEN = "ghs_fake_token_for_tests_0123456789"  # the job's app installation token
GITHUB_PAT = "ghp_fake_bot_account_token_0123456789"  # a bot account's personal token
GITHUB_LOGINS = {GITHUB_TOKEN: "github-actions[bot]", GITHUB_PAT: "duvoform-bot"}
GITLAB_TOKEN = "glpat-fake-token-for-tests-0123"
GITLAB_BOT_ID = 77  # the project access token's bot user
GITHUB_LIMIT = 65_536


@dataclass
class Forge:
    """The state of both fake APIs."""

    base_url: str = ""
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # GitHub, by PR
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # GitLab, by MR iid
    pulls_by_commit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    merge_requests_by_commit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # both platforms: name -> sha
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # GitHub, by number
    gl_issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # GitLab, by iid
    requests: list[tuple[str, str]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1001))

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m in ("POST", "PATCH", "PUT")]

    def add_comment(self, pr: int, body: str, login: str = "someone") -> int:
        comment_id = next(self._ids)
        self.comments.setdefault(pr, []).append(
            {"id": comment_id, "body": body, "user": {"login": login, "type": "User"}}
        )
        return comment_id

    def merged(self, sha: str, *, pr: int) -> None:
        """Record that pull/merge request ``pr`` was merged as commit ``sha``."""
        self.pulls_by_commit[sha] = [
            {"number": pr, "merge_commit_sha": sha, "merged_at": "2026-01-01T00:00:00Z"}
        ]
        self.merge_requests_by_commit[sha] = [
            {"iid": pr, "state": "merged", "merge_commit_sha": sha}
        ]

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(
                    "/repos/{owner}/{repo}/issues/{number:int}/comments",
                    self.gh_comments,
                    methods=["GET", "POST"],
                ),
                Route(
                    "/repos/{owner}/{repo}/issues/comments/{id:int}",
                    self.gh_edit,
                    methods=["PATCH"],
                ),
                Route("/repos/{owner}/{repo}/issues", self.gh_issues, methods=["GET", "POST"]),
                Route(
                    "/repos/{owner}/{repo}/issues/{number:int}",
                    self.gh_edit_issue,
                    methods=["PATCH"],
                ),
                Route("/repos/{owner}/{repo}/commits/{sha}/pulls", self.gh_pulls),
                Route("/user", self.gh_user),
                Route("/api/v4/user", self.gl_user),
                Route("/repos/{owner}/{repo}/branches/{branch}", self.gh_branch),
                Route(
                    "/api/v4/projects/{project:path}/merge_requests/{iid:int}/notes",
                    self.gl_notes,
                    methods=["GET", "POST"],
                ),
                Route(
                    "/api/v4/projects/{project:path}/merge_requests/{iid:int}/notes/{id:int}",
                    self.gl_edit,
                    methods=["PUT"],
                ),
                Route(
                    "/api/v4/projects/{project}/issues", self.gl_issue_list, methods=["GET", "POST"]
                ),
                Route(
                    "/api/v4/projects/{project}/issues/{iid:int}",
                    self.gl_edit_issue,
                    methods=["PUT"],
                ),
                Route(
                    "/api/v4/projects/{project}/issues/{iid:int}/notes",
                    self.gl_issue_note,
                    methods=["POST"],
                ),
                Route(
                    "/api/v4/projects/{project:path}/repository/commits/{sha}/merge_requests",
                    self.gl_mrs,
                ),
                Route(
                    "/api/v4/projects/{project:path}/repository/branches/{branch}", self.gl_branch
                ),
            ]
        )

    # -- helpers --------------------------------------------------------------------------

    def _check(self, request: Request, github: bool) -> Response | None:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        self.requests.append((request.method, raw_path.decode()))  # as sent, %2F kept
        if github:
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            ok = token in GITHUB_LOGINS
        else:
            ok = request.headers.get("private-token") == GITLAB_TOKEN
        if not ok:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return None

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        per_page = int(request.query_params.get("per_page", "30"))
        page = int(request.query_params.get("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            url = request.url.include_query_params(page=page + 1)
            headers["Link"] = f'<{url}>; rel="next"'
        return JSONResponse(chunk, headers=headers)

    # -- GitHub ---------------------------------------------------------------------------

    async def gh_comments(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        number = request.path_params["number"]
        if request.method == "GET":
            return self._page(request, self.comments.get(number, []))
        body = (await request.json())["body"]
        if len(body) > GITHUB_LIMIT:
            return JSONResponse({"message": "Validation Failed"}, status_code=422)
        comment_id = self.add_comment(number, body, login=_login(request))
        return JSONResponse({"id": comment_id, "body": body}, status_code=201)

    async def gh_edit(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        body = (await request.json())["body"]
        if len(body) > GITHUB_LIMIT:
            return JSONResponse({"message": "Validation Failed"}, status_code=422)
        for comment in itertools.chain.from_iterable(self.comments.values()):
            if comment["id"] == request.path_params["id"]:
                comment["body"] = body
                return JSONResponse(comment)
        return JSONResponse({"message": "Not Found"}, status_code=404)

    async def gh_issues(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        if request.method == "GET":
            label = request.query_params.get("labels")
            state = request.query_params.get("state", "open")
            found = [
                issue
                for issue in self.issues.values()
                if (label is None or label in [x["name"] for x in issue["labels"]])
                and (state == "all" or issue["state"] == state)
            ]
            return self._page(request, found)
        data = await request.json()
        if len(data["body"]) > GITHUB_LIMIT:
            return JSONResponse({"message": "Validation Failed"}, status_code=422)
        number = 100 + len(self.issues) + sum(len(c) for c in self.comments.values())
        issue = {
            "number": number,
            "title": data["title"],
            "body": data["body"],
            "state": "open",
            "labels": [{"name": name} for name in data.get("labels", [])],
        }
        self.issues[number] = issue
        return JSONResponse(issue, status_code=201)

    async def gh_edit_issue(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        issue = self.issues.get(request.path_params["number"])
        if issue is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        data = await request.json()
        if len(data.get("body", "")) > GITHUB_LIMIT:
            return JSONResponse({"message": "Validation Failed"}, status_code=422)
        issue.update({k: v for k, v in data.items() if k in ("body", "state", "title")})
        return JSONResponse(issue)

    async def gh_pulls(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        return JSONResponse(self.pulls_by_commit.get(request.path_params["sha"], []))

    async def gh_branch(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        sha = self.branches.get(request.path_params["branch"])
        if sha is None:
            return JSONResponse({"message": "Branch not found"}, status_code=404)
        return JSONResponse({"name": request.path_params["branch"], "commit": {"sha": sha}})

    # -- GitLab ---------------------------------------------------------------------------

    async def gl_notes(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        iid = request.path_params["iid"]
        if request.method == "GET":
            return self._page(request, self.notes.get(iid, []))
        body = (await request.json())["body"]
        note = {"id": next(self._ids), "body": body, "system": False}
        note["author"] = {"id": GITLAB_BOT_ID, "username": "project_1_bot"}
        self.notes.setdefault(iid, []).append(note)
        return JSONResponse(note, status_code=201)

    async def gh_user(self, request: Request) -> Response:
        if (refused := self._check(request, github=True)) is not None:
            return refused
        if _login(request) == "github-actions[bot]":
            return JSONResponse({"message": "Resource not accessible by integration"}, 403)
        return JSONResponse({"login": _login(request), "type": "User"})

    async def gl_user(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        return JSONResponse({"id": GITLAB_BOT_ID, "username": "project_1_bot", "bot": True})

    async def gl_edit(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        body = (await request.json())["body"]
        for note in self.notes.get(request.path_params["iid"], []):
            if note["id"] == request.path_params["id"]:
                note["body"] = body
                return JSONResponse(note)
        return JSONResponse({"message": "404 Not found"}, status_code=404)

    async def gl_issue_list(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        if request.method == "GET":
            label = request.query_params.get("labels")
            state = request.query_params.get("state", "all")
            found = [
                issue
                for issue in self.gl_issues.values()
                if (label is None or label in issue["labels"])
                and (state == "all" or issue["state"] == state)
            ]
            return self._page(request, found)
        data = await request.json()
        iid = len(self.gl_issues) + 1
        issue = {
            "iid": iid,
            "title": data["title"],
            "description": data["description"],
            "state": "opened",
            "labels": str(data.get("labels", "")).split(","),
            "notes": [],
        }
        self.gl_issues[iid] = issue
        return JSONResponse(issue, status_code=201)

    async def gl_edit_issue(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        issue = self.gl_issues.get(request.path_params["iid"])
        if issue is None:
            return JSONResponse({"message": "404 Not found"}, status_code=404)
        data = await request.json()
        if "description" in data:
            issue["description"] = data["description"]
        if data.get("state_event") == "close":
            issue["state"] = "closed"
        return JSONResponse(issue)

    async def gl_issue_note(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        issue = self.gl_issues.get(request.path_params["iid"])
        if issue is None:
            return JSONResponse({"message": "404 Not found"}, status_code=404)
        note = {"id": next(self._ids), "body": (await request.json())["body"], "system": False}
        issue["notes"].append(note)
        return JSONResponse(note, status_code=201)

    async def gl_mrs(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        return JSONResponse(self.merge_requests_by_commit.get(request.path_params["sha"], []))

    async def gl_branch(self, request: Request) -> Response:
        if (refused := self._check(request, github=False)) is not None:
            return refused
        sha = self.branches.get(request.path_params["branch"])
        if sha is None:
            return JSONResponse({"message": "404 Branch Not Found"}, status_code=404)
        return JSONResponse({"name": request.path_params["branch"], "commit": {"id": sha}})


def _login(request: Request) -> str:
    return GITHUB_LOGINS[request.headers.get("authorization", "").removeprefix("Bearer ")]


@contextmanager
def serve_forge() -> Iterator[Forge]:
    """A fresh ``Forge`` served over HTTP on a free loopback port."""
    forge = Forge()
    with serve_in_thread(forge.app()) as base_url:
        forge.base_url = base_url
        yield forge
