"""What a finished operation produced: the receipt of a submission, and the results of the other
kinds (ticket, progress query, rating, record, notices), one screen class with data per kind."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from drivers.printer.model import Footer
from kiosk.catalogue import ServiceKind
from kiosk.local_time import human_time
from kiosk.punctuation import labelled
from kiosk.session_view import Outcome, SessionView, Step
from ui.line_breaks import keep_lines
from ui.pictures import slot_panel
from ui.screens.base import Screen
from ui.theme import FONT_FAMILIES
from ui.tight_label import TightLabel
from ui.widgets import QrCodeWidget, ReceiptPreview, button, clear_layout, label, panel

# what a slip that did not print means for what the resident holds: a request is safe in the
# outbox, a ticket number is called at the window, a record can be printed again or fetched there
NOT_PRINTED_KEYS = {
    ServiceKind.TICKET: "receipt.not_printed_ticket",
    ServiceKind.RECORD: "receipt.not_printed_record",
}


def ahead_key(n: int) -> str:
    """ "1 person ahead", not "1 people" (walk 5, L7): English needs the singular of its own."""
    return "result.ticket.ahead_one" if n == 1 else "result.ticket.ahead"


def not_printed_key(outcome: Outcome) -> str:
    return NOT_PRINTED_KEYS.get(outcome.kind, "receipt.not_printed")


def fitting_px(text: str, largest: int, room_px: int, font: QFont | None = None) -> int:
    """The largest font size up to `largest` at which `text` (a reference: digits, capitals,
    dashes) fits in `room_px`, never under 40 px: measured with `font` (bold) when given, else
    estimated (bold digits are about 0.6 em wide)."""
    if not text or room_px <= 0:
        return largest
    if font is None:
        return max(40, min(largest, int(room_px / (0.62 * len(text)))))
    sized = QFont(font)
    sized.setBold(True)
    for px in range(largest, 39, -2):
        sized.setPixelSize(px)
        if QFontMetrics(sized).horizontalAdvance(text) <= room_px:
            return px
    return 40


class OutcomeScreen(Screen):
    """Shared: the print state and the receipt preview."""

    def print_state(
        self, outcome: Outcome, printed_key: str = "receipt.printed", into: QBoxLayout | None = None
    ) -> None:
        """Whether the receipt printed, added to `into` (default: the screen's own column). When it
        did not: what went wrong and what the resident holds in one text, and "print again" in the
        bottom bar (never under a panel that grows: walk 3, finding 12), which says "still no
        paper" when it was tapped and the printer still cannot print (walk 3, finding 23)."""
        if outcome.receipt is None:
            return
        if outcome.printing or outcome.printed is None:
            frame, box = panel("card", "print_state")
            box.addWidget(label(keep_lines(self.t("receipt.printing")), name="print_text"))
        elif outcome.printed:
            frame, box = panel("ok", "print_state")
            box.addWidget(label(keep_lines(self.t(printed_key)), name="print_text"))
        elif self._paper_back(outcome):
            # the printer watch saw paper again: say it can print now (walk 3, finding 23: the red
            # box stayed until "print again" was tapped)
            frame, box = panel("card", "print_state")
            box.addWidget(label(keep_lines(self.t("receipt.paper_back")), name="print_text"))
            self.action_row(button(self.t("receipt.reprint"), self.session.reprint, name="receipt.reprint"))
        else:
            frame, box = panel("error", "print_state")
            key = outcome.print_error.message_key if outcome.print_error else "error.printer"
            words = [self.ctx.words.text(self.view.language, key, fallback="error.printer")]
            if outcome.print_attempts > 1:  # "print again" was tapped: say it was tried
                words.insert(0, self.t("receipt.still_not_printed"))
            words.append(self.t(not_printed_key(outcome)))
            box.addWidget(
                label(keep_lines(" ".join(words) if self.view.language == "en" else "".join(words)), name="print_text")
            )
            self.action_row(button(self.t("receipt.reprint"), self.session.reprint, name="receipt.reprint"))
        if self.compact:
            box.setContentsMargins(self.theme.spacing_px // 2, 4, self.theme.spacing_px // 2, 4)
        (into if into is not None else self.root).addWidget(frame)

    def _paper_back(self, outcome: Outcome) -> bool:
        error = outcome.print_error
        return error is not None and error.kind == "PaperOut" and not self.view.paper_out

    @property
    def compact(self) -> bool:
        """Elder mode on a short landscape display (1280x800, 1366x768): the outcome must fit one
        screen with every panel it can have, so the gaps and the panels' margins are tighter."""
        window = self.window()
        tall = self.theme.on_reference(window.height()) if self.theme is not None else window.height()
        return self.elder and window.width() >= window.height() and tall < 1000

    def take_card(self, view: SessionView, into: QBoxLayout) -> None:
        """ "Your card is still in the reader" first: the last thing to do here is take it."""
        if not view.card_in_reader:
            return
        frame, box = panel("warning", "receipt_take_card")
        box.addWidget(label(keep_lines(self.t(take_card_key(view))), "tile_title", name="receipt_take_card_text"))
        if self.compact:
            box.setContentsMargins(self.theme.spacing_px // 2, 4, self.theme.spacing_px // 2, 4)
        into.addWidget(frame)

    def to_do(self, view: SessionView, into: QBoxLayout, *, ticket_button: bool) -> None:
        """ "Take your card" and "staff are coming": one over the other, or side by side on a short
        elder display when both are there (stacked, the print state under them left the screen)."""
        both = view.card_in_reader and view.staff_called
        if not (self.compact and both):
            self.take_card(view, into)
            self.staff_called(view, into, ticket_button=ticket_button)
            return
        pair = QHBoxLayout()
        pair.setSpacing(self.theme.spacing_px // 2)
        self.take_card(view, pair)
        self.staff_called(view, pair, ticket_button=ticket_button)
        into.addLayout(pair)

    def staff_called(self, view: SessionView, into: QBoxLayout, *, ticket_button: bool) -> None:
        """ "Staff are coming" in a place of its own under the outcome (a banner over the top hid
        the reference, and the ticket number: walk 3, finding 28), with "OK" that puts it away
        (the staff member still comes) and, where it helps, the ticket as the other way."""
        if not view.staff_called:
            return
        frame, box = panel("ok", "staff_called")
        line = QHBoxLayout()
        # "you can also take a ticket" where one is offered beside it; in elder mode the bottom bar
        # has the ticket, and on a ticket's screen the resident has one
        offer = ticket_button and not self.elder
        key = "bar.staff_called" if offer else "receipt.staff_coming"
        line.addWidget(label(keep_lines(self.t(key)), name="staff_called_text"), 1)
        if offer:
            line.addWidget(button(self.t("way.ticket"), self.session.take_ticket, name="staff.ticket"))
        line.addWidget(
            button(self.t("staff.dismiss"), self.session.dismiss_staff_called, name="staff.dismiss")
        )
        box.addLayout(line)
        if self.compact:
            box.setContentsMargins(self.theme.spacing_px // 2, 4, self.theme.spacing_px // 2, 4)
        into.addWidget(frame)

    def beside_title(self, words: QLabel) -> None:
        """`words` (what the outcome is for: the queue, the certificate's name) beside the screen's
        title, on its line, where they fit there on one line; else on a line of their own under it
        (walk 5, L6: "For: Residence / certificate" wrapped into two lines beside the title)."""
        title_row = self.root.itemAt(self.root.count() - 1).layout()
        if isinstance(title_row, QHBoxLayout) and title_row.count() == 2:
            heading, steps = title_row.itemAt(0).widget(), title_row.itemAt(1).widget()
            words.setParent(self.content)  # the window's style sheet gives it its font
            words.ensurePolished()
            row = self.window().width() - 2 * self.theme.spacing_px - self.theme.scrollbar_px
            used = heading.fontMetrics().horizontalAdvance(heading.text()) + steps.sizeHint().width()
            room = row - used - 2 * title_row.spacing() - 2 * self.theme.spacing_px
            if words.fontMetrics().horizontalAdvance(words.text()) <= room:
                title_row.setStretch(0, 0)
                title_row.insertWidget(1, words, 1, Qt.AlignmentFlag.AlignBottom)
                return
        self.root.addWidget(words)

    def preview(self, outcome: Outcome, *, qr: bool = True) -> QWidget | None:
        """The slip as it prints; without its QR code (`qr` False) beside the screen's own one."""
        if outcome.receipt is None:
            return None
        width = round((380 if not self.elder else 460) * self.theme.scale)
        return ReceiptPreview(outcome.receipt, width, max(16, self.theme.small_px - 4), qr=qr)


class ReceiptScreen(OutcomeScreen):
    """A submission's reference, large; a QR code; whether the receipt printed; offline or sent;
    "take your card" while the card is still in; "staff are coming" in a place of its own.

    Elder mode gives the reference a row of its own across the screen at the theme's huge size
    (110 px: walk finding 12 found it no bigger than in standard mode) and sizes the pictures
    from the height left, so that on a 1280x800 display nothing needs scrolling. "Staff are
    coming" sits under the rest instead of over it (walk finding 10: a banner over the top hid
    "your reference" and the QR code)."""

    step = Step.RECEIPT
    shows_staff_called = True

    def build(self, view: SessionView) -> None:
        self._build(view, with_qr=True)
        if self.compact and not self.fits():
            # every panel at once on a short display (card in, not printed, staff called): the QR
            # code's column gives its width to the words, which then need fewer lines; the QR is on
            # the slip, and when the slip did not print the words say to write the number down
            clear_layout(self.root)
            clear_layout(self.actions)
            self._build(view, with_qr=False)

    def _build(self, view: SessionView, *, with_qr: bool) -> None:
        outcome = view.outcome
        assert outcome is not None
        if self.compact:
            self.root.setSpacing(self.theme.spacing_px // 2)
        self.title(self.t("receipt.title"))
        theme = self.theme
        window = self.window()
        landscape = window.width() >= window.height()
        wide_ref = self.elder  # the reference on its own row, across the screen
        reference = outcome.local_ref or ""
        # the slip comes out of the printer: a picture of it beside the reference (not when it did not)
        slip = outcome.receipt is not None and outcome.printed is not False
        qr_px, picture_px = self._picture_sizes(landscape)
        slip = slip and picture_px > 0 and with_qr
        # the slip as printed, too, where a wide screen has the room for it
        # (a display as wide as 1600 of the reference's pixels: not 1920x1080, whose sizes are larger)
        wide = theme.on_reference(window.width()) >= 1600
        with_paper = landscape and not self.elder and outcome.receipt is not None and wide
        left = QVBoxLayout()
        if self.compact:
            left.setSpacing(theme.spacing_px // 2)
        heading = label(self.t("receipt.reference"), name="reference_heading")
        top = self.root if wide_ref else left
        title_row = self.root.itemAt(self.root.count() - 1).layout()
        if wide_ref and isinstance(title_row, QHBoxLayout):
            # "your reference" beside the title: the reference's row needs the height below
            title_row.setStretch(0, 0)
            title_row.insertWidget(1, heading, 1, Qt.AlignmentFlag.AlignBottom)
        else:
            top.addWidget(heading)
        ref = TightLabel(reference)
        ref.setProperty("role", "huge")
        ref.setObjectName("reference")
        ref.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        room = window.width() - 2 * theme.spacing_px - 8
        if landscape and not wide_ref:
            room -= 4 * theme.spacing_px + qr_px + (picture_px + 4 * theme.spacing_px if slip else 0)
            room -= round(420 * theme.scale) if with_paper else 0
        ensure = ref.font()
        ensure.setFamilies(list(FONT_FAMILIES))
        px = fitting_px(reference, theme.huge_px, room, ensure)
        ref.setStyleSheet(f"font-size: {px}px;")
        top.addWidget(ref)
        body = QHBoxLayout() if landscape else QVBoxLayout()
        body.setSpacing(theme.spacing_px * 2)
        # first what the resident must still do here
        self.to_do(view, left, ticket_button=True)
        # follows the outbox: "saved, being sent" turns into "the centre has it" once the hub acked it
        if outcome.delivered:
            note = "receipt.delivered"
        else:
            note = "receipt.queued_offline" if outcome.queued_offline else "receipt.sent"
        left.addWidget(label(self.t(note), name="queue_note"))
        if view.tickets_taken:
            # a ticket taken on the way (walk 14: nothing said whether it was still needed, and an
            # elder might have waited at the window for a request already in)
            left.addWidget(label(self.t("receipt.ticket_still", numbers=_numbers(view)), name="receipt_ticket"))
        after = _what_happens_next(outcome)
        promise = None
        if after:
            # what the slip promises, on the screen too: a slip lost, or none printed, left the
            # resident without it, and without the duty phone (walk 12)
            promise = label(keep_lines(after), "muted", name="receipt_next")
            left.addWidget(promise)
        # under the reference, not below the pictures: there, on a 1280x800 screen, "out of paper,
        # write the number down" was out of sight unless the resident scrolled
        self.print_state(outcome, into=left)
        left.addStretch(1)
        body.addLayout(left, 1 if landscape else 0)
        if slip:
            picture = slot_panel("take_receipt", self.t("picture.take_receipt"), theme, picture_px)
            body.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        if with_qr:
            qr = QVBoxLayout()
            qr.setSpacing(theme.spacing_px // 2)
            qr.addWidget(
                QrCodeWidget(reference, qr_px, self.t("receipt.scan")), 0, Qt.AlignmentFlag.AlignHCenter
            )
            scan = label(self.t("receipt.scan"), "muted", name="qr_caption")
            # the caption's own width (a 160 px QR column cut "扫码查看办 / 理进度": walk 3, finding 12)
            if landscape:
                scan.setFixedWidth(max(qr_px, round((260 if self.elder else 200) * theme.scale)))
            else:  # the column is the screen's width: the words under the code, not at its far left
                scan.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            qr.addWidget(scan)
            qr.addStretch(1)
            body.addLayout(qr)
        # one QR code on the screen: the slip's own is left out beside the screen's (finding 16)
        paper = self.preview(outcome, qr=not with_qr) if with_paper else None
        if paper is not None:
            body.addWidget(paper, 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(body, 1)
        if promise is not None and self.compact and not self.fits():
            # a short elder page with every panel it can have: the promise is said, not shown (walk
            # 13: left out always, it was missing where the page had the room)
            promise.hide()

    def _picture_sizes(self, landscape: bool) -> tuple[int, int]:
        """The QR code's and the slip picture's size: the theme's, smaller in elder mode on a short
        landscape display, where the reference's own row leaves less height (the QR never under
        120 px); no slip picture (0) where it does not fit: "printed, take it" says it in words."""
        theme = self.theme
        qr_px = round((220 if not self.elder else 240) * theme.scale)
        if not (self.elder and landscape):
            return qr_px, theme.picture_px
        if theme.on_reference(self.window().height()) >= 1000:
            return qr_px, theme.picture_px
        # a short display: the reference's row takes the height the pictures had; "printed, take it"
        # says in words what the slip picture shows
        return round(160 * theme.scale), 0

    def spoken(self, view: SessionView) -> str:
        outcome = view.outcome
        ref = " ".join(outcome.local_ref or "") if outcome else ""
        text = self.t("speak.receipt", ref=ref)
        if outcome is not None and outcome.printed is False:
            text += self.t(not_printed_key(outcome))
        if view.card_in_reader:
            text += self.t(take_card_key(view))
        if outcome is not None and _what_happens_next(outcome):
            text += ("" if view.language == "zh" else " ") + _what_happens_next(outcome)
        if view.tickets_taken:  # as on the screen
            text += ("" if view.language == "zh" else " ") + self.t("receipt.ticket_still", numbers=_numbers(view))
        return text


def _numbers(view: SessionView) -> str:
    """The tickets this visit was given, as a list in the screen's language."""
    return ("、" if view.language == "zh" else ", ").join(view.tickets_taken)


def _what_happens_next(outcome: Outcome) -> str:
    """The catalogue's words at the foot of the receipt: what happens now, and whom to call."""
    receipt = outcome.receipt
    if receipt is None:
        return ""
    return next((block.text for block in receipt.blocks if isinstance(block, Footer) and block.text), "")


def take_card_key(view: SessionView) -> str:
    """ "Your card is still in the reader" is for the card this visit used; a card put in while the
    terminal is paused serves nothing here: it is asked back, saying why (walk 10, L8: the paused
    ticket page told a card just put in that it was "still" in the reader). On a ticket's page with
    the form kept, taking the card would end the visit and wipe it: the card is for the way to the
    window, the form still one tap away (found walking the kept form, elder, speech on)."""
    if view.paused:
        return "receipt.take_card.paused"
    return "receipt.take_card.before_window" if view.parked_form else "receipt.take_card"


STARS = (1, 2, 3, 4, 5)  # each with its words (result.rate.words.N): 很不满意 … 很满意
STATUS_KEYS = ("received", "assigned", "in_progress", "resolved", "closed", "rejected")


class ResultScreen(OutcomeScreen):
    step = Step.RESULT
    way_out_keys = ("result.rate.leave",)  # leaving without rating (_rating_actions)

    @classmethod
    def owns_staff_called(cls, view: SessionView) -> bool:
        # a ticket's screen: under the number, not over it (walk 3, finding 28); a certificate's:
        # under its rows, not over them
        return view.outcome is not None and view.outcome.kind in (ServiceKind.TICKET, ServiceKind.RECORD)

    def render(self, view: SessionView, theme) -> None:
        self._scroll_before = self.area.verticalScrollBar().value()  # before the page is emptied
        super().render(view, theme)

    def build(self, view: SessionView) -> None:
        outcome = view.outcome
        self._scroll_kept: int | None = None  # the same page built again: its scroll, kept
        self._rating_frame: QWidget | None = None  # the stars or the thanks: brought into view
        self._rating_case: QWidget | None = None  # the card they sit in
        self._status_row: QWidget | None = None  # its status: in view above all
        self._owns_done = False
        if outcome is None:  # an error with nothing to show yet: the error panel says what to do
            self.title(view.service.title if view.service else "")
            self.root.addStretch(1)
            return
        build = {
            ServiceKind.TICKET: self._ticket,
            ServiceKind.QUERY: self._cases,
            ServiceKind.RATING: self._cases,
            ServiceKind.RECORD: self._record,
            ServiceKind.NOTICES: self._notices,
        }.get(outcome.kind, self._cases)
        build(view, outcome)

    def _ticket(self, view: SessionView, outcome: Outcome) -> None:
        """The number large, what it is for (the queue: walk 3, findings 14 and 26 got B001 and
        A001 from the same button and nothing said why), where to go and how many wait beside it;
        then "take your card", "staff are coming" and the print state, none of them over the
        number the resident must remember (walk 3, finding 28)."""
        ticket = outcome.ticket
        if self.compact:
            self.root.setSpacing(self.theme.spacing_px // 2)
        self.title(self.t("result.ticket.title"))
        if ticket is None:
            return
        self.beside_title(label(self._queue_words(view, outcome), name="ticket_queue"))
        row = QHBoxLayout()
        row.setSpacing(self.theme.spacing_px * 2)
        number = TightLabel(ticket.number)
        number.setProperty("role", "huge")
        number.setObjectName("ticket_number")
        row.addWidget(number, 0, Qt.AlignmentFlag.AlignVCenter)
        where = QVBoxLayout()
        where.setSpacing(0)
        if ticket.window:
            where.addWidget(
                label(
                    self.t("result.ticket.window", window=ticket.window), "tile_title", name="ticket_window"
                )
            )
        if ticket.waiting_ahead >= 0:
            where.addWidget(label(self.t(ahead_key(ticket.waiting_ahead), n=ticket.waiting_ahead), name="ticket_ahead"))
        row.addLayout(where, 1)
        self.root.addLayout(row)
        if outcome.ticket_again:
            # asked again in the same visit: the one they have, not a second (walk 14: B002 counted
            # the resident's own B001 ahead of them)
            self.root.addWidget(label(self.t("result.ticket.again"), "tile_title", name="ticket_again"))
        column = QVBoxLayout()
        column.setSpacing(self.theme.spacing_px // 2 if self.compact else self.theme.spacing_px)
        if outcome.ticket_is_local:
            frame, box = panel("warning", "ticket_local")
            box.addWidget(label(self.t("result.ticket.local")))
            column.addWidget(frame)
        self.to_do(view, column, ticket_button=False)
        self.print_state(outcome, "result.printed", into=column)
        kept = None
        if view.parked_form:
            # the form the ticket was taken from is kept: said, with the way back to it (walk 13, M1)
            kept = label(
                self.t("result.ticket.form_kept", service=view.parked_form, back=self.t("nav.back_to_form")),
                name="ticket_form_kept",
            )
            column.addWidget(kept)
        window = self.window()
        if window.width() < window.height() and outcome.printed:
            # the slip coming out, where a portrait display stood empty for 1,000 px under the
            # number (walk 10, the portrait empty bands): the receipt's picture, for the ticket
            column.addWidget(slot_panel("take_receipt", self.t("picture.take_ticket"), self.theme))
        column.addStretch(1)
        self.root.addLayout(column, 1)
        if kept is not None and self.compact and not self.fits():
            # a short elder page with the card still in: the way back (返回继续填写) says it, and
            # so does the speech; the page does not scroll for it
            kept.hide()

    def _queue_words(self, view: SessionView, outcome: Outcome) -> str:
        """What the number is for: the service the resident was in, else the staffed window."""
        about = outcome.ticket_for
        title = next(
            (s.title.get(view.language) for s in self.session.available_services() if s.id == about), ""
        )
        if not title or about == outcome.service_id:
            return self.t("result.ticket.for_window")
        return self.t("result.ticket.for", service=title)

    def _cases(self, view: SessionView, outcome: Outcome) -> None:
        if outcome.kind is ServiceKind.RATING:  # the rating shares this screen, not its title
            self.title(view.service.title if view.service else self.t("result.rate.title"))
        else:
            self.title(self.t("result.query.title"))
        titles = dict(outcome.case_titles)
        finished = [c for c in outcome.cases if c.can_rate]
        rateable = finished if outcome.can_rate else []
        # each case's status first, what the resident came for, and the stars in the card of the
        # case they rate, under its status and dates: stars above the case pushed its status below
        # the display in elder mode (renders findings 13, 26). Several finished: the line above
        # says which to tap, and the stars open in the case tapped (walk finding 14)
        several = len(finished) > 1
        if outcome.kind is ServiceKind.QUERY and len(outcome.cases) > 1:
            # the resident asked for progress: the first line is about their cases, the rating's
            # hint is the button by each finished one (walk 8, F1 opened on "first tap the one to
            # rate"); one case is its own heading, and a short elder page has no line to spare
            self.root.addWidget(label(self.t("result.query.yours", n=len(outcome.cases)), name="query_yours"))
        elif several and rateable:
            frame, inner = panel("card", "rating")
            inner.addWidget(label(self.t("result.rate.pick"), name="rate_pick"))
            self.root.addWidget(frame)
        elif outcome.kind is ServiceKind.RATING and not finished and outcome.rated_stars is None:
            # the resident came to rate and nothing can be: say so, over the cases it would be
            # (walk 9, F4: the list of cases in progress, and 完成, said nothing of why)
            # every finished case rated already: thanks, not "finish first" (walk 12 read "nothing to
            # rate yet" over two cases marked rated)
            done = any(c.rating is not None for c in outcome.cases)
            self.root.addWidget(label(self.t("result.rate.all_rated" if done else "result.rate.nothing"), name="rate_nothing"))
        content = QWidget()
        box = QVBoxLayout(content)
        box.setContentsMargins(0, 0, 0, 0)
        for case in outcome.cases:
            frame, inner = panel("card", f"case:{case.case_id}")
            # the elder page's height is short: small gaps over and under the lines of a card
            gap = self.theme.spacing_px // 2
            inner.setContentsMargins(gap, gap // 3, gap, gap // 3)
            inner.setSpacing(gap // 3)
            status_row = self._case_heading(case, titles.get(case.case_id, ""))
            inner.addWidget(status_row)
            for event in case.timeline:
                when = human_time(event.at) or ""
                inner.addWidget(label(f"{when}  {self._event_words(event, view.language)}".rstrip(), "muted"))
            if case.rating is not None and case.case_id != outcome.rated_case_id:
                # rated before (the hub says so): said, and no stars offered (issue 9, F4)
                rated_words = self.t(
                    "result.case.rated",
                    n=case.rating,
                    stars="★" * case.rating,
                    words=self.t(f"result.rate.words.{case.rating}") if case.rating in STARS else "",
                )
                inner.addWidget(label(rated_words, name=f"case_rated:{case.case_id}"))
            if case.case_id in (outcome.rating_case_id, outcome.rated_case_id):
                if self._rating(view, outcome, case, rateable, titles, inner):
                    self._rating_case, self._status_row = frame, status_row
            elif case.can_rate and rateable and (several or outcome.rated_case_id is not None):
                # one rated, one left: it keeps its own button, not stars that open by themselves
                inner.addWidget(
                    button(
                        self.t("result.rate.this"),
                        lambda c=case.case_id: self.session.choose_case_to_rate(c),
                        name=f"rate_case:{case.case_id}",
                        enabled=not view.busy,
                    )
                )
            box.addWidget(frame)
        box.addStretch(1)
        self.scroll(content)
        if several and self._rating_case is not None and self._room_under_title(self._rating_case):
            # the list opens scrolled to the case being rated: the title stays over it, saying what
            # the page is (final review 9), where that leaves the case its room whole
            self.pin_title()
        self.more_below(self.t("result.more_below"))
        # the first showing stays at the top, the status in view; the stars are brought into view
        # when the resident tapped a case among several, the thanks when the rating is sent. A star
        # picked moves nothing: the page scrolled under the finger as it picked (issue 9, F3)
        listed = (outcome.kind, tuple(c.case_id for c in outcome.cases))
        shown = (listed, outcome.rating_case_id, outcome.rated_case_id)
        before = getattr(self, "_cases_shown", None)
        same_list = before is not None and before[0] == listed
        # (built again before the last building's bringing into view was over: that goes on)
        if (before == shown and not getattr(self, "_bringing", False)) or not (several or same_list):
            self._rating_frame = None
        if same_list and self._rating_frame is None:
            # the same list built again (a star picked, the language switched): where it was
            # scrolled to; the rebuild's emptied content had pulled the scroll back up
            self._scroll_kept = self._scroll_before
        self._cases_shown = shown

    def _room_under_title(self, case: QWidget) -> bool:
        """`case` fits whole in the screen's area less the title's row over it."""
        width = self.window().width() - 2 * self.theme.spacing_px - self.theme.scrollbar_px
        title = self.root.itemAt(0)
        parts = [case, *case.findChildren(QWidget)]
        if title.widget() is not None:
            parts.append(title.widget())
        for part in parts:
            if not part.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                part.show()  # as content_height does: a layout counts a widget not yet shown as empty
            part.ensurePolished()
        for layout in [case.layout(), *case.findChildren(QBoxLayout)]:
            layout.invalidate()
        needed = case.layout().totalHeightForWidth(width) + title.sizeHint().height()
        # a cue's height to spare: measured before it is shown, the case came out some 60 px short
        return needed + 2 * self.root.spacing() + self.theme.target_px <= self.dock_room()

    def _case_heading(self, case, about: str) -> QWidget:
        """The case's status, large, and beside it which case it is (wrapping under when long)."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(self.theme.spacing_px)
        status = label(self._status(case.status), "title", name=f"case_status:{case.case_id}", wrap=False)
        line.addWidget(status, 0, Qt.AlignmentFlag.AlignVCenter)
        which = label(self.t("result.case.about", service=about, ref=case.local_ref), name="case_ref")
        line.addWidget(which, 1, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _event_words(self, event, language: str) -> str:
        """A timeline row's words: the status once. The hub's note often is the status in words
        ("已受理，等待分派" for 已受理, "已办结" for 已办结: walk finding 17 read "已办结 已办结"); a
        note of its own follows the status."""
        status = self._status(event.status)
        note = event.note.get(language, "").strip()
        if not note or note.lower().startswith(status.lower()):
            return note or status
        return f"{status}：{note}" if language == "zh" else f"{status}: {note}"

    def _rating(
        self,
        view: SessionView,
        outcome: Outcome,
        case,
        rateable: list,
        titles: dict[str, str],
        into: QBoxLayout,
    ) -> bool:
        """In `case`'s card: the stars when it is the case being rated, named; a star only picks
        (with its words), and "send rating" sends: one stray tap never rates. The case just rated:
        thanks, naming it. True when what was added is the one to bring into view: the stars,
        else the thanks."""
        rated = case if case.case_id == outcome.rated_case_id else None
        if outcome.rated_stars is not None and rated is not None:
            frame, inner = panel("ok", "rated")
            inner.addWidget(
                label(
                    self.t(
                        "result.rated_case",
                        service=titles.get(rated.case_id, ""),
                        ref=rated.local_ref,
                        n=outcome.rated_stars,
                        words=self.t(f"result.rate.words.{outcome.rated_stars}"),
                    ),
                    name="rated_text",
                )
            )
            into.addWidget(frame)
            if outcome.rating_case_id is None:  # another case's stars open: they are what is brought
                self._rating_frame = frame
                return True
            return False
        target = next((c for c in rateable if c.case_id == outcome.rating_case_id == case.case_id), None)
        if target is None:
            return False
        # in the case's card, under a rule: no frame of its own (its border and margins were the
        # height an elder page lacked)
        frame, inner = panel("section", "rate_box")
        inner.setContentsMargins(0, self.theme.spacing_px // 3, 0, 0)
        self._rating_frame = frame  # after_render brings it into view: the tap came from further down
        chosen = outcome.chosen_stars
        if chosen is None:
            note = self.t("result.rate.choose_first")
        else:
            note = self.t("result.rate.chosen", n=chosen, words=self.t(f"result.rate.words.{chosen}"))
        # which case and what to do over the stars; "send rating" is the screen's main action, at
        # the bottom bar's right end, blue once stars are chosen, and leaving says it does not rate
        # (walk 8, F9: a grey "send" in the card, and the blue 完成 left without rating)
        words = QVBoxLayout()
        words.setSpacing(0)  # two lines of one text: the font's leading parts them
        heading = self.t("result.rate.which", service=titles.get(target.case_id, ""), ref=target.local_ref)
        words.addWidget(label(heading, name="rate_heading"))
        words.addWidget(label(note, name="rate_chosen"))
        inner.addLayout(words)
        self._rating_actions(view, target.case_id, chosen)
        stars = QGridLayout()
        stars.setSpacing(self.theme.spacing_px)
        window = self.window()
        # elder words on a portrait display do not fit five across: one star count a row
        column = self.elder and window.width() < window.height()
        one_line = column or self._stars_fit_one_line()
        for n in STARS:
            words_n = self.t(f"result.rate.words.{n}")
            marks = "★" * n if not self.elder else f"{n}★"
            star = button(
                f"{marks}  {words_n}" if one_line else f"{marks}\n{words_n}",
                lambda n=n: self.session.choose_stars(n),
                name=f"rate:{n}",
                role="selected" if chosen == n else "",
                accessible=self.t("result.rate.star_words", n=n, words=words_n),
                enabled=not view.busy,
            )
            if self.elder and not one_line:  # two lines at body size: still elder size, a line less tall
                star.setStyleSheet(f"font-size: {self.theme.body_px}px;")
            if not one_line:  # room above and below two lines: "Very unhappy" sat its descenders on the border
                star.setProperty("pad", "lines")
            stars.addWidget(star, n - 1 if column else 0, 0 if column else n - 1)
        inner.addLayout(stars)
        into.addWidget(frame)
        return True

    def _rating_actions(self, view: SessionView, case_id: str, chosen: int | None) -> None:
        """Leaving without rating, then sending, in the bottom bar in the window's 完成's place."""
        self._owns_done = True
        # leaving stands beside going back, where 退出办理 stands on the other screens: in the
        # screen's actions beside 提交评价 the elder portrait bar wrapped to two rows and 取号排队
        # moved up (issue 9, F11); and leaving is far from the main action there
        self.way_out = (self.t("result.rate.leave"), self.session.done, "nav.done")
        self.actions.addWidget(
            button(
                self.t("result.rate.send"),
                lambda: self.session.rate(chosen, case_id) if chosen is not None else None,
                name="rate_send",
                role="primary",
                enabled=chosen is not None and not view.busy,
            )
        )

    @property
    def owns_done(self) -> bool:
        return getattr(self, "_owns_done", False)

    def _stars_fit_one_line(self) -> bool:
        """Whether each star's marks and words fit on one line in a fifth of the row (a line less
        on a short elder page); else two lines."""
        font = QFont()
        font.setFamilies(list(FONT_FAMILIES))
        font.setPixelSize(self.theme.button_px)
        font.setBold(True)  # a chosen star is bold
        metrics = QFontMetrics(font)
        theme = self.theme
        row = self.window().width() - 4 * theme.spacing_px - theme.scrollbar_px - 2 * theme.spacing_px
        cell = (row - 4 * theme.spacing_px) // 5 - 2 * (theme.spacing_px + theme.border_px + 1)
        for n in STARS:
            marks = "★" * n if not self.elder else f"{n}★"
            if metrics.horizontalAdvance(f"{marks}  {self.t(f'result.rate.words.{n}')}") > cell:
                return False
        return True

    def after_render(self) -> None:
        self._bringing = self._rating_frame is not None
        if self._rating_frame is not None:
            QTimer.singleShot(0, self, self._show_rating)
        elif self._scroll_kept is not None:
            QTimer.singleShot(0, self, lambda: self._keep_scroll(self._scroll_kept))

    def _keep_scroll(self, value: int, tries: int = 0, steady: int = 0) -> None:
        """Scroll back to `value` each turn while what was just built is laid out (as _show_rating
        does), until it stays there."""
        try:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            bar = self.area.verticalScrollBar()
            if bar.value() != value:
                bar.setValue(value)
                steady = 0
            else:
                steady += 1
        except RuntimeError:  # rebuilt in between: its widgets are gone
            return
        if tries < 10 and steady < 2:
            QTimer.singleShot(0, self, lambda: self._keep_scroll(value, tries + 1, steady))

    def _show_rating(self, tries: int = 0, at: int | None = None) -> None:
        """Bring the case being rated and its stars into view, its status last: where they do not
        all fit, the status is the part in view (the cue says there is more). What was just built
        is shown and laid out by queued calls over the next turns: measured at once, the stars
        seemed in view at the top. So again each turn until the scroll stays put."""
        frame, case, status = self._rating_frame, self._rating_case, self._status_row
        if frame is None:
            return
        try:
            if frame.isVisible():
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
                if case is not None:
                    self.area.ensureWidgetVisible(case, 0, 0)
                self.area.ensureWidgetVisible(frame, 0, 0)
                if status is not None:
                    self.area.ensureWidgetVisible(status, 0, 0)
            now = self.area.verticalScrollBar().value() if frame.isVisible() else None
        except RuntimeError:  # rebuilt in between: its widgets are gone
            return
        if tries < 10 and (now is None or now != at):
            QTimer.singleShot(0, self, lambda: self._show_rating(tries + 1, now))
        else:
            self._rating_frame = self._rating_case = self._status_row = None
            self._bringing = False

    def _status(self, status: str) -> str:
        return self.t(f"status.{status}") if status in STATUS_KEYS else status

    def _record(self, view: SessionView, outcome: Outcome) -> None:
        """The certificate as issued: its number first, named and large, as the receipt's reference
        (staff ask for it: walk 7, N5 found it unlabelled in the screen's smallest type); its rows in
        the resident's language beside the QR code that verifies it; then "take your card", "staff
        are coming" and the print state, as under a ticket. On a short elder display it must all fit
        one screen (walk 5, M5: the number was cut at the bottom edge, "printed, take it" below the
        fold, "take your card" missing): its name beside the title, the rows two to a line, a
        smaller QR code, a smaller number where needed."""
        record = outcome.record
        if self.compact:
            self.root.setSpacing(self.theme.spacing_px // 2)
        if record is None:
            self.title(self.t("result.record.title"))
            return
        # its name is the title ("居住证明", beside the steps' "4 完成"): "your document is ready" over
        # it took a line of its own, and in English two with the steps under it
        self.title(self._record_title(view, record))
        theme = self.theme
        if self.compact:  # (rows a line, QR code px, the number's largest px), roomiest first
            middle = (theme.huge_px + theme.title_px) // 2
            shapes = (
                (1, 260, theme.huge_px),
                (2, 260, theme.huge_px),
                (2, 160, theme.huge_px),
                (2, 160, middle),
                (2, 160, theme.title_px),
                # every panel at once: the QR code's column gives its width to the rows, three to
                # a line (a line less); the QR is on the slip, which staff verify, not the screen
                (3, 0, theme.title_px),
            )
        else:
            shapes = ((1, 260, theme.huge_px),)
        for n, (across, qr_px, number_px) in enumerate(shapes):
            number = self._record_number(view, record, number_px)
            body = self._record_body(view, record, across=across, qr_px=qr_px if self.elder else 200)
            column = QVBoxLayout()
            column.setSpacing(theme.spacing_px // 2 if self.compact else theme.spacing_px)
            self.to_do(view, column, ticket_button=True)
            self.print_state(outcome, "result.printed", into=column)
            column.addStretch(1)
            self.root.addLayout(column, 1)
            if n == len(shapes) - 1 or self.fits():
                return
            for layout in (number, body, column):  # built again tighter: this one needs scrolling
                clear_layout(layout)
                self.root.removeItem(layout)
                layout.deleteLater()
            clear_layout(self.actions)

    @staticmethod
    def _record_title(view: SessionView, record) -> str:
        return record.title.get(view.language) or record.title.get("zh", "")

    def _record_number(self, view: SessionView, record, largest: int) -> QBoxLayout:
        """ "居住证明编号" and the number beside it, bold, as large as fits the row up to `largest`
        px; the words over the number where both do not fit one line at the title's size (a
        portrait display, English words)."""
        theme = self.theme
        heading = label(
            self.t("result.record.number", title=self._record_title(view, record)), name="record_id_heading"
        )
        number = TightLabel(record.record_id)
        number.setProperty("role", "huge")
        number.setObjectName("record_id")
        number.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        heading.setParent(self.content)  # the window's style sheet gives it its font
        heading.ensurePolished()
        font = number.font()
        font.setFamilies(list(FONT_FAMILIES))
        row = self.window().width() - 2 * theme.spacing_px - theme.scrollbar_px - 8
        beside = row - heading.fontMetrics().horizontalAdvance(heading.text()) - 2 * theme.spacing_px
        bold = QFont(font)
        bold.setBold(True)
        bold.setPixelSize(theme.title_px)
        one_line = QFontMetrics(bold).horizontalAdvance(record.record_id) <= beside
        px = fitting_px(record.record_id, largest, beside if one_line else row, font)
        number.setStyleSheet(f"font-size: {px}px;")
        line: QBoxLayout = QHBoxLayout() if one_line else QVBoxLayout()
        line.setSpacing(theme.spacing_px if one_line else 0)
        heading.setWordWrap(not one_line)
        line.addWidget(heading, 0, Qt.AlignmentFlag.AlignVCenter if one_line else Qt.AlignmentFlag.AlignLeft)
        line.addWidget(number, 0, Qt.AlignmentFlag.AlignVCenter if one_line else Qt.AlignmentFlag.AlignLeft)
        if one_line:
            line.addStretch(1)
        self.root.addLayout(line)
        return line

    def _record_body(self, view: SessionView, record, *, across: int, qr_px: int) -> QHBoxLayout:
        """The rows (`across` to a line) beside the QR code (none when `qr_px` is 0)."""
        body = QHBoxLayout()
        body.setSpacing(self.theme.spacing_px * 2)
        rows = QGridLayout()
        rows.setHorizontalSpacing(self.theme.spacing_px * (2 if across < 3 else 1))
        rows.setVerticalSpacing(self.theme.spacing_px // 3 if self.compact else self.theme.spacing_px // 2)
        lines = record.lines(view.language)
        for n, (row_label, value) in enumerate(lines):
            text = labelled(row_label, value, view.language)
            rows.addWidget(label(text, name=f"record_row:{n}"), n // across, n % across)
        body.addLayout(rows, 1)
        if qr_px:
            px = round(qr_px * self.theme.scale)
            body.addWidget(QrCodeWidget(record.verify_url, px, self.t("receipt.scan")), 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(body)
        return body

    def _notices(self, view: SessionView, outcome: Outcome) -> None:
        self.title(self.t("result.notices.title"))
        content = QWidget()
        box = QVBoxLayout(content)
        for notice in outcome.notices:
            frame, inner = panel("card", f"notice:{notice.id}")
            inner.addWidget(label(notice.title, "title"))
            inner.addWidget(label(notice.published, "muted"))
            inner.addWidget(label(notice.body))
            box.addWidget(frame)
        box.addStretch(1)
        self.scroll(content)
        # as under the cases: a notice cut at the bottom edge read as the last (walk 8, F10)
        self.more_below(self.t("result.more_below"))

    def spoken(self, view: SessionView) -> str:
        outcome = view.outcome
        if outcome is None:
            return ""
        if outcome.ticket is not None:
            text = (
                self._queue_words(view, outcome)
                + "。"
                + self.t("speak.ticket", number=" ".join(outcome.ticket.number))
            )
            if outcome.ticket.window:
                text += self.t("result.ticket.window", window=outcome.ticket.window) + "。"
            if outcome.printed is False:
                text += self.t(not_printed_key(outcome))
            if outcome.ticket_again:
                text += self.t("result.ticket.again")
            if view.parked_form:  # as on the screen: the form kept, and the way back to it
                text += self.t("result.ticket.form_kept", service=view.parked_form, back=self.t("nav.back_to_form"))
            if view.card_in_reader:
                text += self.t(take_card_key(view))
            return text
        if outcome.cases:
            return "。".join(
                f"{self.t('result.case', ref=c.local_ref)} {self._status(c.status)}" for c in outcome.cases
            )
        if outcome.notices:
            return "。".join(f"{n.title}。{n.body}" for n in outcome.notices)
        parts = [self.t("speak.result")]
        if outcome.record is not None:  # as on the screen: the number, paper or not, then the card (walk 5, M5)
            record = outcome.record
            number = " ".join(record.record_id)
            parts.append(self.t("speak.record_number", title=self._record_title(view, record), number=number))
            if outcome.printed is False:
                parts.append(self.t(not_printed_key(outcome)))
            if view.card_in_reader:
                parts.append(self.t(take_card_key(view)))
        return ("" if view.language == "zh" else " ").join(parts)
