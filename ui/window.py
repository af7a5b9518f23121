"""The kiosk window: the bars every screen shares, the current screen, and the events around them.

Every screen has, in view: the language switch, elder mode (one tap), help / staffed window, and a
way back. The inactivity warning, "staff are coming", errors (with their ways forward) and the busy
indicator are panels in the window, never pop-ups. Full screen with no decorations; Escape and
Alt+F4 do nothing, and the window closes only from maintenance (technician card).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from drivers.card.model import CardError, CardReader, CardUnreadable, Identity
from kiosk.catalogue import ServiceKind
from kiosk.errors import WayForward
from kiosk.services import RecordNeedsPaper
from kiosk.session_view import ErrorView, Mode, SessionView, Step
from ui import banner_room
from ui.device_signals import CardSignals
from ui.double_tap import DoubleTapGuard
from ui.editor_fit import line_px
from ui.i18n import Words
from ui.icons import icon_label
from ui.line_breaks import keep_whole
from ui.maintenance import MaintenancePanel
from ui.screens import SCREEN_CLASSES, Screen, ScreenContext
from ui.screens.choose import page_of_tiles, refused_for_paper
from ui.speech import Speaker
from ui.theme import Theme, stylesheet, theme_for
from ui.widgets import button, clear_layout, label, panel, touch_scroll_area

log = logging.getLogger(__name__)

_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin)
# what follows a swallowed press, up to its end
_GESTURE_ENDS = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel)
_GESTURE_REST = (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate, *_GESTURE_ENDS)
BACK_STEPS = (Step.IDENTIFY, Step.CHOOSE, Step.FORM, Step.REVIEW, Step.RESULT)
WAY_KEYS = {
    WayForward.RETRY: "way.retry",
    WayForward.TICKET: "way.ticket",
    WayForward.CALL_STAFF: "way.call_staff",
    WayForward.CONTINUE: "way.continue",
}


class _CurrentStack(QStackedWidget):
    """Holds only the screen on show: a QStackedWidget is as tall as its tallest page, and a tall
    screen seen earlier (the keyboard) must not push a short one (the receipt) off the display."""

    def show_only(self, widget: QWidget) -> None:
        if self.currentWidget() is widget and self.count() == 1:
            return
        for i in reversed(range(self.count())):
            page = self.widget(i)
            if page is not widget:
                self.removeWidget(page)
                page.setParent(None)  # kept alive by the window's cache
        if self.indexOf(widget) < 0:
            self.addWidget(widget)
        self.setCurrentWidget(widget)


_EXPLICIT = Qt.WidgetAttribute.WA_WState_ExplicitShowHide


def _row_width(row: QLayout) -> int:
    """The width a row of buttons needs across: their size hints (style sheet polished) and gaps."""
    widths = []
    for i in range(row.count()):
        widget = row.itemAt(i).widget()
        hidden = widget is not None and widget.isHidden() and widget.testAttribute(_EXPLICIT)
        if widget is not None and not hidden:  # a new button is "hidden" until its first show
            widget.ensurePolished()
            widths.append(max(widget.sizeHint().width(), widget.minimumWidth()))
    spacing = max(0, row.spacing())
    return sum(widths) + spacing * max(0, len(widths) - 1)


# between the top bar's buttons, in both modes (their places must not move with the mode)
_TOGGLE_GAP_PX = 8


def _widgets(row: QLayout) -> list[QWidget]:
    return [w for w in (row.itemAt(i).widget() for i in range(row.count())) if w is not None]


def _screen_part(view: SessionView) -> SessionView:
    """The view without what only the bars show: a change there does not rebuild the screen. A
    screen that keeps a place of its own for "staff are coming" (the receipt) gets that part too."""
    screen = SCREEN_CLASSES.get(view.step)
    own = screen is not None and screen.owns_staff_called(view)
    # the form's "next" goes while an error offers to try again (it would only fail again): a form
    # is rebuilt when its error comes or goes
    error = view.error if view.step is Step.FORM else None
    if view.step is Step.CHOOSE and refused_for_paper(view):
        error = view.error  # the list's paper notice gives the banner its place (ChooseScreen.build)
    part = replace(view, warning=None, staff_called=view.staff_called and own, online=None, error=error)
    # the page of services is the list's alone: its size follows the display (a resize re-pages)
    return part if view.step is Step.CHOOSE else replace(part, services=(), page=0, page_count=1)


class KioskWindow(QWidget):
    """Shows the session; forwards taps. `rendered` is emitted after each render (benchmarks, tests)."""

    rendered = Signal()

    def __init__(
        self,
        session: Any,
        words: Words,
        *,
        speaker: Speaker | None = None,
        executor: Any = None,
        card_reader: CardReader | None = None,
        speech: bool = True,
        on_quit: Callable[[], None] | None = None,
        tick_ms: int = 1000,
        technician_pin_hash: str = "",
        tap_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.setObjectName("kiosk_window")
        # the window keeps the size it was given (the display's, or the demo's window): a minimum of
        # its own stops its layout from raising its minimum to the content's and growing it past the
        # display (walk 10, H1: a windowed elder form grew it to 1280x844 on an 800 px screen, the
        # bottom bar half off, and it never shrank back). Content that does not fit is the layout
        # check's to catch, on the screens themselves
        self.setMinimumSize(1, 1)
        # a fast double tap is one tap: its second press must not tap the screen the first one
        # brought (walk 5, M8). Its own clock: the tests' finger keeps a pace of its own
        self.double_tap = DoubleTapGuard(tap_clock)
        self.session = session
        self.words = words
        self.speaker = speaker or Speaker(enabled=False)
        self.speaker.failing_changed.connect(self._speech_failing_changed)
        self.speech_on = speech
        self._executor = executor
        self._reader = card_reader
        self._on_quit = on_quit
        self._allow_close = False
        self._theme: Theme | None = None
        self._view: SessionView | None = None
        self._last_screen_part: SessionView | None = None
        self._spoken_for: tuple | None = None
        self._laid_out_for = QSize()  # the window's size the bars and the screen were built for
        self._status_measured: dict[tuple[Mode, float, str], tuple[int, int, int]] = {}
        self._toggle_widths: dict[str, int] = {}  # the top bar's toggles: the widest each is
        self._left_slots: dict[tuple[Mode, float, str], int] = {}  # the bottom bar's left group: its widest
        self._paper_banners: dict[tuple[Mode, float, str, int], int] = {}  # paper_banner_px's measures
        self._toggles_measured_at: float | None = None
        # the display, language and services the list's pages were sized for, and its columns
        self._paged_for: tuple[QSize, str, tuple, bool] | None = None
        self.service_columns: dict[Mode, int] = {}
        self.paper_room: dict[Mode, int] = {}  # kept under the tiles for the paper banner, per mode
        self.reading_card = False
        self._swallowing = False  # a press that dismissed the warning: its moves and release go too
        self.ctx = ScreenContext(
            session=session, words=words, touch=session.touch, on_screen_changed=self._screen_changed
        )
        self.screens: dict[Step, Screen] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top_bar, self._top = panel("bar", "top_bar")
        self._top_row = QHBoxLayout()
        self._top.addLayout(self._top_row)
        outer.addWidget(self.top_bar)
        body = QVBoxLayout()
        outer.addLayout(body, 1)
        self.stack = _CurrentStack()
        # no scroll area around the screens: each screen scrolls its own content, and its actions
        # sit in the bottom bar, where a scroll area around the screen could not hide them
        body.addWidget(self.stack, 1)
        # banners (offline is a sign in the top bar) lie over the top of the screen, never in its
        # layout: a warning or an error appearing moves no control under the resident's finger
        self.banner_layer = QWidget(self)
        self.banner_layer.setObjectName("banner_layer")
        self._banners = QVBoxLayout(self.banner_layer)
        self.banner_layer.hide()
        # the inactivity warning lies over the bottom bar, not over the screen: while it shows a tap
        # only dismisses it (eventFilter), so the bar's buttons under it lose nothing, and the
        # title and the content a resident is reading stay in view (walk finding 10: it hid the
        # title and the emergency hotline)
        self.warning_layer = QWidget(self)
        self.warning_layer.setObjectName("warning_layer")
        self._warning_box = QVBoxLayout(self.warning_layer)
        self._warning_box.setContentsMargins(0, 0, 0, 0)
        self.warning_layer.hide()
        self.maintenance = MaintenancePanel(
            session, words, executor, technician_pin_hash, self.quit_from_maintenance
        )
        self.maintenance.on_rebuilt = self.double_tap.screen_changed
        # the technician's panel is not a Screen: it gets a finger-draggable scroll area of its own
        self.maintenance_area = touch_scroll_area(self.maintenance, name="maintenance_area")
        # one bar of actions for every screen, always in the same place: going back and leaving on
        # the left, the screen's own actions on the right with its one main action last
        self.bottom_bar, self._bottom = panel("bottom_bar", "bottom_bar")
        # two halves: side by side on a landscape screen, one over the other on a portrait one
        self._bottom_row = QHBoxLayout()
        self._bottom_main = QHBoxLayout()
        self._bottom.addLayout(self._bottom_row)
        self._bottom.addLayout(self._bottom_main)
        # going back and leaving in a box as wide as the widest they are in this mode, size and
        # language, whichever the screen shows: the ticket after it stands in the same place on
        # every screen (walk: 取号排队 at x 428, 484, 484, 435 on four elder screens at 1280x800)
        self._left_slot = QWidget()
        self._left_slot.setObjectName("bar.left_slot")
        self._nav_left = QHBoxLayout(self._left_slot)
        self._nav_left.setContentsMargins(0, 0, 0, 0)
        self._nav_middle = QHBoxLayout()
        self._screen_actions = QHBoxLayout()
        self._nav_right = QHBoxLayout()
        self._bottom_row.addWidget(self._left_slot)
        self._bottom_row.addLayout(self._nav_middle)
        self._bottom_row.addStretch(1)
        self._bottom_main.addStretch(1)
        self._bottom_main.addLayout(self._screen_actions)
        self._bottom_main.addLayout(self._nav_right)
        self._shown_actions: QWidget | None = None
        # the bar never widens the window: showing a screen's actions while the bar still holds the
        # last screen's buttons in one row made the portrait window 1086 px wide for good (a full
        # screen window cannot grow; the bar chooses its rows for the width there is)
        self.bottom_bar.setMinimumWidth(1)
        outer.addWidget(self.bottom_bar)
        self._body = body

        self.card_signals = CardSignals(self)
        if card_reader is not None:
            self.card_signals.inserted.connect(self._card_inserted)
            self.card_signals.removed.connect(lambda _reader: self.session.card_removed())
            self.card_signals.attach(card_reader)

        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.session.tick)
        self.timer.start()
        self._unsubscribe = session.subscribe(self.show_view)

    # --- rendering ----------------------------------------------------------------------------------

    @property
    def view(self) -> SessionView | None:
        return self._view

    @property
    def theme(self) -> Theme:
        assert self._theme is not None
        return self._theme

    def t(self, key: str, **values: object) -> str:
        v = self._view
        assert v is not None
        elder = v.mode is Mode.ELDER and not v.technician_card  # a technician reads the standard words
        return self.words.text(v.language, key, elder=elder, **values)

    def show_view(self, view: SessionView) -> None:
        """Render `view`: the bars always, the screen when its part changed."""
        # the technician's screen is a tool, not the resident's: always the standard theme
        # and its sizes are the display's (ui/theme.py theme_for: the one place that decides them)
        theme = theme_for(Mode.STANDARD if view.technician_card else view.mode, self._display())
        if theme is not self._theme:
            self._theme = theme
            self.setStyleSheet(stylesheet(theme))
            margin = theme.spacing_px
            self._body.setContentsMargins(margin, 6, margin, 6)
            self._body.setSpacing(margin)
            for bar in (self._top, self._bottom):  # thin: a 1280x800 screen needs the height for keys
                bar.setContentsMargins(margin, 4, margin, 4)
            # the same right edge in both modes: the toggles at its end keep their place
            edge = theme_for(Mode.STANDARD, self._display()).spacing_px
            self._top.setContentsMargins(edge, 4, edge, 4)
            parts = (self._bottom_row, self._bottom_main, self._nav_left, self._nav_middle)
            for row in (*parts, self._bottom, self._screen_actions, self._nav_right):
                row.setSpacing(margin)
            self._banners.setContentsMargins(margin, margin // 2, margin, margin // 2)
            self._warning_box.setContentsMargins(0, 0, 0, 0)
            self._last_screen_part = None
        previous, self._view = self._view, view
        if self.size() != self._laid_out_for:  # built for another size: build it again for this one
            self._last_screen_part = None
            self._laid_out_for = self.size()
        self.setUpdatesEnabled(False)
        shown_before = self._shown()
        try:
            part = _screen_part(view)
            if previous is not None and previous.technician_card and not view.technician_card:
                self.maintenance.lock()  # the card left: the next technician enters the PIN again
                self._last_screen_part = None
            if view.technician_card:
                self.maintenance.render(view, theme)
                self.stack.show_only(self.maintenance_area)
                self._place_actions(self.maintenance.actions_bar)  # the PIN's OK
                self._last_screen_part = None
            elif part != self._last_screen_part:
                self._last_screen_part = part
                screen = self._screen(view.step)
                if isinstance(screen, SCREEN_CLASSES[Step.IDENTIFY]):
                    screen.reading = self.reading_card
                self.stack.show_only(screen)  # first: a screen measures the window it is in
                screen.render(view, theme)
                if screen.failed:  # it showed the ways on instead: the next change tries the page again
                    self._last_screen_part = None
                self._place_actions(screen.actions_bar)
            current = self.stack.currentWidget()
            if isinstance(current, Screen):
                current.setEnabled(not view.busy)
                current.actions_bar.setEnabled(not view.busy)
            # after the screen: whether it wants the bar's way back depends on what it shows
            self._render_bars(view)
            self._render_banners(view)
            QTimer.singleShot(0, self, self._place_banners)  # again once the bars have their new heights
        finally:
            self.setUpdatesEnabled(True)
        if self._shown() != shown_before:
            self.double_tap.screen_changed()
        self._place_banners()
        self._page_for_catalogue(view)
        self._maybe_speak(previous, view)
        self._read_card_left_in(previous, view)
        self._forget_ended_session(previous, view)
        self.rendered.emit()

    def _forget_ended_session(self, previous: SessionView | None, view: SessionView) -> None:
        """A session ended: the screens drop what they kept for it. Found walking portrait: the
        next resident's repair form opened on the location editor the last one had left open."""
        if previous is not None and previous.step is not Step.ATTRACT and view.step is Step.ATTRACT:
            for screen in self.screens.values():
                screen.forget()

    def _read_card_left_in(self, previous: SessionView | None, view: SessionView) -> None:
        """Start with the card still in from the last session: read it again, as if just inserted,
        instead of asking for a card that is already there (once per start)."""
        if (
            previous is not None
            and previous.step is Step.ATTRACT
            and view.step is Step.IDENTIFY
            and view.card_in_reader
            and view.identity is None
            and not self.reading_card
        ):
            QTimer.singleShot(0, lambda: self._card_inserted(""))  # after this render, not inside it

    def _screen(self, step: Step) -> Screen:
        screen = self.screens.get(step)
        if screen is None:
            screen = SCREEN_CLASSES[step](self.ctx)
            self.screens[step] = screen
        return screen

    def _place_actions(self, actions: QWidget | None) -> None:
        """Show the current screen's actions in the bottom bar, before the window's main action."""
        if actions is self._shown_actions:
            return
        if self._shown_actions is not None:
            self._screen_actions.removeWidget(self._shown_actions)
            owners = (*self.screens.values(), self.maintenance)
            owner = next((s for s in owners if s.actions_bar is self._shown_actions), None)
            if owner is not None:
                owner.take_back_actions()  # never parentless: a parentless widget is a window of its own
        self._shown_actions = actions
        if actions is not None:
            self._screen_actions.addWidget(actions)
            actions.setVisible(actions.layout().count() > 0)

    def in_banner(self, widget: QWidget) -> bool:
        """`widget` is part of a banner lying over the screen or the bars (not of the screen)."""
        return self.banner_layer.isAncestorOf(widget) or self.warning_layer.isAncestorOf(widget)

    def _place_banners(self) -> None:
        """Lay the banners over the top of the screen, the full width, as tall as they need; the
        inactivity warning over the bottom bar, reaching up from the window's bottom edge."""
        warning = self.warning_layer
        if self._warning_box.count() == 0:
            warning.hide()
        else:
            needed = warning.heightForWidth(self.width())
            height = max(needed if needed > 0 else warning.sizeHint().height(), self.bottom_bar.height())
            warning.setGeometry(0, self.height() - height, self.width(), height)
            warning.show()
            warning.raise_()
        layer = self.banner_layer
        screen = self.current_screen()
        if self._banners.count() == 0:
            layer.hide()
            if screen is not None:
                banner_room.release(screen)
            return
        height = layer.heightForWidth(self.width())
        height = height if height > 0 else layer.sizeHint().height()
        if screen is None:  # the technician's panel: over the top of it, as before
            top = self.top_bar.geometry().bottom() + 1 if self.top_bar.isVisible() else 0
        else:
            top = banner_room.place(screen, self, height, self.theme.spacing_px)
        layer.setGeometry(0, top, self.width(), height)
        layer.show()
        layer.raise_()

    def resizeEvent(self, event: object) -> None:
        self._relayout_soon()
        super().resizeEvent(event)
        self._place_banners()
        QTimer.singleShot(0, self, self._size_elder_pages)  # after this event: it re-renders

    def _size_elder_pages(self) -> None:
        """Services per page from this display: as many tiles as fit whole, measured on the tallest
        tile in the language shown (English descriptions wrap to more lines), never more than a
        landscape page's 6 in standard mode (the page residents know). Elder mode's large tiles: as
        many as fit. A portrait display gives standard mode more than its 6 too (walk finding 16:
        700 px empty under 6 tiles at 1080x1920). Walk 3 findings 2 and 19: 6 English tiles on a
        1366x768 display had their second row cut mid-sentence, under a scroll bar and the pages."""
        set_size = getattr(self.session, "set_page_size", None)
        services = getattr(self.session, "available_services", lambda: ())()
        if set_size is None:
            return
        language = self._view.language if self._view is not None else "zh"
        # out of paper, a print-out's tile has one badge more (walk 5 review, L2)
        paper_out = self._view is not None and self._view.paper_out
        self._paged_for = (self.size(), language, tuple(services), paper_out)
        size = (self.width(), self.height())
        laid_out = (dict(self.paper_room), dict(self.service_columns))
        for mode in (Mode.STANDARD, Mode.ELDER):
            theme = theme_for(mode, size)
            room = self.screen_room(theme)
            columns, fit = page_of_tiles(theme, self.words, language, list(services), size, room, paper_out)
            self.paper_room[theme.mode] = 0
            if paper_out:
                # the room the paper banner takes under the tiles (paper_banner_px), where a page
                # still holds a whole row of two tiles or more (its columns may change: a shorter
                # page can take one more across); one tile a page over seven pages is worse than
                # the banner over a row
                banner = self.paper_banner_px(theme, language)
                kept = page_of_tiles(theme, self.words, language, list(services), size, room - banner, paper_out)
                if kept[1] >= max(kept[0], 2):
                    columns, fit = kept
                    self.paper_room[theme.mode] = banner
            if mode is Mode.STANDARD and size[0] >= size[1]:
                fit = min(fit, theme.items_per_page)
            self.service_columns[theme.mode] = columns
            set_size(theme.mode, fit)
        shown = self._view
        if shown is not None and shown.step is Step.CHOOSE and laid_out != (self.paper_room, self.service_columns):
            # the room under the tiles or their columns changed, their number a page maybe not (a
            # page of three elder tiles kept three with the paper banner's room taken): again
            self._last_screen_part = None
            self.show_view(self.session.view)

    def _page_for_catalogue(self, view: SessionView) -> None:
        """The list of services shows: its pages were sized for these services, in this language,
        on this display (the catalogue changes with the hub's updates)."""
        services = getattr(self.session, "available_services", None)
        if view.step is Step.CHOOSE and services is not None:
            if self._paged_for != (self.size(), view.language, tuple(services()), view.paper_out):
                QTimer.singleShot(0, self, self._size_elder_pages)  # after this render: it re-renders

    def _relayout_soon(self) -> None:
        """The screen and the bars were laid out for another size (the first screen is rendered
        before the window is shown full screen; a display turned to portrait): again for this one,
        once the resizing is over. Found walking portrait: the first welcome screen kept its
        landscape layout (side by side, a list box stretched 1100 px) until something rebuilt it."""
        if self._view is not None and self.size() != self._laid_out_for:
            QTimer.singleShot(0, self, self._relayout)

    def _relayout(self) -> None:
        if self._view is not None and self.size() != self._laid_out_for:
            self.show_view(self._view)

    def screen_room(self, theme: Theme) -> int:
        """The height a screen has between the bars on this display, from the theme's sizes (a
        screen measures while the bars still hold the last theme's buttons): a row of buttons per
        bar; on a portrait display at most a line of the name over the top one's buttons and two
        rows in the bottom one (either keeps one row when its buttons fit across)."""
        button_px = theme.target_px + 2 * (theme.border_px + 1)
        top, bottom = button_px + 8, button_px + 8 + theme.border_px
        if self.width() < self.height():
            top += line_px(theme.small_px) + theme.spacing_px
            bottom += button_px + theme.spacing_px
        return self.height() - top - bottom - 2 * 6

    def _display(self) -> tuple[int, int]:
        """The display the window fills (its own size: full screen on the terminal, the demo window)."""
        return (self.width(), self.height())

    def current_screen(self) -> Screen | None:
        current = self.stack.currentWidget()
        return current if isinstance(current, Screen) else None

    def _render_bars(self, view: SessionView) -> None:
        clear_layout(self._top_row)
        elder = view.mode is Mode.ELDER and not view.technician_card  # the technician: standard bars
        portrait = self.width() < self.height()
        theme = self.theme
        # the name and, under it, the status line (card holder, offline): always two lines, so the
        # bar keeps its height when the card goes in or the network goes away
        names = QVBoxLayout()
        names.setSpacing(0)
        screen = self.current_screen()
        heading = screen.bar_heading if screen is not None and screen.step is view.step else None
        if heading is None:
            names.addWidget(label(self.t("app.name"), "bar_text", name="app_name", wrap=False))
        else:
            # an editor on a short display: which field is being typed says more than our name
            name, where = heading
            line = QHBoxLayout()
            line.setSpacing(theme.spacing_px)
            line.addWidget(label(name, "tile_title", name="title", wrap=False))
            line.addWidget(label(where, "bar_text", name="field_where", wrap=False))
            line.addStretch(1)
            names.addLayout(line)
        status = QHBoxLayout()  # filled once the buttons say how much room it has
        status.setSpacing(theme.spacing_px // 2)
        names.addLayout(status)
        self._top_row.addLayout(names, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(_TOGGLE_GAP_PX)
        if elder and self.speaker.available and self.speech_on:
            # speech that fails says so where it is asked for, in a word; nothing waits for it
            failing = self.speaker.failing
            key = "bar.repeat.failing" if failing else "bar.repeat"
            buttons.addWidget(
                button(self.t(key), self._repeat_speech, name="bar.repeat", enabled=not failing)
            )
        other = "en" if view.language == "zh" else "zh"
        switch = button(
            self.t("lang.other"),
            lambda: self.session.set_language(other),
            name="bar.language",
            accessible=self.t("lang.other.a11y"),
        )
        buttons.addWidget(switch)
        # the technician's panel keeps only the language: elder mode and calling staff are the
        # resident's (found walking: help there did nothing, the staff member is already here)
        if not view.technician_card:
            mode_key = "bar.elder_off" if elder else "bar.elder_on"
            buttons.addWidget(
                button(
                    self.t(mode_key),
                    lambda: self.session.set_mode(Mode.STANDARD if elder else Mode.ELDER),
                    name="bar.mode",
                    accessible=self.t(mode_key + ".a11y"),
                )
            )
            buttons.addWidget(
                button(self.t("bar.help"), self.session.call_staff, name="bar.help", role="help")
            )
        # the buttons beside the name (it gives way when they need its room), in every orientation;
        # their own row under it only when even without the name they would not fit across (found
        # walking portrait: a row of its own for three short buttons on a 1080 px wide screen)
        self._top_row.setDirection(QHBoxLayout.Direction.LeftToRight)
        self._top_row.addLayout(buttons)  # first: the row's spacing is the bar's once it is in
        self._keep_toggles_in_place(buttons)  # in the bar: polished with its style sheet
        # the status line is sized for the most it shows (a card holder and the offline sign), so
        # whether the card is in or the network there decides neither the bar's rows nor its height
        full, _compact, height = self._status_sizes(theme)
        room = self._room_across(self._top) - _row_width(buttons) - max(0, self._top_row.spacing())
        short = False
        if portrait and full > room:
            # a line of the name with the status beside it, under the buttons: they keep the top
            # row, where they stand when all fits across (the toggles stay under the finger)
            self._top_row.setDirection(QHBoxLayout.Direction.BottomToTop)
            names.setDirection(QHBoxLayout.Direction.LeftToRight)
            names.setSpacing(theme.spacing_px * 2)
            repeat = next((w for w in _widgets(buttons) if w.objectName() == "bar.repeat"), None)
            if repeat is not None and _row_width(buttons) > self._room_across(self._top):
                # the toggles keep their row and their places; "hear it again" goes beside the name
                buttons.removeWidget(repeat)
                names.addWidget(repeat)
            buttons.insertStretch(0, 1)
        else:
            # the offline sign as its pictogram only; never for the seniors, who are to read the
            # word (final review 5: a crossed-out wifi at 1280x800): the card holder then takes
            # the name's line, or gives way to the sign under a field's name folded into the bar
            short = full > room and not elder
            self._name_gives_way(names, buttons)
        stacked = full > room and elder and not portrait
        if view.identity is not None and not (stacked and heading is not None and view.online is False):
            holder = label(self.t("bar.card", name=view.identity.name), "bar_text", name="card_holder", wrap=False)
            if stacked and heading is None and view.online is False:
                # the offline sign takes the status line: the holder the name's (online, the name
                # stays over the holder: walk 6, L12, "Card: 张*" alone named no terminal)
                names.itemAt(0).widget().hide()  # the terminal's name
                names.insertWidget(0, holder)
            else:
                status.addWidget(holder)
        if view.online is False and view.step is not Step.OUT_OF_SERVICE:
            status.addWidget(self._offline_sign(theme, short=short))
        if status.count() == 0:
            status.addWidget(label(" ", "bar_text", name="status_blank", wrap=False))
        if heading is None:  # a field's name folded in on a short display: its keys have the height
            status.addSpacerItem(QSpacerItem(0, height, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed))
        status.addStretch(1)

        for part in (self._nav_left, self._nav_middle, self._nav_right):
            clear_layout(part)
        no_nav = view.technician_card or view.step in (Step.ATTRACT, Step.SUBMITTING, Step.OUT_OF_SERVICE)
        # an open editor: going back and the ticket stay, leaving waits until the value is kept
        focused = screen is not None and screen.step is view.step and screen.nav_hidden
        # the ticket is the page: no second ticket offered on it
        on_ticket = (
            view.step is Step.RESULT and view.outcome is not None and view.outcome.kind is ServiceKind.TICKET
        )
        way_back = screen.way_back if screen is not None and screen.step is view.step else None
        if not no_nav and way_back is not None:
            # the screen's own way back (an open editor's, to its list, keeping nothing typed): the
            # one "back" there, where going back always is (walk 5, L12)
            words, action, name = way_back
            self._nav_left.addWidget(button(words, action, name=name, enabled=not view.busy))
        elif not no_nav and view.step in BACK_STEPS and not view.paused:
            # (paused by a technician, the ticket's page has 完成 alone: it ends back there)
            # a finished outcome has no step to go back to: going back says where it goes, the list
            # of services, for another one (final review, finding 11: "返回上一步" read as back to
            # the receipt; walk 5, L11: the same on a certificate issued, into a finished form)
            back_key = "nav.back_to_services" if view.step is Step.RESULT else "nav.back"
            if view.step is Step.RESULT and view.parked_form:
                back_key = "nav.back_to_form"  # a ticket's page goes back to the form it was taken from
            self._nav_left.addWidget(
                button(self.t(back_key), self.session.back, name="nav.back", enabled=not view.busy)
            )
        way_out = screen.way_out if screen is not None and screen.step is view.step else None
        if not no_nav and way_out is not None:
            # the screen's own way out (leaving without rating): beside going back, where leaving is
            words, action, name = way_out
            self._nav_left.addWidget(button(words, action, name=name, enabled=not view.busy))
        # on IDENTIFY going back already ends the session (or returns to the services): no second way
        if (
            not (no_nav or focused)
            and view.step in BACK_STEPS
            and view.step not in (Step.RESULT, Step.IDENTIFY)
        ):
            # leaving ends the session: far from the main action, beside going back
            self._nav_left.addWidget(
                button(
                    self.t("nav.cancel"),
                    self.session.cancel,
                    name="nav.cancel",
                    enabled=not view.busy or view.overdue,  # past the deadline the resident may give up
                )
            )
        if (elder and not no_nav or elder and view.step is Step.ATTRACT) and not on_ticket:
            self._nav_middle.addWidget(
                button(
                    self.t("bar.ticket"),
                    self.session.take_ticket,
                    name="bar.ticket",
                    role="help",
                    enabled=not view.busy,
                )
            )
        self._nav_left.addStretch(1)  # the buttons at the left of their slot, at their own widths
        ticket = any(w.objectName() == "bar.ticket" for w in _widgets(self._nav_middle))
        self._left_slot.setMinimumWidth(self._left_slot_px(theme, view.language) if ticket else 0)
        owns_done = screen is not None and screen.step is view.step and screen.owns_done
        if not view.technician_card and view.step in (Step.RECEIPT, Step.RESULT) and not owns_done:
            self._nav_right.addWidget(
                button(
                    self.t("nav.done"),
                    self.session.done,
                    name="nav.done",
                    role="primary",
                    enabled=not view.busy,
                )
            )
        # one row, leaving far from the main action (a quarter of the width between them at least);
        # on a portrait display two rows, going back over the screen's actions, only when the
        # buttons do not fit across so (the seniors' words): the main action stays bottom right
        self._bottom_gaps(theme.spacing_px)
        one_row = not portrait or self._bottom_fits_one_row()
        if not one_row:
            # the seniors' words on a portrait display missed one row by a few pixels, and the main
            # action stood alone on a second row at the very bottom (final finding 15, the review):
            # the top bar's gap between buttons first, two rows only when even that is too wide
            self._bottom_gaps(_TOGGLE_GAP_PX)
            one_row = self._bottom_fits_one_row()
            if not one_row:
                self._bottom_gaps(theme.spacing_px)
        self._bottom.setDirection(
            QHBoxLayout.Direction.LeftToRight if one_row else QHBoxLayout.Direction.TopToBottom
        )
        # the bar stays even when empty (submitting): a button's height, its margins and its border
        button_px = theme.target_px + 2 * (theme.border_px + 1)
        self.bottom_bar.setMinimumHeight(button_px + 8 + theme.border_px)

    def _bottom_gaps(self, px: int) -> None:
        """The gaps between the bottom bar's buttons and its groups (the screen's own actions too);
        not the one before the ticket, whose place is the left slot's width and the theme's gap."""
        rows = (self._bottom, self._bottom_main, self._nav_left, self._nav_middle)
        for row in (*rows, self._screen_actions, self._nav_right):
            row.setSpacing(px)
        if self._shown_actions is not None and self._shown_actions.layout() is not None:
            self._shown_actions.layout().setSpacing(px)

    def _keep_toggles_in_place(self, row: QHBoxLayout) -> None:
        """The language, mode and help buttons as wide in every mode and language as the widest
        they ever are, at the bar's right end: a toggle keeps its place across its own switch, so
        a second tap on the same spot undoes the first (walk 3 findings 10 and 18: 长辈模式's spot
        became the gap beside 标准模式, "English"'s spot became "Elder mode")."""
        if self._toggles_measured_at != self.theme.scale:  # measured at this display's sizes
            self._toggle_widths = self._measure_toggles()
            self._toggles_measured_at = self.theme.scale
        for widget in _widgets(row):
            width = self._toggle_widths.get(widget.objectName())
            if width is not None:
                widget.ensurePolished()  # first: the style sheet's min-width is set on polishing
                widget.setFixedWidth(width)

    def _measure_toggles(self) -> dict[str, int]:
        """The widest each toggle is: its words in both languages, each mode's in that mode's look."""
        widths: dict[str, int] = {}
        for theme in (theme_for(Mode.STANDARD, self._display()), theme_for(Mode.ELDER, self._display())):
            elder = theme.mode is Mode.ELDER
            probe = QWidget()
            probe.setStyleSheet(stylesheet(theme))
            for language in ("zh", "en"):
                mode_key = "bar.elder_off" if elder else "bar.elder_on"
                text = self.words.text
                # the object names as the bar's own buttons have them (names, not words keys)
                probes = (
                    button(text(language, "lang.other", elder=elder), None, name="bar.language"),
                    button(text(language, mode_key, elder=elder), None, name="bar.mode"),
                    button(
                        text(language, "bar.help", elder=elder), None, name="bar.help", role="help"
                    ),
                )
                for probe_button in probes:
                    probe_button.setParent(probe)
                    probe_button.ensurePolished()
                    name = probe_button.objectName()
                    widths[name] = max(widths.get(name, 0), probe_button.sizeHint().width())
            probe.deleteLater()
        return widths

    def room_for_actions(self, theme: Theme, language: str) -> int:
        """The width the bottom bar leaves a screen's actions in one row: the bar's, less the left
        slot and the ticket where the ticket shows (elder mode). The welcome's large start button
        takes no more (at 1280x800 it squeezed the ticket to 140 px of its 196)."""
        room = self._room_across(self._bottom)
        if theme.mode is not Mode.ELDER:
            return room
        probe = QWidget()
        probe.setStyleSheet(stylesheet(theme))
        ticket = button(self.words.text(language, "bar.ticket", elder=True), None, name="bar.ticket", role="help")
        ticket.setParent(probe)
        ticket.ensurePolished()
        ticket_px = max(ticket.sizeHint().width(), ticket.minimumWidth())
        probe.deleteLater()
        return room - self._left_slot_px(theme, language) - ticket_px - 2 * theme.spacing_px

    def _left_slot_px(self, theme: Theme, language: str) -> int:
        """The widest the bottom bar's left group is in this theme and language: going back and
        leaving, going back to the services alone, or a screen's own way back alone (way_back_keys),
        each button as the bar draws it, with the theme's gap between them."""
        key = (theme.mode, theme.scale, language)
        if key not in self._left_slots:
            elder = theme.mode is Mode.ELDER
            groups: list[tuple[str, ...]] = [
                ("nav.back", "nav.cancel"),
                ("nav.back_to_services",),
                ("nav.back_to_form",),
            ]
            groups += [(k,) for screen in SCREEN_CLASSES.values() for k in screen.way_back_keys]
            # a way out beside going back to the services (ways out are the outcome screens')
            groups += [("nav.back_to_services", k) for screen in SCREEN_CLASSES.values() for k in screen.way_out_keys]
            probe = QWidget()
            probe.setStyleSheet(stylesheet(theme))
            widest = 0
            for group in groups:
                widths = []
                for words_key in group:
                    probe_button = button(self.words.text(language, words_key, elder=elder), None, name=words_key)
                    probe_button.setParent(probe)
                    probe_button.ensurePolished()
                    widths.append(max(probe_button.sizeHint().width(), probe_button.minimumWidth()))
                widest = max(widest, sum(widths) + theme.spacing_px * (len(widths) - 1))
            probe.deleteLater()
            self._left_slots[key] = widest
        return self._left_slots[key]

    def _status_sizes(self, theme: Theme) -> tuple[int, int, int]:
        """The status line at its most (a card holder's masked four-character name and the offline
        sign): its width with the sign's word, its width with the sign's pictogram only, and its
        height. Measured on widgets as the bar shows them, once per theme and language."""
        key = (theme.mode, theme.scale, self._view.language if self._view else "")
        if key not in self._status_measured:
            holder = label(self.t("bar.card", name="欧**娜"), "bar_text", wrap=False)
            sizes = []
            for part in (holder, self._offline_sign(theme), self._offline_sign(theme, short=True)):
                part.setParent(self.top_bar)  # the bar's style sheet roles apply
                part.ensurePolished()
                sizes.append(part.sizeHint())
                part.setParent(None)
                part.deleteLater()
            gap = theme.spacing_px // 2
            self._status_measured[key] = (
                sizes[0].width() + gap + sizes[1].width(),
                sizes[0].width() + gap + sizes[2].width(),
                max(size.height() for size in sizes),
            )
        return self._status_measured[key]

    def _room_across(self, bar: QVBoxLayout) -> int:
        margins = bar.contentsMargins()
        return self.width() - margins.left() - margins.right()

    def _bottom_fits_one_row(self) -> bool:
        """All the bottom bar's buttons fit across in one row, with leaving (when shown) more than a
        quarter of the width away from the main action (the one at the right end)."""
        parts = [self._nav_left, self._nav_middle, self._nav_right]
        rows = [part for part in parts if _widgets(part)]
        actions = self._shown_actions
        if actions is not None and actions.isVisibleTo(self):
            actions.ensurePolished()
            rows.insert(2 if self._nav_right.count() else len(rows), actions.layout())
        gap = self._bottom_main.spacing()
        needed = sum(_row_width(row) for row in rows) + gap * max(0, len(rows) - 1)
        slot = self._left_slot.minimumWidth()
        if slot:  # the ticket's place: the left group's widest, the theme's gap after it
            needed += slot - (_row_width(self._nav_left) if _widgets(self._nav_left) else -gap)
            needed += self._bottom_row.spacing() - gap
        room = self._room_across(self._bottom)
        if needed + gap > room:
            return False
        cancel = next((w for w in _widgets(self._nav_left) if w.objectName() == "nav.cancel"), None)
        if cancel is None or not rows:
            return True
        main = _widgets(rows[-1])[-1:]
        main_px = main[0].sizeHint().width() if main else 0
        return room - _row_width(self._nav_left) - main_px - gap > self.width() // 4

    def _name_gives_way(self, names: QVBoxLayout, row: QHBoxLayout) -> None:
        """The bar's buttons are what a resident needs: when they and the terminal's name do not fit
        side by side (English elder words with "hear it again" at 1366 px), the name goes, and the
        status line under it (the card holder, offline) stays. A field's name folded into the bar
        keeps its place: first its "item 3 of 6" goes, then it takes the status line's smaller type."""
        needed = 0
        for i in range(row.count()):
            w = row.itemAt(i).widget()
            if w is not None:
                w.ensurePolished()
                needed += max(w.sizeHint().width(), w.minimumWidth()) + row.spacing()
        margins = self._top.contentsMargins()
        room = self.width() - needed - margins.left() - margins.right()
        found = [names.itemAt(i).widget() for i in range(names.count())]
        app_name = next((w for w in found if w is not None and w.objectName() == "app_name"), None)
        if app_name is not None:
            app_name.ensurePolished()
            if app_name.sizeHint().width() > room:
                # the short name before none: with the English elder buttons the full one went, and
                # the welcome said no terminal's name at all (walk 6, L12)
                app_name.setText(self.t("app.name.short"))
                if app_name.sizeHint().width() > room:
                    app_name.hide()
            return
        line = names.itemAt(0).layout() if names.count() else None
        if line is None:
            return
        parts = {
            w.objectName(): w for w in (line.itemAt(i).widget() for i in range(line.count())) if w is not None
        }
        title, where = parts.get("title"), parts.get("field_where")
        if title is None or where is None:
            return
        for w in (title, where):
            w.ensurePolished()
        if title.sizeHint().width() + line.spacing() + where.sizeHint().width() <= room:
            return
        where.hide()
        if title.sizeHint().width() <= room:
            return
        title.setProperty("role", "bar_text")
        title.style().unpolish(title)
        title.style().polish(title)
        if title.sizeHint().width() > room:
            title.setWordWrap(True)  # never cut: a long name takes two lines of the small type

    def _offline_sign(self, theme: Theme, *, short: bool = False) -> QWidget:
        """ "Offline" as a small sign in the top bar's status line: a pictogram and a short word
        (`short`: the pictogram only, where the bar's buttons leave no room for the word)."""
        sign, box = panel("warning", "offline_badge")
        box.setContentsMargins(theme.spacing_px // 2, 0, theme.spacing_px // 2, 0)
        row = QHBoxLayout()
        row.setSpacing(theme.spacing_px // 2)
        px = theme.small_px
        row.addWidget(icon_label("offline", theme.palette.on_warning, px, self.t("bar.offline")))
        if not short:
            row.addWidget(label(self.t("bar.offline.short"), "bar_text", name="offline_text", wrap=False))
        box.addLayout(row)
        sign.setAccessibleName(self.t("bar.offline"))
        sign.setToolTip(self.t("bar.offline"))
        return sign

    def _render_banners(self, view: SessionView) -> None:
        clear_layout(self._banners)
        clear_layout(self._warning_box)
        if view.warning is not None:
            frame, box = panel("warning", "inactivity_warning")
            box.setContentsMargins(self.theme.spacing_px, 2, 2, 2)
            # one row, the words beside the button: about as tall as the bottom bar it lies over
            row = QHBoxLayout() if self.width() >= self.height() else QVBoxLayout()
            row.setSpacing(self.theme.spacing_px)
            # stars picked and not sent go with the session: the warning says so while there is time
            unsent = view.outcome is not None and view.outcome.chosen_stars is not None
            key = "warning.text.unsent_rating" if unsent and view.step is Step.RESULT else "warning.text"
            # elder mode: large and bold, as the rest of its words, not body text an elder reader
            # missed over the keys until the form was wiped (walk 12, High)
            role = "tile_title" if view.mode is Mode.ELDER else ""
            row.addWidget(label(self.t(key, seconds=view.warning.seconds_left), role, name="warning_text"), 1)
            row.addWidget(
                button(self.t("warning.extend"), self.session.extend, name="warning.extend", role="primary")
            )
            box.addLayout(row)
            self._warning_box.addWidget(frame)
        screen = self.current_screen()
        shown_by_screen = screen is not None and screen.step is view.step and screen.owns_staff_called(view)
        if view.staff_called and not view.technician_card and not shown_by_screen:
            frame, box = panel("ok", "staff_called")
            # out of service there is no ticket to take here: the staffed window is the way
            oos = view.step is Step.OUT_OF_SERVICE
            key = "bar.staff_called.oos" if oos else "bar.staff_called"
            # words and the ticket side by side where the width allows: the lower the banner, the
            # more often it fits in the room the content leaves (ui/banner_room.py)
            row = QHBoxLayout() if self.width() >= self.height() else QVBoxLayout()
            row.setSpacing(self.theme.spacing_px)
            row.addWidget(label(self.t(key), name="staff_called_text"), 1)
            # elder mode's bottom bar has the ticket already: a second one only makes the banner tall
            in_bar = any(w.objectName() == "bar.ticket" for w in _widgets(self._nav_middle))
            if view.step not in (Step.SUBMITTING, Step.OUT_OF_SERVICE) and not in_bar:
                row.addWidget(button(self.t("way.ticket"), self.session.take_ticket, name="staff.ticket"))
            box.addLayout(row)
            self._banners.addWidget(frame)
        owns_error = screen is not None and screen.step is view.step and screen.owns_error(view)
        if view.error is not None and not owns_error:
            self._banners.addWidget(self._error_panel(view.error, view.language, self.t, view.busy))
        if view.overdue:
            # the wait passed its deadline: say so and offer the staffed window (the wait goes on)
            frame, box = panel("warning", "overdue")
            submitting = view.step is Step.SUBMITTING
            box.addWidget(
                label(self.t("busy.overdue.submit" if submitting else "busy.overdue"), name="overdue_text")
            )
            ways = QHBoxLayout()
            if not submitting:
                ways.addWidget(button(self.t("way.ticket"), self.session.take_ticket, name="overdue.ticket"))
            ways.addWidget(
                button(self.t("way.call_staff"), self.session.call_staff, name="overdue.call_staff")
            )
            ways.addStretch(1)
            box.addLayout(ways)
            self._banners.addWidget(frame)
        if view.busy and view.step is not Step.SUBMITTING:
            frame, box = panel("card", "busy")
            box.addWidget(label(self.t("busy")))
            bar = QProgressBar()
            bar.setRange(0, 0)
            bar.setAccessibleName(self.t("busy"))
            box.addWidget(bar)
            self._banners.addWidget(frame)

    def _error_panel(
        self,
        error: ErrorView,
        language: str,
        t: Callable[..., str],
        busy: bool = False,
        *,
        ways_in_bars: bool | None = None,
    ) -> QWidget:
        """An error's banner: its words and its ways forward (`t`: the words of the mode shown).
        The print-out refused for paper in elder mode, where the bars hold its two ways (取号排队 at
        the bottom, 找工作人员 at the top): one line naming those buttons, no second pair of them
        (kiosk issue 9: the two-row banner lay over the one row of elder tiles on a landscape
        display, and one row of words leaves that row its room). `ways_in_bars`: as the bars are now
        (None) or as they will be on the list (the measure before it is shown)."""
        frame, box = panel("error", "error_panel")
        if ways_in_bars is None:
            ways_in_bars = self._ways_in_bars()
        if error.message_key == RecordNeedsPaper.message_key and ways_in_bars:
            text = t("error.record_no_paper.bars", ticket=keep_whole(t("bar.ticket")), staff=keep_whole(t("bar.help")))
            box.addWidget(label(text, name="error_text"))
            return frame
        box.addWidget(
            label(self.words.text(language, error.message_key, fallback="error.generic"), name="error_text")
        )
        ways = QHBoxLayout()
        for way in error.ways_forward:
            tap = {
                WayForward.RETRY: self.session.retry,
                WayForward.TICKET: self.session.take_ticket,
                WayForward.CALL_STAFF: self.session.call_staff,
                WayForward.CONTINUE: self.session.dismiss_error,
            }[way]
            ways.addWidget(button(t(WAY_KEYS[way]), tap, name=f"way.{way.value}", enabled=not busy))
        ways.addStretch(1)
        box.addLayout(ways)
        return frame

    def paper_notice(self, language: str, t: Callable[..., str], elder: bool, *, refused: bool = False) -> QWidget:
        """What the list of services says in the room kept under its tiles while the printer has
        no paper: a standing notice naming what cannot be issued, with its ways (that room stood
        empty, the way forward a tap away on a tile: walk 10, M2); once a print-out is tapped, the
        refusal itself, red, in the same place — a banner laid over the list moved the ways 8 px
        under the finger and looked like nothing had happened (walk 12)."""
        frame = self._error_panel(ErrorView.of(RecordNeedsPaper("no paper")), language, t, ways_in_bars=elder)
        if elder:
            notice = t("choose.paper_notice.bars", ticket=keep_whole(t("bar.ticket")), staff=keep_whole(t("bar.help")))
        else:
            notice = t("choose.paper_notice")
        text = next(part for part in frame.findChildren(QLabel) if part.objectName() == "error_text")
        # the other one's words in the same place, hidden, keeping its room: the two as tall as the
        # taller, so the ways under them stay put when one turns into the other
        other = label(text.text() if not refused else notice, name="paper_text_room")
        keep = other.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        other.setSizePolicy(keep)
        other.hide()
        box = frame.layout()
        at = box.indexOf(text)
        box.removeWidget(text)
        both = QGridLayout()
        both.setContentsMargins(0, 0, 0, 0)
        both.addWidget(text, 0, 0)
        both.addWidget(other, 0, 0)
        box.insertLayout(at, both)
        if refused:
            return frame  # the error's own names: the ways the banner had
        frame.setObjectName("paper_notice")
        frame.setProperty("role", "warning")
        text.setObjectName("paper_notice_text")
        text.setText(notice)
        for part in frame.findChildren(QWidget):
            if part.objectName().startswith("way."):
                part.setObjectName("paper_notice." + part.objectName().removeprefix("way."))
        return frame

    def _ways_in_bars(self) -> bool:
        """The bars show the ticket (elder mode's bottom bar; the resident's bars, which always have
        call staff at the top)."""
        return any(w.objectName() == "bar.ticket" for w in _widgets(self._nav_middle))

    def paper_banner_px(self, theme: Theme, language: str) -> int:
        """How tall the banner is that sends a print-out to the staffed window when the printer has
        no paper, with the gap over it: the list of services keeps that room under its tiles while
        the paper is out, so the banner a tap brings covers no tile (walk finding N4: it lay over the
        second row at 1280x800) and nothing moves under the finger."""
        key = (theme.mode, theme.scale, language, self.width())
        if key not in self._paper_banners:
            elder = theme.mode is Mode.ELDER

            def t(words_key: str, **values: object) -> str:
                return self.words.text(language, words_key, elder=elder, **values)

            probe = QWidget()
            probe.setStyleSheet(stylesheet(theme))
            layer = QVBoxLayout(probe)
            margin = theme.spacing_px
            layer.setContentsMargins(margin, margin // 2, margin, margin // 2)  # as the banner layer's
            # the notice and the refusal take the same room in turn: the taller of the two (elder
            # mode's list has the ticket and call staff in its bars)
            needed = 0
            for refused in (False, True):
                layer.addWidget(self.paper_notice(language, t, elder, refused=refused))
                probe.ensurePolished()
                for child in probe.findChildren(QWidget):
                    child.ensurePolished()
                # its words wrapped to the window's width (the size hint wraps them at a guess: 272
                # px measured for a banner 204 px tall)
                one = layer.totalHeightForWidth(self.width())
                needed = max(needed, one if one > 0 else layer.totalSizeHint().height())
                clear_layout(layer)
            self._paper_banners[key] = needed + theme.spacing_px
            probe.deleteLater()
        return self._paper_banners[key]

    # --- speech ---------------------------------------------------------------------------------------

    def _speech_active(self, view: SessionView) -> bool:
        return self.speech_on and self.speaker.available and theme_for(view.mode).speak_by_default

    def _maybe_speak(self, previous: SessionView | None, view: SessionView) -> None:
        key = (view.step, view.mode, view.language, view.error, view.warning is not None, view.outcome)
        if key == self._spoken_for:
            return
        self._spoken_for = key
        if not self._speech_active(view):
            return
        self.speaker.say(self.guidance(view), view.language)

    def guidance(self, view: SessionView) -> str:
        """What is said for this view: the warning, else the error, else the screen's own guidance."""
        if view.warning is not None:
            return self.t("speak.warning")
        parts = []
        if view.error is not None:
            parts.append(self.words.text(view.language, view.error.message_key, fallback="error.generic"))
            parts.extend(self.t(WAY_KEYS[w]) for w in view.error.ways_forward)
        screen = self.current_screen()
        if screen is not None and screen.view is not None:
            parts.append(screen.spoken(view))
        return "。".join(p for p in parts if p)

    def _shown(self) -> tuple[int, Any, frozenset[str]]:
        """What the finger sees: the screen on show, the field whose editor it has open (the OK
        of one field opens the next one's editor in the same screen: walk 6, M1) and the bottom
        bar's main actions (a rating sent puts 完成 where 提交评价 was: walk 9, F11)."""
        current = self.stack.currentWidget()
        # the buttons the bars were just built with are shown by a queued call: not yet visible,
        # but not hidden on purpose either (isVisibleTo said every re-render changed 完成)
        main = frozenset(
            b.objectName()
            for b in self.bottom_bar.findChildren(QPushButton)
            if b.property("role") == "primary"
            and not (b.isHidden() and b.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide))
        )
        return id(current), getattr(current, "editing", None), main

    def _screen_changed(self, screen: Screen) -> None:
        """A screen re-rendered itself (an editor opened or closed): its bar, then its guidance."""
        # the list gave way to an editor (or back): to the finger that is another screen, and the
        # second press of a fast double tap on a row must not tap the key or choice now under it
        self.double_tap.screen_changed()
        if self._view is not None and screen is self.current_screen():
            self._render_bars(self._view)
        self._speak_screen(screen)

    def _speak_screen(self, screen: Screen) -> None:
        if self._view is not None and self._speech_active(self._view):
            self.speaker.say(screen.spoken(self._view), self._view.language)

    def _speech_failing_changed(self, _failing: bool) -> None:
        if self._view is not None:
            self._render_bars(self._view)

    def _repeat_speech(self) -> None:
        if self._view is not None:
            self.speaker.say(self.guidance(self._view), self._view.language)

    # --- the card -------------------------------------------------------------------------------------

    def _card_inserted(self, _reader: str) -> None:
        if self._reader is None or self._executor is None:
            return
        self.reading_card = True
        self._refresh_identify()
        reader = self._reader
        self._executor.submit(reader.read_identity, self._card_read)

    def _card_read(self, result: Identity | BaseException) -> None:
        self.reading_card = False
        if isinstance(result, Identity | CardError):
            self.session.card_inserted(result)
        else:
            log.error("card read failed unexpectedly: %s", type(result).__name__)
            self.session.card_inserted(CardUnreadable(type(result).__name__))
        self._refresh_identify()

    def _refresh_identify(self) -> None:
        if self._view is not None and self._view.step is Step.IDENTIFY:
            self._last_screen_part = None
            self.show_view(self._view)

    # --- no way out -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # no way out to the desktop
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close:
            self.timer.stop()
            self.speaker.stop()
            event.accept()
        else:
            event.ignore()  # Alt+F4 and the window manager's close: only maintenance may quit

    def quit_from_maintenance(self) -> None:
        self._allow_close = True
        self.close()
        if self._on_quit is not None:
            self._on_quit()

    def allow_close(self) -> None:
        """For the program's own shutdown (and tests)."""
        self._allow_close = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # The taps are looked at on this window's QWindow, where the display's presses and touches
        # arrive before Qt hands them to the widget under the finger. Installed on the application,
        # the filter was handed every Qt event of the program (each paint, layout request and timer,
        # all day), each wrapped for Python: 27 % of the UI thread in the soak. Installed again at each
        # show: a window whose native window was made anew (new flags) has a new QWindow; installing
        # twice on the same one keeps one filter.
        handle = self.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)

    def _second_press_of_a_tap(self, event: QEvent) -> bool:
        points = event.points()  # a mouse press or a touch's begin: both are pointer events
        if not points:
            return False
        where = points[0].position()
        return self.double_tap.pressed(where.x(), where.y())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # only this window's QWindow is watched (showEvent): every press here is on this window
        kind = event.type()
        if kind in _PRESSES:
            if self._swallowing:
                event.accept()  # the mouse press Qt makes of a swallowed touch: part of that tap
                return True
            if self._view is not None and self._view.warning is not None:
                # the inactivity warning lies over the screen: the tap that dismisses it is for the
                # warning only. Swallowed here, before Qt looks for the widget under the finger (the
                # warning is gone by then, and the control under it would take the press), together
                # with the rest of the gesture up to its release.
                self._swallowing = True
                event.accept()  # taken: Qt makes no mouse press of a touch accepted here
                self.session.extend()
                return True
            if kind is not QEvent.Type.MouseButtonDblClick and self._second_press_of_a_tap(event):
                # the same finger again on the screen its first press brought: that press and the
                # rest of its gesture (and the double click Qt makes of it) are dropped
                self._swallowing = True
                event.accept()
                return True
            screen = self.current_screen()
            if screen is not None:
                screen.pressed()
            self.session.touch()
            return False
        if self._swallowing and kind in _GESTURE_REST:
            if kind in _GESTURE_ENDS:
                self._swallowing = False
            event.accept()
            return True
        return False

