"""Remote commands the terminal pulled with its heartbeat: checked, run once, recorded, reported.

    runner = CommandRunner(audit, "T0001", lambda: hub.credentials.hmac_key, handlers)
    runner.run(answer["commands"])      # in the heartbeat's thread
    runner.report_results(hub)          # every finished command's result, until the hub has it

A command is refused (and audited as such) when its signature (contract.command_signing, the terminal's
own HMAC key) does not match — unsigned or changed on the way —, when it names another terminal,
or when it has expired. One that ran before is not run again: its id is kept in the audit file
(kiosk.audit, executed_commands), so "once" holds across restarts; the hub hands a command out in
every answer until the result reaches it, so a lost answer loses nothing.

Handlers come from the composition (ui/app.py): `handlers[name](args) -> detail dict`; raising
CommandFailed (or anything else) marks the command failed. Details carry figures and codes only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract.command_signing import command_signature_ok
from kiosk.audit import STORE_CLOSED, AuditLog, AuditRefused
from kiosk.hub_api import HubError, HubRefused
from kiosk.safe_logging import log_unexpected

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any] | None]


class CommandFailed(Exception):
    """A handler could not do what the command asked; `reason` is a code (e.g. "not_ready")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CommandOutcome:
    command_id: str | None
    command: str | None
    result: str  # succeeded | failed | refused | skipped (ran before)
    reason: str | None = None


class CommandRunner:
    """Checks and runs pulled commands. Call `run` from one thread at a time (the heartbeat's)."""

    def __init__(
        self,
        audit: AuditLog,
        terminal_id: str,
        key: Callable[[], bytes],
        handlers: dict[str, Handler],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.audit = audit
        self.terminal_id = terminal_id
        self._key = key
        self.handlers = handlers
        self._clock = clock
        self._replays_seen: set[str] = set()

    def _audit(self, command_id: str | None, command: str | None, result: str, reason: str | None) -> None:
        try:
            self.audit.append("command", command_id=command_id, command=command, result=result, reason=reason)
        except AuditRefused:
            # a forged command may carry anything as its id or name: audit the refusal without them
            self.audit.append("command", result=result, reason=reason or "malformed")

    def run(self, commands: Any) -> list[CommandOutcome]:
        if not isinstance(commands, list):
            return []
        return [self._one(raw) for raw in commands]

    def _one(self, raw: Any) -> CommandOutcome:
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("id"), str)
            or not isinstance(raw.get("command"), str)
        ):
            self._audit(None, None, "refused", "malformed")
            return CommandOutcome(None, None, "refused", "malformed")
        command_id, name = raw["id"], raw["command"]
        if not command_signature_ok(self._key(), raw):
            log.warning("remote command refused: bad signature")
            self._audit(command_id, name, "refused", "bad_signature")
            return CommandOutcome(command_id, name, "refused", "bad_signature")
        if raw.get("terminal_id") != self.terminal_id:
            self._audit(command_id, name, "refused", "wrong_terminal")
            return CommandOutcome(command_id, name, "refused", "wrong_terminal")
        if self.audit.command_ran(command_id):
            if command_id not in self._replays_seen:  # the hub repeats it until our result arrives
                self._replays_seen.add(command_id)
                self._audit(command_id, name, "skipped", "replayed")
            return CommandOutcome(command_id, name, "skipped", "replayed")
        expires_at = raw.get("expires_at")
        if not isinstance(expires_at, int | float) or expires_at <= self._clock():
            self.audit.claim_command(command_id, name)
            self.audit.finish_command(command_id, "refused", {"reason": "expired"})
            self._audit(command_id, name, "refused", "expired")
            return CommandOutcome(command_id, name, "refused", "expired")
        if not self.audit.claim_command(command_id, name):
            return CommandOutcome(command_id, name, "skipped", "replayed")
        return self._execute(command_id, name, raw.get("args") or {})

    def _execute(self, command_id: str, name: str, args: dict[str, Any]) -> CommandOutcome:
        handler = self.handlers.get(name)
        result, reason, detail = "succeeded", None, {}
        if handler is None:
            result, reason = "failed", "unknown_command"
        else:
            try:
                detail = handler(args if isinstance(args, dict) else {}) or {}
            except CommandFailed as exc:
                result, reason = "failed", exc.reason
            except STORE_CLOSED:
                raise  # shutting down: the command stays "started", failed as interrupted at next start
            except HubError as exc:
                result, reason = "failed", type(exc).__name__.lower()
            except Exception as exc:  # a handler's bug must not stop the heartbeat: fail the command
                log_unexpected(log, "remote command handler failed", exc)
                result, reason = "failed", "internal_error"
        if reason:
            detail = {**detail, "reason": reason}
        self.audit.finish_command(command_id, result, detail)
        self._audit(command_id, name, result, reason)
        log.info("remote command ran", extra={"command": name, "result": result})
        return CommandOutcome(command_id, name, result, reason)

    def report_results(self, hub: Any) -> int:
        """Send every finished, unreported result; returns how many the hub took. Stops at the first
        hub that does not answer (the next heartbeat tries again)."""
        sent = 0
        for command_id, result, detail in self.audit.unreported_results():
            try:
                hub.report_command_result(command_id, result, detail)
            except HubRefused as exc:
                log.warning(
                    "command result refused by the hub", extra={"status": exc.status, "error": exc.error}
                )
            except HubError:
                return sent
            self.audit.result_reported(command_id)
            sent += 1
        return sent
