"""The worklist, the case page and the moves staff make on a case."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from hub.console import case_work
from hub.console.case_work import MoveRefused, WorklistFilter
from hub.console.pages import Console, language
from hub.console.permissions import can
from hub.store import CASE_STATUSES

# the confirmations a case page shows after an action (hub.console.words: case.done.<what>)
DONE = frozenset(
    ["assign"] + [f"{how}{noted}" for how in case_work.MOVES for noted in ("", "_noted")]
)


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    def _listing(request: Request) -> tuple[WorklistFilter, list[dict]]:
        wanted = WorklistFilter.from_query(dict(request.query_params))
        return wanted, case_work.worklist(console.store, wanted)

    @router.get("/console/cases", include_in_schema=False)
    def worklist(request: Request) -> Response:
        session = console.signed_in(request, "cases.view")
        wanted, cases = _listing(request)
        services, terminals = case_work.filter_choices(console.store)
        return console.render(
            request,
            session,
            "cases.html",
            nav="cases",
            cases=cases,
            wanted=wanted,
            statuses=CASE_STATUSES,
            services=services,
            terminals=terminals,
            latest_seq=case_work.latest_seq(console.store),
        )

    @router.get("/console/cases/rows", include_in_schema=False)
    def worklist_rows(request: Request) -> Response:
        """The worklist's table body alone, which the page's script fetches to show new cases."""
        session = console.signed_in(request, "cases.view")
        _, cases = _listing(request)
        response = console.render(request, session, "case_rows.html", cases=cases)
        response.headers["X-Latest-Seq"] = str(case_work.latest_seq(console.store))
        response.headers["X-Case-Count"] = str(len(cases))
        return response

    @router.get("/console/cases.json", include_in_schema=False)
    def worklist_json(request: Request) -> Response:
        console.signed_in(request, "cases.view")
        _, cases = _listing(request)
        return JSONResponse({"latest_seq": case_work.latest_seq(console.store), "cases": cases})

    @router.get("/console/cases/{case_id}", include_in_schema=False)
    def case_page(request: Request, case_id: str, error: str = "", done: str = "", to: str = "") -> Response:
        session = console.signed_in(request, "cases.view")
        record = console.store.case_record(case_id)
        if record is None:
            return console.render(request, session, "error.html", 404, nav="cases", error="error.no_case")
        show_personal = can(session.member, "cases.personal")
        specs = case_work.field_specs(console.rollout, record["catalog_version"], record["service_id"])
        rows = case_work.payload_rows(record["payload"], specs, language(request), show_personal)
        if show_personal and any(r["protected"] for r in rows):
            # seeing personal values is itself a staff action worth a line in the audit log (once
            # per sign-in session and case)
            console.audit_once(session, "case.view_personal", record["case_id"])
        officers = [m.username for m in console.accounts.members() if m.role == "case_officer"]
        return console.render(
            request,
            session,
            "case.html",
            nav="cases",
            case=record,
            timeline=(console.store.case(record["case_id"]) or {}).get("timeline", []),
            rows=rows,
            officers=officers,
            moves=[how for how, (_, start) in case_work.MOVES.items() if record["status"] in start],
            can_assign=record["status"] in case_work.OPEN_STATUSES,
            error=error,
            # the action just made, confirmed after its redirect (walktech finding 15: only the
            # status badge changed); only known actions, the assignee only as an officer's name
            done=done if done in DONE and (done != "assign" or to in officers) else "",
            done_to=to,
        )

    @router.post("/console/cases/{case_id}/assign", include_in_schema=False)
    async def assign(request: Request, case_id: str) -> Response:
        session, form = await console.posted(request, "cases.work")
        to = form.get("assignee") or session.member.username
        officer = console.accounts.member(to)
        if officer is None or officer.role != "case_officer":
            return RedirectResponse(f"/console/cases/{case_id}?error=error.no_officer", status_code=303)
        try:
            case_work.assign(console.store, case_id, to)
        except MoveRefused as refused:
            return RedirectResponse(f"/console/cases/{case_id}?error=move.{refused.error}", status_code=303)
        console.audit(session, "case.assign", case_id, assignee=to)
        return RedirectResponse(f"/console/cases/{case_id}?done=assign&to={quote(to)}", status_code=303)

    @router.post("/console/cases/{case_id}/move", include_in_schema=False)
    async def move(request: Request, case_id: str) -> Response:
        session, form = await console.posted(request, "cases.work")
        how = form.get("move", "")
        try:
            case = case_work.move(
                console.store, case_id, how, form.get("note_zh", ""), form.get("note_en", "")
            )
        except MoveRefused as refused:
            return RedirectResponse(f"/console/cases/{case_id}?error=move.{refused.error}", status_code=303)
        console.audit(session, f"case.{how}", case_id, status=case["status"])
        noted = "_noted" if case_work.both_languages(form.get("note_zh", ""), form.get("note_en", "")) else ""
        return RedirectResponse(f"/console/cases/{case_id}?done={how}{noted}", status_code=303)

    return router
