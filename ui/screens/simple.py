"""The screens that are mostly words: attract, identify, submitting and out of service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout

from kiosk.session_view import Mode, OutOfServiceReason, SessionView, Step
from ui.icons import icon_label, service_icon
from ui.pictures import slot_panel
from ui.portrait import stand_lead_on_top
from ui.screens.base import Screen
from ui.widgets import button, label, panel


class AttractScreen(Screen):
    """Nobody there: where the card goes (a picture), what the terminal can do, one big start, and
    elder mode one tap away."""

    step = Step.ATTRACT

    def build(self, view: SessionView) -> None:
        self.title(self.t("attract.title"))
        if view.end_reason is not None:
            frame, box = panel("ok", "end_reason")
            box.addWidget(label(self.t(f"attract.ended.{view.end_reason.value}"), name="end_reason_text"))
            if view.card_in_reader:  # finished, but the card is still in: the last step is taking it
                box.addWidget(label(self.t("attract.take_card"), "title", name="take_card"))
            self.root.addWidget(frame)
        theme = self.theme
        window = self.window()
        portrait = window.width() < window.height()
        body = QVBoxLayout() if portrait else QHBoxLayout()
        body.setSpacing(theme.spacing_px * 2)
        card, box = panel("card", "what")
        box.setSpacing(theme.spacing_px // 2)
        box.addWidget(label(self.t("attract.what")))
        for service in view.services:
            line = QHBoxLayout()
            line.setSpacing(theme.spacing_px)
            line.addWidget(
                icon_label(service_icon(service.kind, service.icon), theme.palette.primary, theme.body_px * 3 // 2, service.title)
            )
            line.addWidget(label(service.title), 1)
            box.addLayout(line)
        box.addStretch(1)
        body.addWidget(card, 1)
        # the picture grows with the screen: on a 1920x1080 display the card slot is seen from afar
        px = max(theme.picture_px, min(window.height() // 3, theme.picture_px * 2))
        slot = slot_panel("insert_card", self.t("attract.card"), theme, px)
        body.addWidget(slot, 0 if portrait else 1, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(body, 1)
        if view.mode is Mode.STANDARD:
            elder = button(
                self.t("attract.elder"), lambda: self.session.set_mode(Mode.ELDER), name="attract.elder"
            )
            self.root.addWidget(elder)
        start = self.primary(self.t("attract.start"), self.session.start, "attract.start")
        # the style sheet's min-width wins over setMinimumWidth: the widget's own sheet says it
        start.setStyleSheet(f"min-width: {min(window.width() // 2, theme.target_px * 6)}px;")
        self.action_row(start)
        if portrait:
            stand_lead_on_top(body, card)

    def spoken(self, view: SessionView) -> str:
        if view.end_reason is not None and view.card_in_reader:
            return self.t("attract.take_card")
        return super().spoken(view)


class IdentifyScreen(Screen):
    """Insert a card (the picture shows where), or go on without one."""

    step = Step.IDENTIFY
    reading = False  # the window sets this while a card is being read in a worker

    def build(self, view: SessionView) -> None:
        self.title(self.t("identify.title"))
        if view.pending_service_id is not None:
            frame, box = panel("warning", "pending_service")
            box.addWidget(label(self.t("identify.pending", service=self._pending_title(view))))
            self.root.addWidget(frame)
        self.root.addWidget(slot_panel("insert_card", self.t("identify.hint"), self.theme))
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
        self.action_row(go_on)

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
        if view.out_of_service is OutOfServiceReason.STARTING:
            self.title(self.t("oos.starting_title"))
            frame, box = panel("card", "oos_reason")
            box.addWidget(label(self.t("oos.starting")))
            self.root.addWidget(frame)
            self.root.addStretch(1)
            self.root.setAlignment(Qt.AlignmentFlag.AlignTop)
            return
        self.title(self.t("oos.title"))
        if view.card_in_reader and not view.technician_card:
            # a resident's card while paused: nothing will happen with it, so say so first
            frame, box = panel("warning", "oos_take_card")
            box.addWidget(label(self.t("oos.take_card"), name="oos_take_card_text"))
            self.root.addWidget(frame)
        reason = view.out_of_service.value if view.out_of_service else "backend"
        frame, box = panel("error", "oos_reason")
        box.addWidget(label(self.t(f"oos.{reason}")))
        if view.out_of_service_message:  # the hub's words for residents (a remote command's)
            box.addWidget(label(view.out_of_service_message, name="oos_message"))
        box.addWidget(label(self.t("oos.help")))
        self.root.addWidget(frame)
        self.root.addStretch(1)
        self.root.setAlignment(Qt.AlignmentFlag.AlignTop)
