"""The remote commands' handlers on the terminal (kiosk.remote_commands runs them from the
heartbeat's thread). What must touch the session or the window is handed to the UI thread through a
queued signal; blocking work (a forced sync, a credential rotation) stays in the heartbeat's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk.remote_commands import CommandFailed, Handler
from kiosk.session_view import OutOfServiceReason

log = logging.getLogger(__name__)

RESTART_DELAY_MS = 3000  # time for the result to reach the hub before the program exits


class UiThread(QObject):
    """Runs callables on the thread it lives on (the UI thread)."""

    _call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def post(self, job: Callable[[], None]) -> None:
        self._call.emit(job)

    @Slot(object)
    def _run(self, job: Callable[[], None]) -> None:
        job()


MESSAGE_MAX_CHARS = 200  # a few lines on the screen


def resident_message(args: dict[str, Any]) -> dict[str, str]:
    """An out_of_service command's message for residents: language -> text (plain, one paragraph).

    Raises CommandFailed("bad_message") for a message that is not short plain text."""
    message = {}
    for lang in ("zh", "en"):
        text = args.get(f"message_{lang}", "")
        if not isinstance(text, str) or len(text) > MESSAGE_MAX_CHARS:
            raise CommandFailed("bad_message")
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):  # control characters
            raise CommandFailed("bad_message")
        if text.strip():
            message[lang] = text.strip()
    return message


def command_handlers(terminal: Any, ui: UiThread, restart: Callable[[], None]) -> dict[str, Handler]:
    """Handlers for `terminal` (ui.app.Terminal). Each returns a detail dict with figures only."""

    def out_of_service(args: dict[str, Any]) -> dict[str, Any]:
        try:
            reason = OutOfServiceReason(args.get("reason", "internal"))
        except ValueError as exc:
            raise CommandFailed("unknown_reason") from exc
        message = resident_message(args)
        ui.post(lambda: terminal.session.set_out_of_service(reason, message))
        return {"reason": reason.value, "message_languages": sorted(message)}

    def back_in_service(_args: dict[str, Any]) -> dict[str, Any]:
        ui.post(lambda: terminal.session.set_out_of_service(None))
        return {}

    def force_sync(_args: dict[str, Any]) -> dict[str, Any]:
        if terminal.background is None:
            raise CommandFailed("not_ready")
        report = terminal.background.sync_worker.sync_now()
        return {"acked": report.acked, "depth_after": report.depth_after}

    def refresh_catalogue(_args: dict[str, Any]) -> dict[str, Any]:
        ui.post(terminal.refresh_catalogue)
        return {}

    def restart_program(_args: dict[str, Any]) -> dict[str, Any]:
        ui.post(lambda: QTimer.singleShot(RESTART_DELAY_MS, restart))
        return {"restart_in_s": RESTART_DELAY_MS / 1000}

    def set_speech_volume(args: dict[str, Any]) -> dict[str, Any]:
        volume = args.get("volume")
        if not isinstance(volume, int | float) or not 0 <= volume <= 1:
            raise CommandFailed("bad_volume")
        ui.post(lambda: terminal.speaker.set_volume(float(volume)))
        return {"volume": float(volume)}

    def upload_diagnostics(_args: dict[str, Any]) -> dict[str, Any]:
        devices = {name: h.state for name, h in terminal.health.snapshot().items()}
        queue = terminal.background.stats().queue.as_heartbeat() if terminal.background else None
        tail = terminal.log_tail.lines() if terminal.log_tail is not None else []
        return {"devices": devices, "queue": queue, "log_tail": tail}

    def rotate(_args: dict[str, Any]) -> dict[str, Any]:
        from kiosk.enrolment import rotate_credentials

        hub = terminal.hub.load() if hasattr(terminal.hub, "load") else terminal.hub
        return rotate_credentials(hub)

    return {
        "out_of_service": out_of_service,
        "back_in_service": back_in_service,
        "force_sync": force_sync,
        "refresh_catalogue": refresh_catalogue,
        "restart": restart_program,
        "set_speech_volume": set_speech_volume,
        "upload_diagnostics": upload_diagnostics,
        "rotate_credentials": rotate,
    }
