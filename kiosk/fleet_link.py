"""What the terminal does with the hub's heartbeat answer: upload the audit entries the hub does not
hold yet, run the pulled commands, report their results; and what a refusal means (revoked).

    link = FleetLink(lambda: hub, audit, runner, on_revoked=...)
    HeartbeatSources(..., audit_head=link.audit_head, on_answer=link.on_answer, on_refused=link.on_refused)

All of it runs in the heartbeat's thread, after a report the hub accepted. A failure here is logged
and tried again with the next heartbeat: the heartbeat itself counts as delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.audit import AuditLog
from kiosk.hub_api import HubError, HubRefused
from kiosk.remote_commands import CommandRunner

log = logging.getLogger(__name__)

UPLOAD_BATCH = 500
MAX_BATCHES_PER_BEAT = 20  # a long backlog goes up over several heartbeats, never in one burst


class FleetLink:
    def __init__(
        self,
        hub: Callable[[], Any],
        audit: AuditLog,
        runner: CommandRunner,
        on_revoked: Callable[[], None] | None = None,
    ) -> None:
        self._hub = hub
        self.audit = audit
        self.runner = runner
        self._on_revoked = on_revoked
        audit.fail_interrupted_commands()

    def audit_head(self) -> dict[str, Any]:
        return self.audit.head().as_json()

    def on_answer(self, answer: Any) -> None:
        if not isinstance(answer, dict):
            return  # an older hub: nothing more to do
        hub = self._hub()
        held = answer.get("audit")
        if isinstance(held, dict) and isinstance(held.get("seq"), int):
            try:
                self.upload(hub, held)
            except HubError as exc:
                log.warning("audit upload not delivered", extra={"error": type(exc).__name__})
        self.runner.run(answer.get("commands") or [])
        self.runner.report_results(hub)

    def upload(self, hub: Any, held: dict[str, Any]) -> int:
        """Send the entries after the hub's held head; returns the hub's head seq afterwards."""
        seq = held["seq"]
        self._witness(held)
        for _ in range(MAX_BATCHES_PER_BEAT):
            entries = self.audit.entries_after(seq, UPLOAD_BATCH)
            if not entries:
                break
            head = hub.upload_audit(entries)
            self._witness(head)
            seq = head["seq"]
        return seq

    def _witness(self, held: dict[str, Any]) -> None:
        seq, h = held.get("seq"), held.get("h")
        if not isinstance(seq, int) or not isinstance(h, str) or seq <= 0:
            return
        mine = self.audit.entries_after(seq - 1, 1)
        if mine and mine[0]["seq"] == seq and mine[0]["h"] == h:
            self.audit.record_witness(seq, h)

    def on_refused(self, exc: HubError) -> None:
        if isinstance(exc, HubRefused) and exc.error == "terminal_revoked" and self._on_revoked is not None:
            log.error("the hub revoked this terminal's enrolment")
            self._on_revoked()
