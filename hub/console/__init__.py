"""The staff console: server-rendered pages under /console (Jinja templates in templates/, a little
plain JavaScript and the vendored Chart.js in static/).

`mount(app, store, rollout, settings)` adds its routes to the hub's FastAPI app. The console has its
own sign-in (hub/console/sessions.py) instead of the terminals' signature gate; permissions per role
are in hub/console/permissions.py, CSRF in hub/console/csrf.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from hub.catalogue_rollout import CatalogueRollout
from hub.console import cases_pages, catalogue_pages, figures_pages, fleet_pages, sign_in, terminal_commands
from hub.console.csrf import CsrfRefused
from hub.console.pages import Console, NeedSignIn
from hub.console.permissions import NotPermitted
from hub.console.settings import ConsoleSettings
from hub.staff import LockoutPolicy, StaffAccounts
from hub.store import HubStore

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI, store: HubStore, rollout: CatalogueRollout, settings: ConsoleSettings) -> Console:
    accounts = StaffAccounts(store, LockoutPolicy(settings.max_failures, settings.lock_s))
    console = Console(store=store, accounts=accounts, rollout=rollout, settings=settings)
    for module in (sign_in, cases_pages, fleet_pages, terminal_commands, catalogue_pages, figures_pages):
        app.include_router(module.routes(console))
    app.mount("/console/static", StaticFiles(directory=str(STATIC)), name="console-static")

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        # browsers ask for it on every page: nothing here (the pages name /console/static/icon.svg),
        # not the terminals' 401
        return Response(status_code=204)

    @app.exception_handler(NeedSignIn)
    async def _need_sign_in(request: Request, exc: NeedSignIn) -> Response:
        if request.url.path.endswith(".json") or request.method != "GET":
            return JSONResponse({"error": "unauthenticated", "message": "sign in first"}, status_code=401)
        return RedirectResponse(f"/console/sign-in?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(NotPermitted)
    async def _not_permitted(request: Request, exc: NotPermitted) -> Response:
        session = console.signed_in(request)
        return console.render(request, session, "error.html", 403, error="error.not_permitted")

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return console.render(request, None, "error.html", 403, error="error.csrf")

    return console
