"""What every screen shares: it renders a SessionView with a theme and forwards taps to the session.

A screen decides nothing: which step comes next, what is valid and what is masked are the
session's business. A screen may keep only presentation state (which field's editor is open).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.catalogue import ServiceKind
from kiosk.session_view import Mode, SessionView, Step
from ui.i18n import Words
from ui.scroll_cue import ScrollCue
from ui.theme import Theme
from ui.widgets import button, clear_layout, label, step_indicator, touch_scroll_area

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
    heading: QWidget, keys: tuple[str, ...], index: int, t: Callable[..., str], theme: Theme, narrow: bool
) -> QVBoxLayout | QHBoxLayout:
    """A screen's title with the flow's steps (`keys`, step `index` current) beside it, or under it
    on a narrow display."""
    indicator = step_indicator([t(k) for k in keys], index, t("steps.a11y_of", n=index + 1, count=len(keys)))
    box = QVBoxLayout() if narrow else QHBoxLayout()
    box.setSpacing(theme.spacing_px)
    box.addWidget(heading, 1)
    box.addWidget(indicator, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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

    @classmethod
    def owns_staff_called(cls, view: SessionView) -> bool:
        """This screen shows "staff are coming" for `view` in a place of its own (no banner)."""
        return cls.shows_staff_called

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"screen:{self.step.value}")
        self.view: SessionView | None = None
        self.theme: Theme | None = None
        # (name, where) the top bar shows in place of the terminal's name: a text editor on a short
        # display folds its field's name there (ui/editor_fit.py); None: the terminal's name
        self.bar_heading: tuple[str, str] | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.content = QWidget()
        self.content.setObjectName("screen_content")
        self.root = QVBoxLayout(self.content)
        self.root.setContentsMargins(0, 0, 0, 0)
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
        self.setUpdatesEnabled(False)
        clear_layout(self.root)
        clear_layout(self.dock)
        clear_layout(self.actions)
        self.bar_heading = None
        if self.cue is not None:  # the cue belongs to the page it was built for
            self.cue.deleteLater()
            self.cue = None
        self.root.setSpacing(theme.spacing_px)
        self.dock.setSpacing(theme.spacing_px // 2)
        self.actions.setSpacing(theme.spacing_px)
        self._outer.setSpacing(4)  # the dock (keys) needs the height on a 1280x800 screen
        self.build(view)
        self.actions_bar.setVisible(self.actions.count() > 0)
        self.setUpdatesEnabled(True)
        self.after_render()

    def dock_room(self) -> int:
        """The height the dock may take on this display: the screen's room between the window's
        bars, less the scroll area's one pixel and the gap over the dock."""
        window = self.window()
        room = getattr(window, "screen_room", None)
        height = room(self.theme) if room is not None else window.height()
        return height - 1 - self._outer.spacing()

    def content_fits(self) -> bool:
        """The content as built needs no more height than the screen has between the bars."""
        window = self.window()
        room = getattr(window, "screen_room", None)
        if room is None:
            return True
        margins = self.theme.spacing_px * 2 + 2
        for child in self.content.findChildren(QWidget):
            # a widget just added is shown by a queued call: until then a layout counts it as empty
            if not child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                child.show()
            child.ensurePolished()
        self.root.invalidate()
        needed = self.root.totalHeightForWidth(window.width() - margins)
        return needed <= room(self.theme) - 2

    def forget(self) -> None:
        """The session ended: drop the presentation state kept for it (the next resident starts
        from the screen's beginning)."""

    def after_render(self) -> None:
        """Once laid out (the next turn of the event loop): e.g. scroll to the first error."""

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
        narrow = self.window().width() < self.window().height()
        indicator = step_indicator(
            [self.t(k) for k in keys], index, self.t("steps.a11y_of", n=index + 1, count=len(keys))
        )
        stacked = narrow or not self._fits_beside(heading, indicator, (text, *flow_titles))
        box = QVBoxLayout() if stacked else QHBoxLayout()
        box.setSpacing(self.theme.spacing_px if not stacked else self.theme.spacing_px // 3)
        box.addWidget(heading, 1)
        side = Qt.AlignmentFlag.AlignLeft if stacked else Qt.AlignmentFlag.AlignRight
        box.addWidget(indicator, 0, side | Qt.AlignmentFlag.AlignVCenter)
        self.root.addLayout(box)

    def _fits_beside(self, heading: QLabel, indicator: QWidget, titles: tuple[str, ...]) -> bool:
        """Whether each of `titles` fits on one line in `heading`'s font beside the step strip."""
        for part in (heading, indicator):
            part.setParent(self.content)  # the window's style sheet sizes them
            part.ensurePolished()
        row = self.window().width() - 2 * self.theme.spacing_px - self.theme.scrollbar_px
        room = row - indicator.sizeHint().width() - self.theme.spacing_px
        metrics = heading.fontMetrics()
        return all(metrics.horizontalAdvance(t) <= room for t in titles if t)

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
