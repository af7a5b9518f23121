"""The screens that are mostly words: attract, identify, submitting and out of service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from kiosk.session_view import Mode, SessionView, Step
from ui.screens.base import Screen
from ui.widgets import button, label, panel


class AttractScreen(Screen):
    """Nobody there: what the terminal can do, one big start, and elder mode one tap away."""

    step = Step.ATTRACT

    def build(self, view: SessionView) -> None:
        self.title(self.t("attract.title"))
        if view.end_reason is not None:
            frame, box = panel("ok", "end_reason")
            box.addWidget(label(self.t(f"attract.ended.{view.end_reason.value}"), name="end_reason_text"))
            if view.card_in_reader:  # finished, but the card is still in: the last step is taking it
                box.addWidget(label(self.t("attract.take_card"), "title", name="take_card"))
            self.root.addWidget(frame)
        card, box = panel("card")
        box.addWidget(label(self.t("attract.what")))
        for service in view.services:
            box.addWidget(label(f"·  {service.title}"))
        self.root.addWidget(card)
        self.root.addStretch(1)
        start = self.primary(self.t("attract.start"), self.session.start, "attract.start")
        start.setMinimumHeight(self.theme.target_px * 2)
        self.root.addWidget(start)
        if view.mode is Mode.STANDARD:
            elder = button(
                self.t("attract.elder"), lambda: self.session.set_mode(Mode.ELDER), name="attract.elder"
            )
            elder.setMinimumHeight(int(self.theme.target_px * 1.3))
            self.root.addWidget(elder)

    def spoken(self, view: SessionView) -> str:
        if view.end_reason is not None and view.card_in_reader:
            return self.t("attract.take_card")
        return super().spoken(view)


class IdentifyScreen(Screen):
    """Insert a card, or go on without one."""

    step = Step.IDENTIFY
    reading = False  # the window sets this while a card is being read in a worker

    def build(self, view: SessionView) -> None:
        self.title(self.t("identify.title"))
        self.root.addWidget(label(self.t("identify.hint")))
        if view.pending_service_id is not None:
            frame, box = panel("warning", "pending_service")
            box.addWidget(label(self.t("identify.pending", service=self._pending_title(view))))
            self.root.addWidget(frame)
        if self.reading:
            self.root.addWidget(label(self.t("identify.reading"), name="reading"))
            bar = QProgressBar()
            bar.setRange(0, 0)
            bar.setAccessibleName(self.t("identify.reading"))
            self.root.addWidget(bar)
        self.root.addStretch(1)
        go_on = button(
            self.t("identify.without_card"),
            self.session.continue_without_card,
            name="identify.without_card",
            role="primary",
        )
        self.root.addWidget(go_on)

    def _pending_title(self, view: SessionView) -> str:
        for service in self.session.available_services():
            if service.id == view.pending_service_id:
                return service.title.get(view.language)
        return ""


class SubmittingScreen(Screen):
    """The submission is being made durable: a busy indicator, nothing to tap, nothing frozen."""

    step = Step.SUBMITTING

    def build(self, view: SessionView) -> None:
        self.title(self.t("submitting.title"))
        bar = QProgressBar()
        bar.setObjectName("busy_bar")
        bar.setRange(0, 0)  # indeterminate: animates while the worker runs
        bar.setAccessibleName(self.t("submitting.title"))
        self.root.addWidget(bar)
        self.root.addWidget(label(self.t("submitting.hint")))
        self.root.addStretch(1)


class OutOfServiceScreen(Screen):
    """The terminal cannot serve: why, and where to go instead."""

    step = Step.OUT_OF_SERVICE

    def build(self, view: SessionView) -> None:
        self.title(self.t("oos.title"))
        reason = view.out_of_service.value if view.out_of_service else "backend"
        frame, box = panel("error", "oos_reason")
        box.addWidget(label(self.t(f"oos.{reason}")))
        if view.out_of_service_message:  # the hub's words for residents (a remote command's)
            box.addWidget(label(view.out_of_service_message, name="oos_message"))
        box.addWidget(label(self.t("oos.help")))
        self.root.addWidget(frame)
        self.root.addStretch(1)
        self.root.setAlignment(Qt.AlignmentFlag.AlignTop)
