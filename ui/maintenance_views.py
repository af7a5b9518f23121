"""Two panels the maintenance screen shows in the place of its figures (so no action button moves):
the reasons to take the terminal out of service (one tap each: what residents then read), and the
terminal's diagnostics (kiosk.maintenance.Diagnostics: ids, versions, the hub's reachability, the
audit chain head, the queue, the last warnings and errors of the log; nothing personal)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtWidgets import QFrame, QGridLayout, QSizePolicy

from kiosk.session_view import OutOfServiceReason
from ui.widgets import button, label, panel

# what the remote command out_of_service accepts (hub/commands.py OUT_OF_SERVICE_REASONS), in the
# order a technician on site needs them
REASONS = (
    OutOfServiceReason.HARDWARE,
    OutOfServiceReason.INTERNAL,
    OutOfServiceReason.HOURS,
    OutOfServiceReason.BACKEND,
)
ERROR_CHARS = 72  # of each log line's message: the panel has a few lines, not a log viewer


def breakable(text: str) -> str:
    """A URL with places to wrap after its separators (a zero-width space): Qt wraps at spaces only,
    and a real https://…:8443 address ran past its column."""
    return re.sub(r"([/.:\-]+)", "\\1\u200b", text)


def reasons_frame(
    t: Callable[..., str],
    on_reason: Callable[[OutOfServiceReason], None],
    on_cancel: Callable[[], None],
    devices: Sequence[tuple[str, str]] = (),
) -> QFrame:
    """`devices`: (name, line) of each device's state, shown over the question."""
    frame, box = panel("card", "maintenance.reasons")
    for name, text in devices:
        box.addWidget(label(text, name=f"maintenance.reason_device.{name}"))
    box.addWidget(label(t("maintenance.reason_ask"), name="maintenance.reason_ask"))
    grid = QGridLayout()
    choices = [
        button(
            t(f"maintenance.reason.{reason.value}"),
            lambda r=reason: on_reason(r),
            name=f"maintenance.reason.{reason.value}",
        )
        for reason in REASONS
    ]
    choices.append(button(t("maintenance.reason_cancel"), on_cancel, name="maintenance.reason_cancel"))
    for i, b in enumerate(choices):
        b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        grid.addWidget(b, i // 2, i % 2)
    for column in (0, 1):
        grid.setColumnStretch(column, 1)
    box.addLayout(grid)
    box.addStretch(1)
    return frame


def _log_line(line: str, t: Callable[..., str]) -> str:
    """kiosk.log_tail's "ISO-UTC LEVEL logger: message" with the time local and the level in words."""
    at, _, rest = line.partition(" ")
    level, _, message = rest.partition(" ")
    try:
        when = datetime.fromisoformat(at).astimezone().strftime("%H:%M:%S")
    except ValueError:
        when = at
    word = t("maintenance.diag.level.error" if level == "ERROR" else "maintenance.diag.level.warning")
    message = message if len(message) <= ERROR_CHARS else message[: ERROR_CHARS - 1] + "…"
    # a long word (a path, an address) still wraps in the narrow column, never runs past it
    message = re.sub(r"(\S{24})(?=\S)", "\\1\u200b", breakable(message))
    return f"{when} {word} {message}"


def diagnostics_frame(diagnostics, t: Callable[..., str], taken: str, small_px: int) -> QFrame:
    """`diagnostics`: kiosk.maintenance.Diagnostics, or None while it is read; `taken`: the line
    saying when it was read."""
    frame, box = panel("card", "maintenance.diagnostics_panel")
    frame.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    # the small type: a dozen lines in the figures' place, at 1280x800 without scrolling
    frame.setStyleSheet(f"QLabel {{ font-size: {small_px}px; }}")
    box.setSpacing(2)
    if diagnostics is None:
        box.addWidget(label(t("maintenance.loading"), name="maintenance.status"))
        box.addStretch(1)
        return frame
    d = diagnostics
    none = t("maintenance.none")
    r = d.report
    errors = [_log_line(line, t) for line in d.errors]
    hub = t(f"maintenance.diag.hub.{d.hub}", ms=d.hub_ms if d.hub_ms is not None else "-")
    terminal = t(
        "maintenance.diag.terminal",
        terminal=d.terminal_id or "-",
        app=d.app_version,
        catalogue=d.catalogue_version or none,
    )
    audit = (
        t("maintenance.diag.audit", seq=d.audit_seq, head=d.audit_head)
        if d.audit_seq is not None
        else t("maintenance.diag.audit_none")
    )
    queue = (
        t("maintenance.diag.queue", depth=r.depth, in_flight=r.in_flight or 0, dead=r.dead_letter_count or 0)
        if r.depth is not None
        else t("maintenance.diag.queue_none")
    )
    summary = t("maintenance.diag.errors", count=len(errors)) if errors else t("maintenance.diag.no_errors")
    box.addWidget(label(terminal, name="maintenance.diag.terminal"))
    box.addWidget(
        label(t("maintenance.diag.hub_url", url=breakable(d.hub_url or "-")), name="maintenance.diag.hub_url")
    )
    box.addWidget(label(hub, name="maintenance.diag.hub"))
    box.addWidget(label(audit, name="maintenance.diag.audit"))
    box.addWidget(label(queue, name="maintenance.diag.queue"))
    box.addWidget(label(summary, name="maintenance.diag.errors"))
    for i, text in enumerate(errors):
        box.addWidget(label(text, "muted", name=f"maintenance.diag.error.{i}"))
    box.addWidget(label(taken, "muted", name="maintenance.diag.taken_at"))
    box.addStretch(1)
    return frame
