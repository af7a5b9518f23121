"""Sign-in, sign-out, language choice and the staff audit page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hub.console import csrf, sessions
from hub.console.pages import LANG_COOKIE, Console, safe_next
from hub.console.permissions import can
from hub.console.words import LANGUAGES
from hub.staff import SignInRefused, StaffMember, audit_log, record_action


def landing(member: StaffMember) -> str:
    return "/console/cases" if can(member, "cases.view") else "/console/fleet"


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    @router.get("/console", include_in_schema=False)
    def home(request: Request) -> Response:
        session = console.signed_in(request)
        return RedirectResponse(landing(session.member), status_code=303)

    def sign_in_page(request: Request, next_path: str, error: str = "", status_code: int = 200) -> Response:
        token = csrf.new_token()
        response = console.render(
            request, None, "sign_in.html", status_code, login_csrf=token, next_path=next_path, error=error
        )
        sessions.set_cookie(response, request, csrf.LOGIN_COOKIE, token, max_age=3600)
        return response

    @router.get("/console/sign-in", include_in_schema=False)
    def sign_in_form(request: Request, next: str = "") -> Response:
        return sign_in_page(request, safe_next(next) if next else "")

    @router.post("/console/sign-in", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        csrf.check(request.cookies.get(csrf.LOGIN_COOKIE, ""), fields.get(csrf.FIELD))
        username = fields.get("username", "").strip()
        next_path = fields.get("next", "")
        try:
            member = console.accounts.check_password(username, fields.get("password", ""))
        except SignInRefused as refused:
            record_action(console.store, username or "?", "sign_in.refused", "", {"reason": refused.reason})
            status = 423 if refused.reason == "locked" else 401
            return sign_in_page(request, next_path, f"sign_in.{refused.reason}", status)
        token, _ = sessions.start(console.store, member)
        record_action(console.store, member.username, "sign_in", "", {"role": member.role})
        response = RedirectResponse(safe_next(next_path) if next_path else landing(member), status_code=303)
        sessions.set_cookie(response, request, sessions.COOKIE, token, max_age=None)
        response.delete_cookie(csrf.LOGIN_COOKIE, path=sessions.PATH)
        return response

    @router.post("/console/sign-out", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        session, _ = await console.posted(request, None)
        console.audit(session, "sign_out")
        sessions.end(console.store, request)
        response = RedirectResponse("/console/sign-in", status_code=303)
        response.delete_cookie(sessions.COOKIE, path=sessions.PATH)
        return response

    @router.get("/console/lang/{code}", include_in_schema=False)
    def choose_language(request: Request, code: str, next: str = "") -> Response:
        response = RedirectResponse(safe_next(next), status_code=303)
        if code in LANGUAGES:
            sessions.set_cookie(response, request, LANG_COOKIE, code, max_age=365 * 86400)
        return response

    @router.get("/console/audit", include_in_schema=False)
    def audit_page(request: Request) -> Response:
        session = console.signed_in(request, "audit.view")
        return console.render(request, session, "audit.html", entries=audit_log(console.store), nav="audit")

    return router
