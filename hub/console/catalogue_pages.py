"""Catalogue rollout: upload a version (checked with the terminal's rules), stage it to a group,
watch which terminals took it, promote it to all, roll back."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hub.catalogue_rollout import CatalogueInvalid, RolloutError
from hub.console.pages import Console


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    def _uptake() -> tuple[list[dict], str]:
        """Which terminals run the version they should (from their last heartbeats), and the
        built-in file's version."""
        file_version = str(console.rollout.catalog_file.current()[2].get("version", ""))
        uptake = []
        for row in console.store.terminals_overview():
            if row["terminal_id"] == "DEMO":
                continue
            running = ((row["health"] or {}).get("versions") or {}).get("catalogue")
            wanted = console.rollout.version_for(row["terminal_id"])
            # with nothing promoted the terminal should run the built-in catalogue file's version
            took = running is not None and running == (wanted or file_version)
            uptake.append(
                {
                    "terminal_id": row["terminal_id"],
                    "running": running or "",
                    "wanted": wanted or "",
                    "took": took,
                }
            )
        return uptake, file_version

    def _page(request: Request, session, status_code: int = 200, **extra) -> Response:
        state = console.rollout.state()
        uptake, file_version = _uptake()
        groups: dict[str, list[str]] = {}
        for version in state.versions:
            document = console.rollout.document(version["version"]) or {}
            groups[version["version"]] = sorted((document.get("terminal_groups") or {}).keys())
        return console.render(
            request,
            session,
            "catalogue.html",
            status_code,
            nav="catalogue",
            state=state,
            uptake=uptake,
            groups=groups,
            file_version=file_version,
            **extra,
        )

    @router.get("/console/catalogue", include_in_schema=False)
    def catalogue_page(request: Request, done: str = "", error: str = "") -> Response:
        session = console.signed_in(request, "catalogue.view")
        return _page(request, session, done=done, error=error)

    @router.get("/console/catalogue/rows", include_in_schema=False)
    def uptake_rows(request: Request) -> Response:
        """The uptake table's body alone: the page fetches it again every few seconds, so "took it"
        follows the terminals' heartbeats without a reload (walktech finding 20)."""
        session = console.signed_in(request, "catalogue.view")
        uptake, file_version = _uptake()
        return console.render(request, session, "catalogue_rows.html", uptake=uptake, file_version=file_version)

    @router.post("/console/catalogue/upload", include_in_schema=False)
    async def upload(request: Request) -> Response:
        session, _ = await console.posted(request, "catalogue.manage")
        form = await request.form()
        sent = form.get("document")
        raw = await sent.read() if hasattr(sent, "read") else (sent or "").encode()
        problem = None
        try:
            version = console.rollout.upload(json.loads(raw), session.member.username)
        except CatalogueInvalid as exc:
            problem = {"where": exc.where or "catalogue", "reason": exc.reason}
        except RolloutError as exc:
            problem = {"where": "version", "reason": exc.error}
        except (ValueError, UnicodeDecodeError):
            problem = {"where": "", "reason": "not_json"}
        if problem is not None:
            console.audit(session, "catalogue.upload_refused", problem["where"])
            return _page(request, session, 422, problem=problem)
        console.audit(session, "catalogue.upload", version)
        return RedirectResponse(f"/console/catalogue?done=uploaded&v={version}", status_code=303)

    @router.post("/console/catalogue/stage", include_in_schema=False)
    async def stage(request: Request) -> Response:
        session, form = await console.posted(request, "catalogue.manage")
        version, group = form.get("version", ""), form.get("group", "")
        try:
            console.rollout.stage(version, group, session.member.username)
        except RolloutError as exc:
            return RedirectResponse(f"/console/catalogue?error=rollout.{exc.error}", status_code=303)
        console.audit(session, "catalogue.stage", version, group=group)
        return RedirectResponse("/console/catalogue?done=staged", status_code=303)

    @router.post("/console/catalogue/promote", include_in_schema=False)
    async def promote(request: Request) -> Response:
        session, _ = await console.posted(request, "catalogue.manage")
        try:
            version = console.rollout.promote(session.member.username)
        except RolloutError as exc:
            return RedirectResponse(f"/console/catalogue?error=rollout.{exc.error}", status_code=303)
        console.audit(session, "catalogue.promote", version)
        return RedirectResponse("/console/catalogue?done=promoted", status_code=303)

    @router.post("/console/catalogue/rollback", include_in_schema=False)
    async def rollback(request: Request) -> Response:
        session, _ = await console.posted(request, "catalogue.manage")
        try:
            now_served = console.rollout.rollback(session.member.username)
        except RolloutError as exc:
            return RedirectResponse(f"/console/catalogue?error=rollout.{exc.error}", status_code=303)
        console.audit(session, "catalogue.rollback", now_served or "file")
        return RedirectResponse("/console/catalogue?done=rolled_back", status_code=303)

    return router
