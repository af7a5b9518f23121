"""The screens that are mostly words: attract, identify, submitting and out of service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout

from kiosk.session_render import service_view
from kiosk.session_view import CARD_REFUSED, Mode, OutOfServiceReason, SessionView, Step
from ui.icons import icon_label, service_icon
from ui.pictures import SlotPicture, slot_panel
from ui.portrait import stand_lead_on_top
from ui.screens.base import Screen
from ui.widgets import button, label, panel


class AttractScreen(Screen):
    """Nobody there: where the card goes (a picture), what the terminal can do, one big start, and
    elder mode one tap away."""

    step = Step.ATTRACT
    one_page = True

    def build(self, view: SessionView) -> None:
        self.title(self.t("attract.title"))
        if view.end_reason is not None:
            # the card left in is what the one leaving must act on: said first, in the warning's
            # colour, in the end message's own place (a small caption under the picture was missed:
            # render review finding 17)
            card_in = view.card_in_reader
            frame, box = panel("warning" if card_in else "ok", "end_reason")
            said = view.end_language  # the leaver's language (the same as the screen's with the card in)
            ended = self.ctx.words.text(said, f"attract.ended.{view.end_reason.value}", elder=self.elder)
            # one text, one place: a line of its own would make the elder welcome scroll at 1366x768
            gap = "" if said == "zh" else " "  # no space after a full-width stop
            take = self.ctx.words.text(said, "receipt.take_card", elder=self.elder)
            text = f"{take}{gap}{ended}" if card_in else ended
            box.addWidget(label(text, name="end_reason_text"))
            self.root.addWidget(frame)
        theme = self.theme
        window = self.window()
        portrait = window.width() < window.height()
        body = QVBoxLayout() if portrait else QHBoxLayout()
        body.setSpacing(theme.spacing_px * 2)
        card, box = panel("card", "what")
        box.setSpacing(theme.spacing_px // 2)
        box.addWidget(label(self.t("attract.what")))
        # every service, not one page of the list: the welcome says all the terminal can do (walk
        # finding 11: elder mode listed 3 of 6 with the room for all)
        services = [service_view(s, view.language, False) for s in self.session.available_services()]
        # two columns of names in landscape when the list is long: all in view without scrolling
        columns = 2 if not portrait and len(services) > 4 else 1
        grid = QGridLayout()
        grid.setSpacing(theme.spacing_px // 2)
        # the columns apart by more than the lines: the English elder "Social-insurance payment
        # record" ran up to the next column's icon at 1920x1080 (walk 6, L12)
        grid.setHorizontalSpacing(theme.spacing_px * 2)
        # portrait: the list in the title's type, so the room the picture leaves at the foot (by the
        # reader) is not an empty band under six small lines (walk 12)
        px, role = (theme.title_px, "title") if portrait else (theme.body_px, "")
        for n, service in enumerate(services):
            line = QHBoxLayout()
            line.setSpacing(theme.spacing_px // 2)
            line.addWidget(
                icon_label(
                    service_icon(service.kind, service.icon),
                    theme.palette.primary,
                    px * 3 // 2,
                    service.title,
                )
            )
            line.addWidget(label(service.title, role), 1)
            grid.addLayout(line, n // columns, n % columns)
        box.addLayout(grid)
        box.addStretch(1)
        body.addWidget(card, 1)
        # the picture grows with the screen: on a 1920x1080 display the card slot is seen from afar
        px = max(theme.picture_px, min(window.height() // 3, theme.picture_px * 2))
        # 1366x768 (and 1280x800 in elder mode's large words): the end message and "take your
        # card" need the height
        tall = theme.on_reference(window.height())  # in the reference display's pixels
        if tall < 800 or self.elder and tall <= 800:
            px = theme.picture_px * 3 // 4
        # the card still in (the last session's): the picture shows taking it, not inserting one
        if view.card_in_reader:
            slot = slot_panel("take_card", self.t("attract.take_card"), theme, px)
            slot.findChild(QLabel, "caption:take_card").setObjectName("take_card")
        else:
            slot = slot_panel("insert_card", self.t("attract.card"), theme, px)
        if self.elder and not portrait and tall <= 800:
            # 1366x768, 1280x800: no wider than its picture (its words wrap), so the large English
            # names take two lines less and all of it fits without scrolling (walk 3)
            slot.setMaximumWidth(px + 4 * theme.spacing_px)
        # elder mode: the list's larger words get the width, the picture keeps its own
        body.addWidget(slot, 0 if portrait or self.elder else 1, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(body, 1)
        if view.mode is Mode.STANDARD:
            elder = button(
                self.t("attract.elder"), lambda: self.session.set_mode(Mode.ELDER), name="attract.elder"
            )
            self.root.addWidget(elder)
        start = self.primary(self.t("attract.start"), self.session.start, "attract.start")
        # the style sheet's min-width wins over setMinimumWidth: the widget's own sheet says it
        wide = min(window.width() // 2, theme.target_px * 6)
        start.setStyleSheet(f"min-width: {wide}px;")
        if hasattr(window, "room_for_actions"):  # beside the elder bar's ticket, in one row
            start.setParent(self)  # polished in the window's style sheet: its padding and border
            start.ensurePolished()
            over = start.sizeHint().width() - window.room_for_actions(theme, view.language)
            if over > 0:  # min-width is the words' room: the padding and border come on top
                start.setStyleSheet(f"min-width: {max(0, wide - over)}px;")
        self.action_row(start)
        if portrait:
            stand_lead_on_top(body, card)
        if view.end_reason is not None and not self.fits():
            # a short elder display: the end message (take your card) says more than the welcome,
            # and the page must not scroll (the English list wrapped under a scroll bar)
            self.content.findChild(QLabel, "title").hide()
        self.fit_picture(slot.findChild(SlotPicture))

    def spoken(self, view: SessionView) -> str:
        if view.end_reason is not None and view.card_in_reader:
            return self.t("attract.take_card")
        return super().spoken(view)


class IdentifyScreen(Screen):
    """Insert a card (the picture shows where), or go on without one."""

    step = Step.IDENTIFY
    one_page = True
    reading = False  # the window sets this while a card is being read in a worker

    def build(self, view: SessionView) -> None:
        refused = view.card_in_reader and view.error is not None and view.error.message_key in CARD_REFUSED
        if refused:
            # the refused card is still in: take it back, not "insert a card" (walk 8, F7); the error
            # panel says what is wrong with it and offers the ticket and staff
            self.title(self.t("identify.take_back"))
            hint = "identify.take_back.retry" if view.error.message_key == "error.card_unreadable" else "identify.take_back.hint"
            slot = slot_panel("take_card", self.t(hint), self.theme)
            self.root.addWidget(slot)
            self.root.addStretch(1)
            self.fit_picture(slot.findChild(SlotPicture))
            return
        self.title(self.t("identify.title"))
        if view.pending_service_id is not None:
            frame, box = panel("warning", "pending_service")
            box.addWidget(label(self.t("identify.pending", service=self._pending_title(view))))
            self.root.addWidget(frame)
        slot = slot_panel("insert_card", self.t("identify.hint"), self.theme)
        self.root.addWidget(slot)
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
        self.fit_picture(slot.findChild(SlotPicture))

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
        reason = view.out_of_service.value if view.out_of_service else "backend"
        frame, box = panel("error", "oos_reason")
        box.addWidget(label(self.t(f"oos.{reason}")))
        if view.out_of_service_message:  # the hub's words for residents (a remote command's)
            box.addWidget(label(view.out_of_service_message, name="oos_message"))
        box.addWidget(label(self.t("oos.help")))
        if self.session.ticket_while_paused() and not view.paper_out:
            # the one-tap way to the window it sends them to, where a slip can be printed (walk 8, F13)
            ways = QHBoxLayout()
            ways.addWidget(button(self.t("way.ticket"), self.session.take_ticket, name="oos.ticket", enabled=not view.busy))
            ways.addStretch(1)
            box.addLayout(ways)
        self.root.addWidget(frame)
        if view.card_in_reader and not view.technician_card:
            # a resident's card while paused: nothing will happen with it. Said under the reason and
            # its ticket, not over them: over, it moved 取号到人工窗口 70 px down under the finger
            # as the card went in (walk 12)
            frame, box = panel("warning", "oos_take_card")
            box.addWidget(label(self.t("oos.take_card"), name="oos_take_card_text"))
            self.root.addWidget(frame)
        self.root.addStretch(1)
        self.root.setAlignment(Qt.AlignmentFlag.AlignTop)
