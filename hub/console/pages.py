"""What every console page shares: the Jinja environment, the signed-in check, CSRF on POST, the
language (zh/en) and rendering with the words of hub/console/words.py."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from hub.catalogue_rollout import CatalogueRollout
from hub.console import csrf, sessions, shown
from hub.console.permissions import can, require
from hub.console.settings import ConsoleSettings
from hub.console.words import LANGUAGES, STATUS_WORDS, translate
from hub.staff import StaffAccounts, record_action
from hub.store import HubStore

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "hub_console_lang"


class NeedSignIn(Exception):
    """No live session: pages redirect to the sign-in form, JSON answers 401."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "zh"


def safe_next(path: str | None) -> str:
    """Only a console path: a sign-in link must not send staff to another site."""
    if path and path.startswith("/console") and not path.startswith("//"):
        return path
    return "/console/cases"


@dataclass
class Console:
    """The console's parts, handed to each route module."""

    store: HubStore
    accounts: StaffAccounts
    rollout: CatalogueRollout
    settings: ConsoleSettings

    @functools.cached_property
    def zone(self) -> Any:
        """The one local zone every console page shows times in (settings.timezone)."""
        return shown.zone(self.settings.timezone)

    @functools.cached_property
    def catalogue_words(self) -> shown.CatalogueWords:
        return shown.CatalogueWords(self.rollout)

    @functools.cached_property
    def env(self) -> Any:
        # Jinja is imported on the first page, not at hub start: terminals never wait for it
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        return Environment(
            loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]), trim_blocks=True
        )

    def signed_in(self, request: Request, permission: str | None = None) -> sessions.StaffSession:
        """The live session; raises NeedSignIn, or NotPermitted when its role lacks `permission`."""
        session = sessions.current(self.store, request, self.settings.session_idle_s)
        if session is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise NeedSignIn(target)
        if permission is not None:
            require(session.member, permission)
        return session

    async def posted(
        self, request: Request, permission: str | None
    ) -> tuple[sessions.StaffSession, dict[str, str]]:
        """A signed-in POST with the session's CSRF token: (session, form fields)."""
        session = self.signed_in(request, permission)
        csrf.check(session.csrf_token, await csrf.sent_token(request))
        form = await request.form()
        return session, {k: v for k, v in form.items() if isinstance(v, str)}

    def audit(self, session: sessions.StaffSession, action: str, target: str = "", **detail: Any) -> None:
        record_action(self.store, session.member.username, action, target, detail)

    def audit_once(self, session: sessions.StaffSession, action: str, target: str) -> None:
        """One line per sign-in session and target (seeing a case's personal values: every reload
        of the page would otherwise bury the real actions). The session is named by a short digest
        of its CSRF token, which changes with each sign-in."""
        marker = hashlib.sha256(session.csrf_token.encode()).hexdigest()[:12]
        detail = json.dumps({"session": marker}, sort_keys=True)
        with self.store.reading() as db:
            seen = db.execute(
                "SELECT 1 FROM staff_audit WHERE username = ? AND action = ? AND target = ? AND detail = ? LIMIT 1",
                [session.member.username, action, target, detail],
            ).fetchone()
        if seen is None:
            record_action(self.store, session.member.username, action, target, {"session": marker})

    def render(
        self,
        request: Request,
        session: sessions.StaffSession | None,
        template: str,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        lang = language(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        page = self.env.get_template(template).render(
            t=lambda key, **kw: translate(key, lang, **kw),
            status_word=lambda status: STATUS_WORDS.get(status, {}).get(lang, status),
            lang=lang,
            other_lang="en" if lang == "zh" else "zh",
            here=quote(here, safe="/"),
            member=session.member if session else None,
            csrf_token=session.csrf_token if session else context.pop("login_csrf", ""),
            can=lambda permission: can(session.member if session else None, permission),
            poll_ms=int(self.settings.poll_s * 1000),
            when=lambda value, seconds=False: shown.local_time(value, self.zone, seconds),
            waited=lambda hours: shown.waited(hours, lang),
            service_title=lambda sid, version=None: self.catalogue_words.service_title(sid, lang, version),
            timezone=self.settings.timezone,
            **context,
        )
        return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})
