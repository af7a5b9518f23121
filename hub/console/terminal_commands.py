"""Remote commands from a terminal's console page: a form per command the hub supports
(hub/commands.py COMMANDS), issued by fleet technicians and administrators (permission
`fleet.command`, CSRF like every form, a line in the hub's audit log), and the terminal's commands
with their state, times and result detail (an uploaded diagnostics readable: device states, queue
figures and the log tail, which by the terminal's rule holds no personal values).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hub.commands import COMMANDS, OUT_OF_SERVICE_REASONS, CommandBook
from hub.console.pages import Console
from hub.store import StoreError

# the forms in the order the page shows them: the everyday ones first
FORM_ORDER = (
    "out_of_service",
    "back_in_service",
    "force_sync",
    "refresh_catalogue",
    "upload_diagnostics",
    "set_speech_volume",
    "restart",
    "rotate_credentials",
)
assert set(FORM_ORDER) == set(COMMANDS), "a command the hub supports has no form"


def form_args(command: str, form: dict[str, str]) -> dict[str, Any]:
    """The command's arguments from its form; raises StoreError (422) for a bad value."""
    if command == "out_of_service":
        args: dict[str, Any] = {"reason": form.get("reason") or "internal"}
        for lang in ("zh", "en"):
            text = " ".join((form.get(f"message_{lang}") or "").split())
            if text:
                args[f"message_{lang}"] = text
        return args
    if command == "set_speech_volume":
        try:
            percent = float(form.get("volume_percent") or "")
        except ValueError as exc:
            raise StoreError("invalid_request", "volume must be a number from 0 to 1", 422) from exc
        return {"volume": round(percent / 100, 3)}
    return {}


def detail_parts(detail: dict[str, Any] | None) -> dict[str, Any]:
    """A result's detail split for the page: device states, queue figures, log lines, the rest."""
    detail = dict(detail or {})
    devices = detail.pop("devices", None)
    queue = detail.pop("queue", None)
    log_tail = detail.pop("log_tail", None)
    return {
        "devices": devices if isinstance(devices, dict) else {},
        "queue": queue if isinstance(queue, dict) else {},
        "log_tail": [str(line) for line in log_tail] if isinstance(log_tail, list) else [],
        "other": detail,
    }


def terminal_commands(console: Console, terminal_id: str) -> list[dict[str, Any]]:
    """The terminal's commands, newest first, each with its detail split for the page."""
    commands = CommandBook(console.store).list(terminal_id)
    commands.sort(key=lambda c: (c["issued_at"], c["id"]), reverse=True)
    return [{**c, "parts": detail_parts(c["detail"])} for c in commands]


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    @router.post("/console/fleet/{terminal_id}/commands", include_in_schema=False)
    async def issue(request: Request, terminal_id: str) -> Response:
        session, form = await console.posted(request, "fleet.command")
        command = form.get("command", "")
        back = f"/console/fleet/{quote(terminal_id)}"
        try:
            issued = CommandBook(console.store).issue(terminal_id, command, form_args(command, form))
        except StoreError as refused:
            return RedirectResponse(f"{back}?error=command.{refused.error}#remote-commands", status_code=303)
        console.audit(session, "terminal.command", terminal_id, command=command, command_id=issued["id"])
        return RedirectResponse(f"{back}?issued={issued['id']}#remote-commands", status_code=303)

    return router


REASONS = OUT_OF_SERVICE_REASONS
