"""The maintenance screen a technician card opens: the PIN first (when one is configured), then
out of service / back in service / quit the program. Taking the card out locks it again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.catalogue import DataClass, FieldType
from kiosk.session_view import FieldView, Mode, OutOfServiceReason, SessionView
from ui.i18n import Words
from ui.screens.editors import DigitEditor
from ui.technician_pin import pin_matches
from ui.theme import Theme
from ui.widgets import button, clear_layout, label, panel

log = logging.getLogger(__name__)

MAX_PIN_TRIES = 5  # then the technician card must be taken out and inserted again

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
        self._box = QVBoxLayout(self)
        self._view: SessionView | None = None
        self._theme: Theme | None = None
        self._editor: DigitEditor | None = None
        self.lock()

    def lock(self) -> None:
        """The technician card left: the next one enters the PIN again."""
        self.unlocked = not self._pin_hash
        self._tries, self._message = 0, ""

    def t(self, key: str, **values: object) -> str:
        assert self._view is not None
        return self._words.text(self._view.language, key, elder=self._view.mode is Mode.ELDER, **values)

    def render(self, view: SessionView, theme: Theme) -> None:
        self._view, self._theme = view, theme
        clear_layout(self._box)
        self._box.addWidget(label(self.t("maintenance.title"), "title"))
        self._box.addWidget(label(self.t("maintenance.hint")))
        if self.unlocked:
            self._actions()
        else:
            self._pin_entry()
        self._box.addStretch(1)

    def _actions(self) -> None:
        row = QHBoxLayout()
        out = lambda: self._session.set_out_of_service(OutOfServiceReason.INTERNAL)  # noqa: E731
        row.addWidget(button(self.t("maintenance.out"), out, name="maintenance.out"))
        back = lambda: self._session.set_out_of_service(None)  # noqa: E731
        row.addWidget(button(self.t("maintenance.in"), back, name="maintenance.in"))
        row.addWidget(button(self.t("maintenance.exit"), self._on_quit, name="maintenance.exit", role="help"))
        row.addStretch(1)
        self._box.addLayout(row)

    def _pin_entry(self) -> None:
        if self._message:
            frame, box = panel("error", "pin_error")
            box.addWidget(label(self.t(self._message)))
            self._box.addWidget(frame)
        if self._tries >= MAX_PIN_TRIES:
            return
        assert self._theme is not None
        word = lambda key, **values: self.t(key, **values)  # noqa: E731
        self._editor = DigitEditor(_PIN_FIELD, self._theme, word, self._session.touch, secret=True)
        self._box.addWidget(label(self.t("maintenance.pin")))
        self._box.addWidget(self._editor)
        self._box.addWidget(button(self.t("form.ok"), self._check, name="maintenance.pin_ok", role="primary"))

    def _check(self) -> None:
        assert self._editor is not None
        pin, stored = self._editor.value(), self._pin_hash
        if self._executor is None:
            self._checked(pin_matches(pin, stored))
        else:  # PBKDF2 takes a noticeable moment: not on the UI thread
            self._executor.submit(lambda: pin_matches(pin, stored), self._checked)

    def _checked(self, ok: object) -> None:
        if ok is True:
            self.unlocked, self._message = True, ""
        else:
            self._tries += 1
            self._message = (
                "maintenance.pin_wrong" if self._tries < MAX_PIN_TRIES else "maintenance.pin_locked"
            )
            log.warning("wrong technician PIN", extra={"tries": self._tries})
        if self._view is not None and self._view.technician_card and self._theme is not None:
            self.render(self._view, self._theme)
