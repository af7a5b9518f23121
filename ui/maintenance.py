"""The maintenance screen a technician card opens: the PIN first (when one is configured), then the
terminal's figures (device health, queue depth, oldest pending, dead letters, last sync and heartbeat)
and the technician's actions: force a sync, print a test page, requeue dead letters, out of service /
back in service, quit the program. Taking the card out locks it again.

A view only: the figures and the actions are kiosk.maintenance.MaintenanceDesk's, run in the executor's
workers (never on the UI thread); this renders the last report and the last action's outcome."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from drivers.card import model as _card_errors  # noqa: F401 - their error classes, for device_error_key
from drivers.errors import DriverError
from drivers.printer import model as _printer_errors  # noqa: F401
from kiosk.catalogue import DataClass, FieldType
from kiosk.local_time import human_time
from kiosk.session_view import FieldView, OutOfServiceReason, SessionView, Step
from kiosk.technician_lockout import PinLockout
from ui.enrol_panel import EnrolForm, EnrolmentOffer, EnrolRun, build_enrol_panel
from ui.i18n import Words
from ui.maintenance_views import REASONS, diagnostics_frame, reasons_frame
from ui.render_guard import RenderGuard, finger_down, keep_scroll
from ui.screens.editors import DigitEditor
from ui.technician_pin import pin_matches
from ui.theme import Theme
from ui.widgets import button, clear_layout, label, panel

log = logging.getLogger(__name__)

# the figures are read again this often while the screen is shown (found walking: "last heartbeat:
# never" a minute after enrolment, "printer ready" with the paper out, until "refresh" was tapped)
LIVE_MS = 2000
# the figures panel and the action grid share the width 2 : 3, whatever the labels say (columns
# sized by their labels moved every button when the language changed or quit asked to confirm)
FIGURES_STRETCH, ACTIONS_STRETCH = 2, 3

_PIN_FIELD = FieldView(
    id="pin",
    type=FieldType.NUMBER,
    label="PIN",
    hint="",
    data_class=DataClass.SENSITIVE,
    required=True,
    value="",
    display="",
    has_value=False,
    error_key=None,
    prefilled_from=None,
    locked=False,
    max_length=12,
)


class MaintenancePanel(QWidget):
    """Shown instead of the resident screens while a technician card is in the reader."""

    def __init__(
        self, session: Any, words: Words, executor: Any, pin_hash: str, on_quit: Callable[[], None]
    ) -> None:
        super().__init__()
        self.setObjectName("maintenance")
        self._session = session
        self._words = words
        self._executor = executor
        self._pin_hash = pin_hash
        self._on_quit = on_quit
        # the panel rebuilt in place under the finger (quit turned into "confirm quit", the reasons
        # under "out of service"): the window's double-tap guard must hear it as a screen change,
        # or a double tap answered the question it had just asked (walk 6, M4)
        self.on_rebuilt: Callable[[], None] = lambda: None
        self._box = QVBoxLayout(self)
        # the PIN's OK, shown in the window's bottom bar at its right end, where the resident's
        # number pad has its OK (walk 6, L6: in the pad's bottom-left corner it was the reverse)
        self.actions_bar = QWidget()
        self.actions_bar.setObjectName("maintenance_actions")
        self._actions_row = QHBoxLayout(self.actions_bar)
        self._actions_row.setContentsMargins(0, 0, 0, 0)
        self.take_back_actions()
        self._view: SessionView | None = None
        self._theme: Theme | None = None
        self._editor: DigitEditor | None = None
        self.desk: Any = None  # kiosk.maintenance.MaintenanceDesk, attached by ui.app once built
        self._audit: Callable[..., Any] | None = None
        self.terminal_id = ""
        self._report: Any = None
        self._landscape = False  # the figures beside the buttons (set at each render)
        self._pin_landscape = False  # the orientation the PIN pad was laid out for
        self._stale = True  # the figures are read again at the next render
        self._loading = False
        # (panel role, its words) of the last action: the words are made at each render, so they
        # follow a change of language after the action
        self._outcome: tuple[str, Callable[[], str]] | None = None
        self._confirm_quit = False  # the first tap on quit asks; the second, on the same place, quits
        self._enrol_form: EnrolForm | None = None  # while the terminal is not enrolled
        self._on_enrolled: Callable[[Any], None] | None = None
        self._refreshed_note = False  # the technician tapped "refresh": say that it was done
        self._sources: Any = None  # kiosk.maintenance.DiagnosticSources, from attach
        self.clock: Callable[[], float] = time.time  # the renders pin it: the same picture every run
        self._taken_at: float | None = None  # when the figures shown were read (self.clock())
        self._choosing_reason = False  # "take out of service" asks why, in the figures' place
        self._showing_diagnostics = False  # the diagnostics in the figures' place
        self._diagnostics: Any = None  # kiosk.maintenance.Diagnostics, the last read
        self._live_busy = False  # a live read is under way: the next tick waits for it
        self._left: QWidget | None = None  # what stands in the figures' place now
        self._left_min = 0  # the tallest it has been (portrait: the actions under it stay put)
        self._left_row: QHBoxLayout | QVBoxLayout | None = None
        self._buttons: dict[str, QWidget] = {}
        self._guard = RenderGuard(self, self._build)
        self._live = QTimer(self)
        self._live.setInterval(LIVE_MS)
        self._live.timeout.connect(self._live_tick)
        self._live.start()
        # the wrong PINs and the lock are the terminal's, not the card's (ui.app gives the one kept
        # in the data folder, so a restart does not end a lock either)
        self.pin_lockout = PinLockout()
        self._countdown = QTimer(self)  # the time left of a lock, said each second
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._count_down)
        self._lock_audited = False  # a card that met the lock: audited once per insertion
        self.lock()

    def offer_enrolment(
        self, offer: EnrolmentOffer | None, on_enrolled: Callable[[Any], None] | None = None
    ) -> None:
        """Show the Enrol panel instead of the actions (the terminal has no hub credentials), or no
        longer (None). `on_enrolled(Enrolled, hub_url)` runs on the UI thread after a success."""
        self._enrol_form = EnrolForm(offer) if offer is not None else None
        self._stale = True  # enrolled: the figures now include the sync worker and heartbeat
        if on_enrolled is not None:
            self._on_enrolled = on_enrolled
        self._rerender()

    def attach(
        self,
        health: Any,
        background_fn: Callable[[], Any],
        outbox: Any,
        printer: Any,
        terminal_id: str,
        new_outbox_fn: Callable[[], int] | None = None,
        audit: Callable[..., Any] | None = None,
    ) -> None:
        """Give the screen the terminal's parts (ui.app, once they are made; deferred ones are read
        only after they are built). `audit` (kiosk.audit.AuditLog.append) records each action."""
        from kiosk.maintenance import MaintenanceDesk

        self.desk = MaintenanceDesk(
            health,
            background_fn,
            lambda: outbox,
            lambda: printer,
            new_outbox_fn=new_outbox_fn,
            audit=audit,
            sources=self._sources,
            terminal_id=terminal_id,
        )
        self._audit = audit
        self.terminal_id = terminal_id

    def attach_diagnostics(self, sources: Any) -> None:
        """The diagnostics' sources (kiosk.maintenance.DiagnosticSources: hub address, catalogue
        version, hub client, audit head, log tail), once ui.app has them."""
        if self.desk is not None:
            self.desk._sources = sources
        self._sources = sources

    def lock(self) -> None:
        """The technician card left: the next one enters the PIN again."""
        self.unlocked = not self._pin_hash
        self._message = ""
        self._lock_audited = False
        self._report, self._outcome, self._stale = None, None, True
        self._confirm_quit = False
        self._choosing_reason = self._showing_diagnostics = False
        self._diagnostics = self._taken_at = None
        self._left_min = 0

    def take_back_actions(self) -> None:
        """The window shows a resident screen's actions: the panel keeps its own, hidden."""
        self.actions_bar.setParent(self)
        self.actions_bar.hide()

    def t(self, key: str, **values: object) -> str:
        assert self._view is not None
        return self._words.text(self._view.language, key, **values)

    def render(self, view: SessionView, theme: Theme) -> None:
        """Lay the screen out for `view`: at once, or (a finger on a button) once it is lifted."""
        self._view, self._theme = view, theme
        self._guard.request()

    def _build(self) -> None:
        view, theme = self._view, self._theme
        if view is None or theme is None:
            return
        if self._left is not None:
            try:
                self._left_min = max(self._left_min, self._left.height())
            except RuntimeError:
                pass
        self._left, self._left_row, self._buttons = None, None, {}
        if self.unlocked and self.desk is not None and self._stale and not self._loading:
            self.refresh()  # with no executor this renders at once, with the figures
            if self._executor is None:
                return
        clear_layout(self._box)
        clear_layout(self._actions_row)
        # little above and below: the Enrol panel and the English figures overran 1366x768 by 6-9 px
        margins = self._box.contentsMargins()
        self._box.setContentsMargins(margins.left(), 2, margins.right(), 2)
        title = label(self.t("maintenance.title"), "title")
        hint = label(self.t("maintenance.hint"))
        # the hint beside the title: a line of its own pushed the last actions off 1366x768 (and
        # the PIN pad's 确定 off 1280x800)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(hint, 1)
        self._box.addLayout(top)
        docked = False
        if not self.unlocked:
            docked = self._pin_entry()
        elif self._enrol_form is not None:
            self._enrol_actions(self._enrol_form)
        else:
            self._actions()
        if not docked:
            self._box.addStretch(1)
        if self.actions_bar.parent() is not self:  # in the window's bottom bar
            self.actions_bar.setVisible(self._actions_row.count() > 0)

    def _actions(self) -> None:
        # the outcome's line has its room before any outcome: a message that appeared pushed every
        # button down and the technician's next tap landed on the wrong one
        if self._confirm_quit:
            role, text = "warning", self.t("maintenance.exit_ask")
        elif self._outcome is not None:
            role, text = self._outcome[0], self._outcome[1]()
        else:
            role, text = "", ""
        # under the actions, not over them: empty, its room over them was a band between the title
        # and the terminal's state (final review, finding 7)
        outcome = self._fixed_panel(role, label(text, name="maintenance.outcome_text"), name="maintenance.outcome")
        # found walking: back at the terminal, the technician could not tell whether it was paused.
        # Both states in the same type: paused in larger type moved every button down the moment the
        # terminal was paused
        paused = self._view is not None and self._view.step is Step.OUT_OF_SERVICE
        state = self.t("maintenance.paused" if paused else "maintenance.serving")
        reason = self._view.out_of_service if paused and self._view is not None else None
        if reason in REASONS:  # why, as picked (walk 6, L6: the line said paused, not why)
            state = self.t("maintenance.paused_because", reason=self.t(f"maintenance.reason.{reason.value}"))
        # one line in every language and state at the widths the terminal runs on (1080 and up), so
        # pausing moves nothing (found walking: beside the hint, the English "paused (...)" wrapped
        # it and moved every button down the moment the terminal was paused)
        self._box.addWidget(label(state, name="maintenance.service_state", wrap=False))
        figures = self._figures()
        ready = self.desk is not None and not self._loading
        letters = bool(self._report is not None and self._report.dead_letter_count)
        problem = None if self._report is None else self._report.outbox_problem
        lost = bool(problem and problem.startswith("OutboxLost"))
        back = lambda: self._set_service(None, "maintenance.done_in")  # noqa: E731
        # out and back share one place (only one of them ever applies); the diagnostics have the other
        service = (
            # paused, going back in service is the main action (the one place for out and back read
            # the same both ways: walk 12)
            button(self.t("maintenance.in"), back, name="maintenance.in", role="primary")
            if paused
            else button(
                self.t("maintenance.out"),
                self._ask_reason,
                name="maintenance.out",
                enabled=not self._choosing_reason,
            )
        )
        diagnostics = (
            button(self.t("maintenance.figures"), self._hide_diagnostics, name="maintenance.figures")
            if self._showing_diagnostics
            else button(
                self.t("maintenance.diagnostics"),
                self._show_diagnostics,
                name="maintenance.diagnostics",
                enabled=self.desk is not None,
            )
        )
        # the main action while something waits to be sent; with the queue empty it stood out as
        # the thing to do, and sent nothing (walk 12)
        waiting = self._report is not None and bool(self._report.depth or self._report.in_flight) and not paused
        buttons = [
            button(
                self.t("maintenance.sync"),
                self._force_sync,
                name="maintenance.sync",
                role="primary" if waiting else "",
                enabled=ready,
            ),
            button(
                self.t("maintenance.test_page"), self._test_page, name="maintenance.test_page", enabled=ready
            ),
            button(
                self.t("maintenance.requeue"),
                self._requeue,
                name="maintenance.requeue",
                enabled=ready and letters,
            ),
            button(self.t("maintenance.refresh"), self._tap_refresh, name="maintenance.refresh", enabled=ready),
            button(
                self.t("maintenance.new_outbox"),
                self._new_outbox,
                name="maintenance.new_outbox",
                enabled=ready and lost,
            ),
            service,
            diagnostics,
            self._quit_button(),
        ]
        self._buttons = {b.objectName(): b for b in buttons}
        # two a row: long labels still fit in portrait and in the seniors' larger type; on a landscape
        # display beside the figures, so every action is on screen without scrolling
        grid = QGridLayout()
        for i, b in enumerate(buttons):
            # Ignored: the columns' widths come from the stretch, not from what the labels say
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            grid.addWidget(b, i // 2, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(buttons) // 2 + 1, 1)
        self._landscape = self._is_landscape()
        # the seniors' type on a small landscape screen: the actions need the width of the screen
        roomy = self.window().width() >= 1600 or self._theme is None or self._theme.mode.value != "elder"
        if self._landscape and roomy:
            row = QHBoxLayout()
            figures.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            row.addWidget(figures, FIGURES_STRETCH)
            column = QVBoxLayout()
            column.addLayout(grid)
            column.addWidget(outcome)
            column.addStretch(1)
            row.addLayout(column, ACTIONS_STRETCH)
            self._box.addLayout(row)
            self._left_row = row
        else:
            # stacked: the actions first, what stands in the figures' place under them (found walking
            # portrait: the diagnostics, taller than the figures above, moved every action ~100 px)
            self._box.addLayout(grid)
            self._box.addWidget(outcome)
            self._box.addWidget(figures)
            self._left_row = self._box
        self._left = figures

    def _enrol_actions(self, form: EnrolForm) -> None:
        """Not enrolled: the Enrol panel, with the actions that need no hub (test page, quit)."""
        assert self._theme is not None
        self._landscape = self._is_landscape()
        ready = self.desk is not None and not self._loading and not form.busy
        more = QHBoxLayout()
        quit_button = self._quit_button()
        # landscape: quitting at the end of the controls, away from the keys (final review 18)
        far = quit_button if self._landscape else None
        test_page = button(
            self.t("maintenance.test_page"), self._test_page, name="maintenance.test_page", enabled=ready
        )
        for b in (test_page,) if far is not None else (test_page, quit_button):
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # fixed halves
            more.addWidget(b, 1)
        if far is not None:
            more.addStretch(1)  # the test page keeps its half
        keys, controls = build_enrol_panel(
            form,
            self._theme,
            self.t,
            on_activity=self._session.touch,
            on_enrol=self._enrol,
            on_edit=self._edit_enrolment,
            on_clear=self._clear_enrolment,
            landscape=self._landscape,
            more=more,
            outcome=None if self._outcome is None else (self._outcome[0], self._outcome[1]()),
            far=far,
        )
        if self._landscape:  # the keys first, then what acts on what they typed
            row = QHBoxLayout()
            controls.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            row.addWidget(keys, 3)
            row.addWidget(controls, 2)
            self._box.addLayout(row)
        else:
            self._box.addWidget(keys)

    def _clear_enrolment(self) -> None:
        """What the keys are editing, emptied in one tap (a wrong 11-character code was 11 taps)."""
        form = self._enrol_form
        if form is None or form.busy:
            return
        if form.editing == "url":
            form.url = ""
        else:
            form.code = ""
        self._session.touch()
        self._rerender()

    def _edit_enrolment(self, target: str) -> None:
        form = self._enrol_form
        if form is None:
            return
        before = form.url
        form.take_typed()
        if form.url != before:
            self._outcome = None  # found walking: the last attempt's refusal stayed beside the new address
        form.editing = target
        self._rerender()

    def _enrol(self) -> None:
        form = self._enrol_form
        if form is None or form.busy or self.desk is None:
            return
        form.take_typed()
        if not form.code:
            self._outcome = ("error", lambda: self.t("enrol.no_code"))
            self._rerender()
            return
        desk, url, code, offer = self.desk, form.url, form.code, form.offer
        self._outcome = None

        def done(result: object) -> None:
            if isinstance(result, BaseException):
                from kiosk.enrolment import enrolment_problem

                problem = enrolment_problem(result)
                log.warning("enrolment failed: %s", problem)
                reason = getattr(result, "error", problem)
                self._outcome = (
                    "error",
                    lambda: self.t(f"enrol.problem.{problem}", terminal=offer.terminal_id, reason=reason),
                )
                self._rerender()
                return
            enrolled = result
            self._outcome = (
                "ok",
                lambda: self.t("enrol.done", terminal=enrolled.terminal_id, group=enrolled.group or "-"),
            )
            if self._on_enrolled is not None:
                self._on_enrolled(result, url)  # then offer_enrolment(None): the usual actions
            self._rerender()

        EnrolRun(form, self._submit).start(
            lambda: desk.enrol(url, code, offer.terminal_id, ca_bundle=offer.ca_bundle), done, self._rerender
        )
        self._rerender()

    def _fixed_panel(self, role: str, text: QWidget, *, name: str, lines: int = 2) -> QFrame:
        """A panel `lines` lines of text high, whatever it says: what appears in it moves nothing."""
        frame, box = panel(role, name)
        box.addWidget(text)
        body = self._theme.body_px if self._theme is not None else 20
        spacing = self._theme.spacing_px if self._theme is not None else 8
        frame.setFixedHeight(body * (lines + 1) + spacing * 2)  # the lines and the panel's padding
        return frame

    def _set_service(self, reason: OutOfServiceReason | None, done_key: str) -> None:
        """Out of service or back: the outcome line confirms the new state (not the last sync's),
        out of service with the reason and what residents read."""
        self._confirm_quit = False
        if reason is None:
            self._outcome = ("ok", lambda: self.t(done_key))
        else:
            self._outcome = (
                "ok",
                lambda: self.t(
                    done_key,
                    reason=self.t(f"maintenance.reason.{reason.value}"),
                    shown=self.t(f"oos.{reason.value}"),
                ),
            )
        self._session.set_out_of_service(reason)

    def _quit_button(self) -> QWidget:
        """Quitting leaves the terminal dead until someone starts it again: the first tap asks (the
        button then says so), only a second tap on it quits. Any other action takes the question back."""
        if self._confirm_quit:
            return button(
                self.t("maintenance.exit_yes"), self._quit, name="maintenance.exit_yes", role="help"
            )
        # a plain button until asked: in the help colour it was the loudest thing on the screen, and
        # ending the program is the technician's last action, not the first (walk 12)
        return button(self.t("maintenance.exit"), self._ask_quit, name="maintenance.exit")

    def _ask_quit(self) -> None:
        self._confirm_quit = True
        self._choosing_reason = False
        self._rerender()

    def _quit(self) -> None:
        self._confirm_quit = False
        self._on_quit()

    def _is_landscape(self) -> bool:
        top = self.window()
        return top is not self and top.width() > top.height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Before the panel is in the window its orientation is unknown: lay it out again once known."""
        super().resizeEvent(event)
        if not self.unlocked and self._pin_landscape != self._is_landscape():
            self._rerender()  # the PIN pad docked or not for the orientation now known
        elif self.unlocked and self._landscape != self._is_landscape():
            self._left_min = 0  # another orientation: heights from the last one do not apply
            self._rerender()

    def _figures(self) -> QFrame:
        """What stands in the figures' place: the reasons while pausing, the diagnostics, the figures.
        Stacked above the actions (portrait), it keeps the tallest height it had: the reasons, shorter
        than the figures, moved every action button up."""
        if self._left is not None:
            try:
                self._left_min = max(self._left_min, self._left.height())
            except RuntimeError:  # deleted with the last layout
                pass
        if self._choosing_reason:
            # the devices' states stay in view: the reason to tap (a fault, maintenance) is theirs
            frame = reasons_frame(self.t, self._take_out, self._cancel_reason, self._device_lines())
        elif self._showing_diagnostics:
            small = self._theme.small_px if self._theme is not None else 16
            frame = diagnostics_frame(self._diagnostics, self.t, self._taken_line(), small)
        else:
            frame = self._figure_lines()
        if not self._landscape:
            frame.setMinimumHeight(self._left_min)
        return frame

    def _taken_text(self) -> str:
        if self._taken_at is None:
            return "-"
        return time.strftime("%H:%M:%S", time.localtime(self._taken_at))

    def _taken_line(self) -> str:
        return self.t("maintenance.taken_at", at=self._taken_text(), seconds=LIVE_MS // 1000)

    def _device_lines(self) -> list[tuple[str, str]]:
        """Each device's name and its line: state, errors, the last error while it is news."""
        if self._report is None:
            return []
        lines = []
        for device in self._report.devices:
            text = self.t(
                "maintenance.device",
                device=self.t(f"maintenance.device.{device.device}"),
                state=self._state_text(device.state),
                errors=dict(device.counters).get("errors", 0),
            )
            if device.last_error:  # only while it is news (kiosk.maintenance: not after a refill)
                text += " — " + self._device_error_text(device.last_error)
            lines.append((device.device, text))
        return lines

    def _figure_lines(self) -> QFrame:
        report = self._report
        frame, box = panel("card", "maintenance.figures")
        if report is None:
            key = "maintenance.loading" if self.desk is not None else "maintenance.not_ready"
            box.addWidget(label(self.t(key), name="maintenance.status"))
            return frame
        none = self.t("maintenance.never")
        for name, text in self._device_lines():
            box.addWidget(label(text, name=f"maintenance.device.{name}"))
        if report.outbox_problem:
            box.addWidget(
                label(
                    self.t("maintenance.outbox_problem", problem=report.outbox_problem),
                    name="maintenance.outbox_problem",
                )
            )
        depth = "-" if report.depth is None else str(report.depth)
        box.addWidget(label(self.t("maintenance.depth", depth=depth), name="maintenance.depth"))
        age = report.oldest_pending_age_s
        box.addWidget(
            label(
                self.t("maintenance.oldest_none")
                if age is None
                else self.t("maintenance.oldest", age=f"{age:.0f}"),
                name="maintenance.oldest",
            )
        )
        count = "-" if report.dead_letter_count is None else str(report.dead_letter_count)
        box.addWidget(label(self.t("maintenance.dead", count=count), name="maintenance.dead"))
        for letter in report.dead_letters[:5]:
            box.addWidget(label(f"  {letter.local_ref} · {letter.service_id} · {letter.reason}"))
        # the time the hub last answered a batch of submissions; with none ever sent and nothing
        # waiting, "never" read as if the hub had never answered (walktech finding 8): it says so
        if report.last_success_at:
            at = human_time(report.last_success_at)
        elif report.depth is None:
            at = "-"  # the outbox is not open yet: nothing known
        elif not (report.depth or report.in_flight or report.dead_letter_count):
            at = self.t("maintenance.nothing_sent_yet")
        else:
            at = none
        sync = self.t("maintenance.last_sync", at=at)
        if report.last_sync_error:
            sync += " — " + report.last_sync_error
        box.addWidget(label(sync, name="maintenance.last_sync"))
        beat = self.t("maintenance.last_beat", at=human_time(report.heartbeat_last_sent_at) or none)
        if report.heartbeat_error:
            beat += " — " + report.heartbeat_error
        box.addWidget(label(beat, name="maintenance.last_beat"))
        # said, so a figure that looks wrong can be judged: read when, and read again by itself
        box.addWidget(label(self._taken_line(), "muted", name="maintenance.taken_at"))
        box.addStretch(1)
        return frame

    def _device_error_text(self, last_error: str) -> str:
        """The health board keeps "Type: technician detail" (English, also for the hub's heartbeat):
        the screen says a known type in its own language, an unknown one as "device error" + type."""
        kind = last_error.split(":", 1)[0].strip()
        key = device_error_key(kind)
        if key is not None and self._view is not None and self._words.has(self._view.language, key):
            return self.t(key)
        # anything else is a driver's own English ("PC/SC service unavailable", a sensor's words):
        # the screen's words, not those (final review, finding 7: "设备错误（paper low sensor）")
        return self.t("maintenance.device_error.other")

    def _state_text(self, state: str) -> str:
        assert self._view is not None
        key = f"maintenance.state.{state}"
        return self.t(key) if self._words.has(self._view.language, key) else state

    def _rerender(self) -> None:
        if self._view is not None and self._view.technician_card and self._theme is not None:
            self.render(self._view, self._theme)
            self.on_rebuilt()

    def refresh(self) -> None:
        """Read the figures again in a worker; the screen shows them when they arrive."""
        if self.desk is None:
            return
        self._loading, self._stale = True, False
        self._confirm_quit = False
        self._submit(self.desk.report, self._reported)

    def _tap_refresh(self) -> None:
        """The technician's "refresh": the outcome line then says so (not the last action's outcome)."""
        self._outcome = None
        self._refreshed_note = True
        self.refresh()

    def _live_tick(self) -> None:
        """While the actions are shown: read the figures (or the diagnostics) again in a worker and
        put them in their place without laying the rest out again (ui.render_guard for the rest)."""
        view = self._view
        if (
            self.desk is None
            or view is None
            or not view.technician_card
            or not self.unlocked
            or self._enrol_form is not None
            or self._loading
            or not self.isVisible()
        ):
            return
        self._read_live()

    def _read_live(self) -> None:
        if self.desk is None or self._live_busy:
            return
        self._live_busy = True
        job = self.desk.diagnostics if self._showing_diagnostics else self.desk.report
        self._submit(job, self._live_read)

    def _live_read(self, result: object) -> None:
        self._live_busy = False
        if isinstance(result, BaseException):
            log.warning("maintenance figures not read: %s", type(result).__name__)
            return
        if hasattr(result, "report"):  # Diagnostics
            self._diagnostics, self._report = result, result.report
        else:
            self._report = result
        self._taken_at = self.clock()
        self._replace_left()

    def _replace_left(self) -> None:
        """The figures' (or diagnostics') panel anew, in its place; the buttons that depend on the
        figures enabled as they say. Everything else stays as it is (no tap is lost, nothing moves)."""
        if self._left is None or self._left_row is None or self._choosing_reason or finger_down(self):
            return  # the next tick (or the next full layout) shows them
        keep_scroll(self, self._swap_left)

    def _swap_left(self) -> None:
        old, row = self._left, self._left_row
        try:
            new = self._figures()
            if isinstance(row, QHBoxLayout):
                new.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            row.replaceWidget(old, new)
        except RuntimeError:  # laid out again meanwhile: that layout has the new figures
            return
        old.hide()
        old.deleteLater()
        self._left = new
        ready = self.desk is not None and not self._loading
        report = self._report
        letters = bool(report is not None and report.dead_letter_count)
        problem = None if report is None else report.outbox_problem
        for name, on in (
            ("maintenance.requeue", ready and letters),
            ("maintenance.new_outbox", ready and bool(problem and problem.startswith("OutboxLost"))),
        ):
            b = self._buttons.get(name)
            if b is not None:
                b.setEnabled(on)

    def _ask_reason(self) -> None:
        self._confirm_quit = False
        # the last action's outcome ("sent ...") is not about this one: it read as if under the
        # reasons it said what picking one would do (walk 13)
        self._outcome = None
        self._choosing_reason, self._showing_diagnostics = True, False
        self._rerender()

    def _cancel_reason(self) -> None:
        self._choosing_reason = False
        self._rerender()

    def _take_out(self, reason: OutOfServiceReason) -> None:
        """One tap on a reason: residents read its words; the audit entry keeps it (kiosk.audit_watch)."""
        self._choosing_reason = False
        self._set_service(reason, "maintenance.done_out")

    def _show_diagnostics(self) -> None:
        self._confirm_quit = False
        self._showing_diagnostics, self._choosing_reason = True, False
        self._diagnostics = None  # "reading..." until the probe has answered
        self._rerender()
        self._read_live()

    def _hide_diagnostics(self) -> None:
        self._showing_diagnostics = False
        self._rerender()

    def _submit(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """In the executor's worker; without one (the screen renderer) right here."""
        if self._executor is not None:
            self._executor.submit(job, done)
            return
        try:
            result: Any = job()
        except Exception as exc:  # handed to `done`, which shows it: nothing is swallowed
            result = exc
        done(result)

    def _reported(self, result: object) -> None:
        self._loading = False
        if isinstance(result, BaseException):
            log.error("maintenance figures unavailable: %s", type(result).__name__)
            self._outcome = ("error", self._error_words(result))
        else:
            self._report, self._taken_at = result, self.clock()
            if self._refreshed_note:
                at = self._taken_text()
                self._outcome = ("ok", lambda: self.t("maintenance.refreshed", at=at))
        self._refreshed_note = False
        self._rerender()

    def _error_words(self, exc: BaseException) -> Callable[[], str]:
        key = getattr(exc, "message_key", None) or "maintenance.failed"
        if key == "error.printer_paper_out":  # and the way forward (found walking: no hint what next)
            return lambda: self.t(key) + " " + self.t("maintenance.paper_hint")
        return lambda: self.t(key)

    def _run(self, job: Callable[[], Any], done: Callable[[Any], str]) -> None:
        """`job` in a worker; then the outcome (done's text, or the error's) and fresh figures."""
        if self.desk is None:
            return
        self._loading = True
        self._confirm_quit = False
        self._rerender()

        def finished(result: object) -> None:
            self._loading = False
            if isinstance(result, BaseException):
                log.warning("maintenance action failed: %s", type(result).__name__)
                self._outcome = ("error", self._error_words(result))
            else:
                self._outcome = ("ok", lambda: done(result))
            self.refresh()
            self._rerender()

        self._submit(job, finished)

    def _force_sync(self) -> None:
        desk = self.desk
        self._run(
            desk.force_sync,
            lambda r: (
                self.t("maintenance.synced", acked=r.acked, dead=r.dead_lettered, depth=r.depth_after)
                + (" — " + r.error if r.error else "")
            ),
        )

    def _test_page(self) -> None:
        desk, language, terminal = self.desk, self._view.language if self._view else "zh", self.terminal_id
        self._run(lambda: desk.print_test_page(language, terminal), lambda _r: self.t("maintenance.printed"))

    def _requeue(self) -> None:
        self._run(self.desk.requeue_dead_letters, lambda n: self.t("maintenance.requeued", count=n))

    def _new_outbox(self) -> None:
        self._run(self.desk.start_new_outbox, lambda g: self.t("maintenance.new_outbox_done", generation=g))

    def _pin_entry(self) -> bool:
        """The prompt and the pad; True when they stand at the foot of the panel (portrait)."""
        # the message has its room before any message (found walking: a wrong PIN inserted it above
        # the pad, every key moved 60 px down and 确定 went off the bottom of the screen)
        # The prompt and a wrong PIN's message share that place, one line high: with a line of
        # its own, the prompt put 确定 below the bottom of 1280x800. Locked, no pad is below it.
        lockout = self.pin_lockout
        locked_for = lockout.locked_for()
        if locked_for:
            text = self._locked_text(locked_for)
        elif self._message:
            text = self.t(self._message, left=lockout.tries_left(), minutes=lockout.lock_s // 60)
        else:
            text = self.t("maintenance.pin")
        role = "error" if locked_for or self._message else ""
        # portrait: the prompt and the pad at the foot of the screen, right over the bottom bar's
        # 确定, as the resident's number pad is docked over its OK (fresh-eyes walk: at the top
        # under the title, the pad stood ~1,200 px above 确定 on 1080x1920)
        self._pin_landscape = self._is_landscape()
        docked = not self._pin_landscape and not locked_for
        if docked:
            self._box.addStretch(1)
        self._box.addWidget(
            self._fixed_panel(
                role, label(text, name="pin_error_text"), name="pin_error", lines=2 if locked_for else 1
            )
        )
        if locked_for:
            # no pad while locked, whichever card is in: the time left, counted down in place
            if not self._lock_audited and self._audit is not None:
                self._audit("technician", action="pin", result="still_locked", count=locked_for)
            self._lock_audited = True
            self._countdown.start()
            return False
        self._countdown.stop()
        assert self._theme is not None
        word = lambda key, **values: self.t(key, **values)  # noqa: E731
        ok = button(self.t("form.ok"), self._check, name="maintenance.pin_ok", role="primary")
        # portrait: the keys take the height to spare, as the resident's pad does there
        theme = replace(self._theme, narrow=True) if docked else self._theme
        self._editor = DigitEditor(_PIN_FIELD, theme, word, self._typing_pin, secret=True)
        self._box.addWidget(self._editor)
        self._actions_row.addStretch(1)
        self._actions_row.addWidget(ok)
        return docked

    def _typing_pin(self) -> None:
        """A key of the pad: the next try has begun, so the last one's red "wrong" goes, in its own
        place; the tries left stay said (walk 13: it stayed over the right PIN as it was typed)."""
        self._session.touch()
        if self._message != "maintenance.pin_wrong":
            return
        self._message = ""
        lockout = self.pin_lockout
        for frame in self.findChildren(QFrame, "pin_error"):
            frame.setProperty("role", "")
            # the words inside are coloured by the frame's role: polished again with it
            for part in (frame, *frame.findChildren(QLabel)):
                part.style().unpolish(part)
                part.style().polish(part)
        for shown in self.findChildren(QLabel, "pin_error_text"):
            shown.setText(self.t("maintenance.pin_again", left=lockout.tries_left(), minutes=lockout.lock_s // 60))

    def _locked_text(self, seconds: int) -> str:
        lockout = self.pin_lockout
        left = self.t("maintenance.pin_time_left", minutes=seconds // 60, seconds=f"{seconds % 60:02d}")
        return self.t("maintenance.pin_locked", tries=lockout.max_tries, minutes=lockout.lock_s // 60, left=left)

    def _count_down(self) -> None:
        """Each second of a lock: the time left in its place (nothing else moves); the pad once over."""
        view = self._view
        if view is None or not view.technician_card or self.unlocked:
            self._countdown.stop()
            return
        seconds = self.pin_lockout.locked_for()
        if not seconds:
            self._countdown.stop()
            self._message = ""
            self._rerender()
            return
        for shown in self.findChildren(QLabel, "pin_error_text"):
            shown.setText(self._locked_text(seconds))

    def _check(self) -> None:
        assert self._editor is not None
        if self.pin_lockout.locked_for():  # locked meanwhile (a tap queued behind the last try)
            self._rerender()
            return
        pin, stored = self._editor.value(), self._pin_hash
        if self._executor is None:
            self._checked(pin_matches(pin, stored))
        else:  # PBKDF2 takes a noticeable moment: not on the UI thread
            self._executor.submit(lambda: pin_matches(pin, stored), self._checked)

    def _checked(self, ok: object) -> None:
        lockout = self.pin_lockout
        if ok is True:
            lockout.right()
            self.unlocked, self._message = True, ""
            result, count = "ok", None
        else:
            locked = lockout.wrong()
            self._message = "maintenance.pin_wrong"
            # audited: the result and a count (tries left, or the lock's seconds), never the PIN
            result, count = ("locked", lockout.lock_s) if locked else ("wrong", lockout.tries_left())
            self._lock_audited = locked  # this insertion has its "locked" entry already
            log.warning("wrong technician PIN", extra={"tries_left": lockout.tries_left()})
        if self._audit is not None:
            self._audit("technician", action="pin", result=result, count=count)
        self._rerender()


def device_error_key(type_name: str) -> str | None:
    """The message key of the driver error class called `type_name`, or None for an unknown one."""
    pending = [DriverError]
    while pending:
        cls = pending.pop()
        if cls.__name__ == type_name:
            return cls.message_key
        pending.extend(cls.__subclasses__())
    return None
