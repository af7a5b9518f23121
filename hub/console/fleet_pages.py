"""The fleet page (every terminal's colour, queue, devices, versions, chain, alerts) and a terminal's
own page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from hub.console import fleet_status, terminal_commands
from hub.console.pages import Console
from hub.console.words import W


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    def _fleet() -> list[fleet_status.TerminalStatus]:
        return fleet_status.fleet(console.store.terminals_overview(), console.settings)

    def _context() -> dict:
        terminals = _fleet()
        return {
            "terminals": terminals,
            "alerts": [(t, a) for t in terminals for a in t.alerts],
            "counts": {c: sum(t.colour == c for t in terminals) for c in ("green", "yellow", "red")},
            "settings": console.settings,
        }

    @router.get("/console/fleet", include_in_schema=False)
    def fleet_page(request: Request) -> Response:
        session = console.signed_in(request, "fleet.view")
        return console.render(request, session, "fleet.html", nav="fleet", **_context())

    @router.get("/console/fleet/rows", include_in_schema=False)
    def fleet_rows(request: Request) -> Response:
        session = console.signed_in(request, "fleet.view")
        return console.render(request, session, "fleet_rows.html", **_context())

    @router.get("/console/fleet.json", include_in_schema=False)
    def fleet_json(request: Request) -> Response:
        console.signed_in(request, "fleet.view")
        return JSONResponse(
            {
                "terminals": [
                    {"terminal_id": t.terminal_id, "colour": t.colour, "alerts": list(t.alerts)}
                    for t in _fleet()
                ]
            }
        )

    @router.get("/console/fleet/{terminal_id}", include_in_schema=False)
    def terminal_page(request: Request, terminal_id: str, issued: str = "", error: str = "") -> Response:
        session = console.signed_in(request, "fleet.view")
        rows = [r for r in console.store.terminals_overview() if r["terminal_id"] == terminal_id]
        if not rows:
            return console.render(request, session, "error.html", 404, nav="fleet", error="error.no_terminal")
        status = fleet_status.terminal_status(rows[0], console.settings)
        return console.render(
            request,
            session,
            "terminal.html",
            nav="fleet",
            terminal=status,
            wanted_catalogue=console.rollout.version_for(terminal_id) or console.rollout.catalog_file.current()[2].get("version", ""),
            device_errors=fleet_status.device_errors(rows[0]["health"] or {}),
            health_json=json.dumps(rows[0]["health"] or {}, ensure_ascii=False, indent=2, sort_keys=True),
            commands=terminal_commands.terminal_commands(console, terminal_id),
            forms=terminal_commands.FORM_ORDER,
            reasons=terminal_commands.REASONS,
            issued=issued,
            error=(error if error in W else "error.generic") if error.startswith("command.") else "",
        )

    return router
