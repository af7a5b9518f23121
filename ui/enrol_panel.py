"""The maintenance screen's Enrol panel, shown while the terminal has no hub credentials: the hub's
address (from the configuration, changeable), the one-time code typed on the on-screen keyboard's
capitals/digits layer, and an Enrol button whose exchange runs in a worker
(kiosk.maintenance.MaintenanceDesk.enrol) with a busy state and a deadline.

What went wrong is named in the screen's language (kiosk.enrolment.enrolment_problem: bad_code,
code_used, code_expired, terminal_revoked, unreachable, tls ...) and the code stays typed, so the
technician can correct it or ask the hub for a new one. A view and its state only: the
MaintenancePanel decides when it is shown, and ui.app.Terminal.become_enrolled what follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from ui.editor_fit import EditorFit, full_row_px, rows_sheet
from ui.keyboard import OnScreenKeyboard
from ui.theme import Theme
from ui.widgets import button, label, panel

CODE_MAX = 16  # the hub's codes are 11 characters ("7KQ2M-XW4PD"); room for a mistyped one
URL_MAX = 200
# the address layer (ui/keyboard.py URL_ROWS) has ":", "." and "/" on its keys: these chips put in
# with one tap what a technician types whole, the hub's scheme and its usual port. One row of two,
# each half the controls' column: three a row did not fit it at 1280x800 (https:// cut, the second
# row cut off), and "http://" is seven taps on the address layer
URL_CHIPS = ("https://", ":8765")
DEADLINE_S = 20.0  # the exchange's own timeouts (5 s connect, 20 s read) end it soon after


@dataclass(frozen=True)
class EnrolmentOffer:
    """What the terminal knows before enrolment: the configured hub address, its own id, the CA."""

    hub_url: str
    terminal_id: str
    ca_bundle: str | None = None
    deadline_s: float = DEADLINE_S


class EnrolForm:
    """The panel's state across renders (the maintenance screen is rebuilt on each view)."""

    def __init__(self, offer: EnrolmentOffer) -> None:
        self.offer = offer
        self.url = offer.hub_url
        self.code = ""
        self.editing = "code"  # which text the keyboard edits: "code" or "url"
        self.busy = False
        self.overdue = False
        self.keyboard: OnScreenKeyboard | None = None

    def take_typed(self) -> None:
        """Keep what the keyboard holds (before a render replaces it, and before enrolling)."""
        if self.keyboard is None:
            return
        try:
            text = self.keyboard.text()
        except RuntimeError:  # its widget is gone already (deleted with the last render)
            return
        if self.editing == "url":
            self.url = text.strip()
        else:
            self.code = text.strip().upper()


def url_breakable(url: str) -> str:
    """`url` with places to wrap (zero-width spaces) after its scheme, between the labels of its
    host and before its port: a line breaks between whole parts of it, never inside a name."""
    url = re.sub(r"^([a-z]+://)", "\\1\u200b", url)
    url = url.replace("-", "-\u2060")  # a word joiner: no break after a hyphen in the host's name
    url = url.replace(".", ".\u200b")  # between the host's labels, where a narrow column needs it
    return re.sub(r"(:\d+)(/|$)", "\u200b\\1\\2", url)


def build_enrol_panel(
    form: EnrolForm,
    theme: Theme,
    t: Callable[..., str],
    *,
    on_activity: Callable[[], None],
    on_enrol: Callable[[], None],
    on_edit: Callable[[str], None],
    on_clear: Callable[[], None],
    landscape: bool,
    more: QHBoxLayout,
    outcome: tuple[str, str] | None,
    far: QWidget | None = None,
) -> tuple[QWidget, QWidget]:
    """(the keys, the panel's controls): side by side on a landscape display (keys first), else
    stacked. The code (or address) being typed comes first, then what acts on it: Clear and Enrol
    right after the typed text (found walking: Enrol stood before the field it submits), the hub's
    address (wrapped after its separators: a real https://…:8443 address ran past its column) and
    its button, the intro, the outcome (or the wait) and `more`, the maintenance actions that need
    no hub, last. The outcome has its room before any outcome and the note of a changed address is
    shown there too, so nothing appearing moves a button under the finger; switching between the
    code and the address moves no button either."""
    keys = QWidget()
    keys.setObjectName("enrol.keys")
    keys_box = QVBoxLayout(keys)
    keys_box.setContentsMargins(0, 0, 0, 0)
    editing_url = form.editing == "url"
    keys_box.addWidget(label(t("enrol.url_label" if editing_url else "enrol.code"), name="enrol.keys_label"))
    fit = EditorFit(full_row_px(theme), fold_header=True)  # the keys as the resident's editor has them
    keyboard = OnScreenKeyboard(
        t,
        initial=form.url if editing_url else form.code,
        mode="url" if editing_url else "reference",  # a code is capitals, digits and a dash
        max_length=URL_MAX if editing_url else CODE_MAX,
        on_activity=on_activity,
        box_px=fit.typed_box_px(theme),  # one line: a tall empty box pushed the last key row off 768 px
    )
    keyboard.setStyleSheet(rows_sheet(fit, theme))
    keyboard.text_changed.connect(lambda _text: form.take_typed())  # kept across renders
    keyboard.setEnabled(not form.busy)
    keyboard.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    form.keyboard = keyboard
    keys_box.addWidget(keyboard)
    if landscape:  # under the keys, where two long labels have the width (not beside Enrol)
        keys_box.addLayout(more)
    keys_box.addStretch(1)  # the keys stay at the top of their column

    controls = QWidget()
    controls.setObjectName("enrol.controls")
    box = QVBoxLayout(controls)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(theme.spacing_px)
    submit = QHBoxLayout()
    for b in (
        button(t("enrol.clear"), on_clear, name="enrol.clear", enabled=not form.busy),
        button(t("enrol.submit"), on_enrol, name="enrol.submit", role="primary", enabled=not form.busy),
    ):
        b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        submit.addWidget(b, 1)
    box.addLayout(submit)
    # the address and the button that changes it on one line: stacked, they left the actions below
    # no room at 1280x800. The button as wide as its words, the address the rest in the small size,
    # broken after its scheme and before its port only ("https:// / hub.district-services. /
    # example.cn:8443" at 1366x768 was broken inside the host's name: final review, finding 18)
    address = QHBoxLayout()
    shown = label(t("enrol.hub", url=url_breakable(form.url or "-")), name="enrol.url")
    shown.setStyleSheet(f"font-size: {theme.small_px}px;")
    shown.setAccessibleName(t("enrol.hub", url=form.url or "-"))  # read without the wrap points
    shown.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    address.addWidget(shown, 1)
    change = button(
        t("enrol.url_done" if editing_url else "enrol.edit_url"),
        lambda: on_edit("code" if editing_url else "url"),
        name="enrol.url_done" if editing_url else "enrol.edit_url",
        enabled=not form.busy,
    )
    change.ensurePolished()
    change.setMinimumWidth(change.sizeHint().width())
    change.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    address.addWidget(change, 0)
    box.addLayout(address)
    if editing_url:  # the address's chips take the intro's place
        chips = QHBoxLayout()
        for chip in URL_CHIPS:
            b = button(chip, lambda c=chip: _insert(form, c), name=f"enrol.chip:{chip}")
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            chips.addWidget(b, 1)
        box.addLayout(chips)
    elif not form.busy:  # while the hub is asked, the wait's words are the news (and the room)
        box.addWidget(label(t("enrol.intro", terminal=form.offer.terminal_id), name="enrol.intro"))
    box.addWidget(_outcome_area(form, theme, t, outcome))
    box.addStretch(1)
    if far is not None:
        box.addWidget(far)
    if not landscape:
        box.addLayout(more)  # last: not the way of an enrolment
        keys_box.addWidget(controls)
    return keys, controls


def _outcome_area(
    form: EnrolForm, theme: Theme, t: Callable[..., str], outcome: tuple[str, str] | None
) -> QWidget:
    if form.busy:
        frame, inner = panel("warning" if form.overdue else "card", "enrol.busy")
        key = "enrol.overdue" if form.overdue else "enrol.busy"
        inner.addWidget(label(t(key, seconds=int(form.offer.deadline_s)), name="enrol.busy_text"))
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setAccessibleName(t("enrol.busy"))
        inner.addWidget(bar)
    else:
        role, text = outcome if outcome is not None else ("", "")
        frame, inner = panel(role, "maintenance.outcome")
        inner.addWidget(label(text, name="maintenance.outcome_text"))
        if form.url != form.offer.hub_url:
            inner.addWidget(label(t("enrol.url_note"), "muted", name="enrol.url_note"))
    frame.setMinimumHeight(theme.body_px * 3 + theme.spacing_px * 2)  # room before any outcome
    return frame


def _insert(form: EnrolForm, text: str) -> None:
    if form.keyboard is not None:
        form.keyboard.insert_text(text)


class EnrolRun:
    """One exchange in a worker, with its deadline: `start(job, done)`; `done(result)` on the UI
    thread gets the Enrolled or the exception. The deadline only changes what the panel says (the
    exchange's own timeouts end it): `on_overdue` is called if it is still running then."""

    def __init__(self, form: EnrolForm, submit: Callable[[Callable[[], Any], Callable[[Any], None]], None]):
        self._form = form
        self._submit = submit
        self._timer: QTimer | None = None

    def start(self, job: Callable[[], Any], done: Callable[[Any], None], on_overdue: Callable[[], None]) -> None:
        form = self._form
        form.busy, form.overdue = True, False
        timer = QTimer()
        timer.setSingleShot(True)
        timer.setInterval(int(form.offer.deadline_s * 1000))

        def overdue() -> None:
            if form.busy:
                form.overdue = True
                on_overdue()

        timer.timeout.connect(overdue)
        timer.start()
        self._timer = timer

        def finished(result: Any) -> None:
            timer.stop()
            form.busy, form.overdue = False, False
            done(result)

        self._submit(job, finished)
