"""What every screen shares: it renders a SessionView with a theme and forwards taps to the session.

A screen decides nothing: which step comes next, what is valid and what is masked are the
session's business. A screen may keep only presentation state (which field's editor is open).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.catalogue import ServiceKind
from kiosk.session_view import Mode, SessionView, Step
from safelog import log_unexpected
from ui.i18n import Words
from ui.pictures import SlotPicture
from ui.scroll_cue import ScrollCue
from ui.theme import Theme
from ui.widgets import button, clear_layout, label, step_indicator, touch_scroll_area

log = logging.getLogger(__name__)

# the steps of a flow as the resident sees them (选择 → 填写 → 确认 → 完成), by the session's step
STEP_KEYS = ("step.choose", "step.fill", "step.confirm", "step.done")
FLOW_STEPS = {Step.CHOOSE: 0, Step.FORM: 1, Step.REVIEW: 2, Step.RECEIPT: 3, Step.RESULT: 3}


def flow_step_keys(view: SessionView) -> tuple[str, ...]:
    """The steps the service in progress has: a ticket without a form is chosen and done (a ✓ on
    填写 and 确认 it never showed said steps were done that never were: walk finding 17); only a
    submission or a record is checked before it goes. Before a service is chosen: all four."""
    service = view.service
    if service is None or view.step is Step.CHOOSE:
        return STEP_KEYS
    keys = ["step.choose"]
    if service.has_form:
        keys.append("step.fill")
    if service.kind in (ServiceKind.SUBMIT, ServiceKind.RECORD):
        keys.append("step.confirm")
    keys.append("step.done")
    return tuple(keys)


def title_row(
    heading: QLabel,
    keys: tuple[str, ...],
    index: int,
    t: Callable[..., str],
    theme: Theme,
    size: tuple[int, int],
    parent: QWidget,
    titles: tuple[str, ...] = (),
) -> QVBoxLayout | QHBoxLayout:
    """A screen's title with the flow's steps (`keys`, step `index` current) beside it; under it
    on a narrow display, or where one of `titles` (the heading's own text and the flow's other
    pages' titles) would wrap beside it. `parent` (styled as the window is) sizes the parts. The
    screen builds its title and the list of services measures it with this one function (the
    measure used an older row, always beside: walk 5 review, L1)."""
    indicator = step_indicator([t(k) for k in keys], index, t("steps.a11y_of", n=index + 1, count=len(keys)))
    for part in (heading, indicator):
        part.setParent(parent)  # the window's style sheet sizes them
        part.ensurePolished()
    width, height = size
    row = width - 2 * theme.spacing_px - theme.scrollbar_px
    room = row - indicator.sizeHint().width() - theme.spacing_px
    metrics = heading.fontMetrics()
    fits = all(metrics.horizontalAdvance(text) <= room for text in (heading.text(), *titles) if text)
    stacked = width < height or not fits
    box = QVBoxLayout() if stacked else QHBoxLayout()
    box.setSpacing(theme.spacing_px if not stacked else theme.spacing_px // 3)
    box.addWidget(heading, 1)
    side = Qt.AlignmentFlag.AlignLeft if stacked else Qt.AlignmentFlag.AlignRight
    box.addWidget(indicator, 0, side | Qt.AlignmentFlag.AlignVCenter)
    return box


@dataclass
class ScreenContext:
    """What a screen is given: the session to forward taps to, the words, and an activity hook."""

    session: Any  # kiosk.session.Session: the inputs listed in its docstring
    words: Words
    touch: Callable[[], None]
    on_screen_changed: Callable[[Any], None] = lambda _screen: None  # a screen re-rendered itself (speech)


class Screen(QWidget):
    """Base of the screen kinds. Subclasses implement `build(view)`.

    A screen is its content (`root`, in the screen's one finger-draggable scroll area), over an
    optional `dock` that never scrolls (an open editor's keys: all in view, at the bottom, within
    reach), and its actions (`actions`), which the window shows in its bottom bar with the step's
    one main action last: on the display however tall the content grows, always in the same place,
    and no scroll area sits inside another."""

    step: ClassVar[Step]
    # the screen keeps a place of its own for "staff are coming" (the window lays no banner over it)
    shows_staff_called: ClassVar[bool] = False
    # the words keys of the ways back this screen may put in the bottom bar (`way_back`), each alone
    # (leaving is hidden while one shows: nav_hidden): the bar keeps room for the widest of them
    way_back_keys: ClassVar[tuple[str, ...]] = ()
    # the words keys of a way out this screen may put beside going back, in 退出办理's place (`way_out`)
    way_out_keys: ClassVar[tuple[str, ...]] = ()
    # a page taken in at a glance (the welcome, "put your card in"): it never scrolls, and a banner
    # over it takes its room from the picture, never from the words (the English elder instruction
    # was cut under a scroll bar, and under "staff have been called": final review 2, 3)
    one_page: ClassVar[bool] = False

    @classmethod
    def owns_staff_called(cls, view: SessionView) -> bool:
        """This screen shows "staff are coming" for `view` in a place of its own (no banner)."""
        return cls.shows_staff_called

    def owns_error(self, view: SessionView) -> bool:
        """This screen, as built for `view`, shows its error in a place of its own (no banner)."""
        return False

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"screen:{self.step.value}")
        self.view: SessionView | None = None
        self.theme: Theme | None = None
        self.failed = False  # the last render raised: the page shows the ways on instead (_fail)
        # (name, where) the top bar shows in place of the terminal's name: a text editor on a short
        # display folds its field's name there (ui/editor_fit.py); None: the terminal's name
        self.bar_heading: tuple[str, str] | None = None
        # (words, action, object name) of the bottom bar's way back in place of the flow's "back":
        # an open editor's way back to its list (walk 5, L12: 返回 beside 返回列表, and 返回 threw the
        # whole form away); None: the session's step back
        self.way_back: tuple[str, Callable[[], None], str] | None = None
        self.way_out: tuple[str, Callable[[], None], str] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.content = QWidget()
        self.content.setObjectName("screen_content")
        self.root = QVBoxLayout(self.content)
        self.root.setContentsMargins(0, 0, 0, 0)
        # a title kept over the scroll area (pin_title): a long list scrolled to one of its cases
        # still says what the page is (final review 9)
        self.header = QVBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.header)
        self.area: QScrollArea = touch_scroll_area(self.content, name="screen_area")
        # the dock (an editor's keys) has the room first; the content scrolls in what is left
        self.area.setMinimumHeight(1)
        outer.addWidget(self.area, 1)
        self.dock = QVBoxLayout()
        self.dock.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.dock)
        # the window takes this bar into its bottom bar; it stays here for a screen shown alone
        self.actions_bar = QWidget()
        self.actions_bar.setObjectName("screen_actions")
        self.actions = QHBoxLayout(self.actions_bar)
        self.actions.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.actions_bar)
        self._outer = outer
        self.cue: ScrollCue | None = None  # "more below", over the bottom of the area (more_below)
        self._picture: SlotPicture | None = None  # a one-page screen's picture, fitted to the room
        self._picture_built = 0  # ... its size as built
        self._lent = 0  # the height a banner has of the content's (lend_room)
        self.area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.area and event.type() == QEvent.Type.Resize:
            self._hide_a_sliver()
        return False

    def _hide_a_sliver(self) -> None:
        """Docked keys may leave the area over them a few pixels: less than a line is shown as
        nothing, not as the cut top of a hint and a scrollbar squashed to a stray bar under the top
        bar (final review, finding 8)."""
        sliver = self.dock.count() > 0 and self.area.height() < self.content.fontMetrics().height() * 3 // 2
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if sliver else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.area.setVerticalScrollBarPolicy(policy)
        self.content.setVisible(not sliver)

    def take_back_actions(self) -> None:
        """The window shows another screen's actions: this screen keeps its own, hidden."""
        self._outer.addWidget(self.actions_bar)
        self.actions_bar.hide()

    @property
    def nav_hidden(self) -> bool:
        """True while the screen's own actions are the way on (an open editor: keep or OK), so the
        window's bottom bar keeps only going back (no leaving, no ticket) and has room for them."""
        return False

    @property
    def owns_done(self) -> bool:
        """True while the screen's own actions end the bottom bar with its main action (send a
        rating), so the window adds no 完成 of its own after them."""
        return False

    @property
    def session(self) -> Any:
        return self.ctx.session

    @property
    def elder(self) -> bool:
        return self.view is not None and self.view.mode is Mode.ELDER

    def t(self, key: str, **values: object) -> str:
        assert self.view is not None
        return self.ctx.words.text(self.view.language, key, elder=self.elder, **values)

    def render(self, view: SessionView, theme: Theme) -> None:
        self.view, self.theme = view, theme
        self.failed = False
        self.setUpdatesEnabled(False)
        try:
            self._clear(theme)
            self.build(view)
        except Exception as exc:  # noqa: BLE001 - one screen's bug must not freeze the resident's page
            self._fail(theme, exc)
        finally:
            self.actions_bar.setVisible(self.actions.count() > 0)
            self._hide_a_sliver()  # again once laid out, by the area's resize
            self.setUpdatesEnabled(True)
        if self.failed:
            return
        try:
            self.after_render()
        except Exception as exc:  # noqa: BLE001
            self.setUpdatesEnabled(False)
            try:
                self._fail(theme, exc)
            finally:
                self.actions_bar.setVisible(self.actions.count() > 0)
                self.setUpdatesEnabled(True)

    def _clear(self, theme: Theme) -> None:
        clear_layout(self.root)
        clear_layout(self.header)
        clear_layout(self.dock)
        clear_layout(self.actions)
        self.bar_heading = None
        self.way_back = None
        self.way_out = None
        if self.cue is not None:  # the cue belongs to the page it was built for
            self.cue.deleteLater()
            self.cue = None
        self._picture, self._lent = None, 0
        self.root.setSpacing(theme.spacing_px)
        self.dock.setSpacing(theme.spacing_px // 2)
        self.actions.setSpacing(theme.spacing_px)
        self._outer.setSpacing(4)  # the dock (keys) needs the height on a 1280x800 screen

    def _fail(self, theme: Theme, exc: BaseException) -> None:
        """The page could not be built (a bug, a catalogue it did not expect): log the type and
        frames only, and show in its place what the resident can do (leaving stays in the bottom
        bar). The session, and what was typed in it, are untouched; the window tries the real page
        again at the next change."""
        log_unexpected(log, f"the {type(self).__name__} screen failed to build", exc)
        self.failed = True
        self._clear(theme)
        self.root.addWidget(label(self.t("screen.failed"), "title", name="screen_failed_text"))
        ways = QHBoxLayout()
        ways.setSpacing(theme.spacing_px)
        for key, tap, name in (
            ("way.call_staff", self.session.call_staff, "screen_failed_call_staff"),
            ("way.ticket", self.session.take_ticket, "screen_failed_ticket"),
        ):
            ways.addWidget(button(self.t(key), tap, name=name))
        ways.addStretch(1)
        self.root.addLayout(ways)
        self.root.addStretch(1)

    def dock_room(self) -> int:
        """The height the dock may take on this display: the screen's room between the window's
        bars, less the scroll area's one pixel and the gap over the dock."""
        window = self.window()
        room = getattr(window, "screen_room", None)
        height = room(self.theme) if room is not None else window.height()
        return height - 1 - self._outer.spacing()

    def content_height(self) -> int:
        """The height the content as built needs at the window's width."""
        margins = self.theme.spacing_px * 2 + 2
        for child in self.content.findChildren(QWidget):
            # a widget just added is shown by a queued call: until then a layout counts it as empty
            if not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                child.show()
            child.ensurePolished()
        self.root.invalidate()
        return self.root.totalHeightForWidth(self.window().width() - margins)

    def fits(self, reserve: int = 0) -> bool:
        """The content as built needs no more height than the screen has between the bars, less
        `reserve` (a banner's)."""
        room = getattr(self.window(), "screen_room", None)
        return room is None or self.content_height() <= room(self.theme) - 2 - reserve

    def fit_picture(self, picture: SlotPicture) -> None:
        """A one-page screen's picture, smaller where the words need its height (never under half
        the theme's size): the page fits without scrolling."""
        self._picture, self._picture_built = picture, picture.px
        self._fit_picture()

    def _fit_picture(self) -> None:
        picture = self._picture
        floor = self.theme.picture_px // 2
        for _ in range(4):  # a narrower picture may wrap its caption: measure again
            room = getattr(self.window(), "screen_room", None)
            if room is None or picture.px <= floor:
                return
            excess = self.content_height() - (room(self.theme) - 2 - self._lent)
            if excess <= 0:
                return
            picture.set_px(max(floor, picture.px - excess))
            self._resized(picture)

    def _resized(self, widget: QWidget) -> None:
        """`widget` changed its size: the layouts around it measure it now, not at the next turn of
        the event loop (they cache their children's sizes until then)."""
        widget = widget.parentWidget()
        while widget is not None and self.content.isAncestorOf(widget):
            if widget.layout() is not None:
                widget.layout().invalidate()
            widget.updateGeometry()
            widget = widget.parentWidget()
        self.root.activate()

    def lend_room(self, px: int) -> bool:
        """A banner `px` tall lies over this one-page screen (0: none any more): the picture gives
        it the room, so that it covers no words. True when the content changed."""
        picture = self._picture
        if not self.one_page or picture is None or px == self._lent:
            return False
        before = picture.px
        self._lent = px
        picture.set_px(self._picture_built)
        self._resized(picture)
        self._fit_picture()
        return picture.px != before

    def forget(self) -> None:
        """The session ended: drop the presentation state kept for it (the next resident starts
        from the screen's beginning)."""

    def after_render(self) -> None:
        """Once laid out (the next turn of the event loop): e.g. scroll to the first error."""

    def pressed(self) -> None:
        """A finger came down on the window (a press that goes through): what the screen was still
        going to move by itself must stay where the resident sees it."""

    def build(self, view: SessionView) -> None:
        raise NotImplementedError

    def spoken(self, view: SessionView) -> str:
        """What speech says when this screen appears (elder mode)."""
        return self.t(f"speak.{self.step.value}")

    # --- helpers for subclasses ------------------------------------------------------------------

    def title(self, text: str, *, steps: bool = True, flow_titles: tuple[str, ...] = ()) -> None:
        """The screen's title, with the flow's step indicator beside it; under it when narrow, or
        when the title would wrap beside it. `flow_titles`: the titles of the flow's other pages
        (form and review), which take the same decision, so the content starts at the same height
        on every step (an English elder title wrapped beside the steps on one page only)."""
        heading = label(text, "title", name="title")
        index = FLOW_STEPS.get(self.view.step) if steps and self.view is not None else None
        keys = flow_step_keys(self.view) if index is not None else ()
        if index is None or STEP_KEYS[index] not in keys:
            self.root.addWidget(heading)
            return
        index = keys.index(STEP_KEYS[index])
        window = self.window()
        size = (window.width(), window.height())
        self.root.addLayout(title_row(heading, keys, index, self.t, self.theme, size, self.content, flow_titles))

    def pin_title(self) -> None:
        """The title just made (the content's first item) over the scroll area: it never scrolls away."""
        item = self.root.takeAt(0)
        if item is None:
            return
        if item.widget() is not None:
            self.header.addWidget(item.widget())
            shiboken6.delete(item)  # the old item only (clear_layout says why)
        elif item.layout() is not None:
            self.header.addLayout(item.layout())
        self.header.setSpacing(self.theme.spacing_px)
        self.header.setContentsMargins(0, 0, 0, self.root.spacing())

    def row(self, *widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
        box = QHBoxLayout()
        box.setSpacing(self.theme.spacing_px if self.theme else 8)
        if not stretch_first:
            for w in widgets:
                box.addWidget(w)
            box.addStretch(1)
        else:
            box.addStretch(1)
            for w in widgets:
                box.addWidget(w)
        self.root.addLayout(box)
        return box

    def action_row(self, *widgets: QWidget, stretch_first: bool = True) -> QHBoxLayout:
        """Put `widgets` in the fixed row under the content: always on the display, never scrolled."""
        if stretch_first:
            self.actions.addStretch(1)
        for w in widgets:
            self.actions.addWidget(w)
        if not stretch_first:
            self.actions.addStretch(1)
        return self.actions

    def primary(self, text: str, on_tap: Callable[[], None], name: str, enabled: bool = True) -> QPushButton:
        return button(text, on_tap, name=name, role="primary", enabled=enabled)

    def more_below(self, text: str, on_change: Callable[[], None] | None = None) -> ScrollCue:
        """A cue over the bottom of the content while part of it is below the fold (ui/scroll_cue.py)."""
        self.cue = ScrollCue(self.area, self, text, on_change)
        return self.cue

    def scroll(self, content: QWidget) -> QWidget:
        """Add a list that may grow past the display: it takes the room left, and scrolls with the
        rest of the content in the screen's one scroll area (no scroll area inside another)."""
        self.root.addWidget(content, 1)
        return content
