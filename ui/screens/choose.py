"""The services on this page as a grid of large tiles: a pictogram, the title, one short line and
small badges ("works offline", "card needed"). Elder mode: pictogram and title only, fewer and
larger tiles. The catalogue's order is the order shown (most used first)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.catalogue import Service, ServiceKind
from kiosk.services import RecordNeedsPaper
from kiosk.session_render import service_view
from kiosk.session_view import Mode, ServiceView, SessionView, Step
from ui.i18n import Words
from ui.icons import icon_label, service_icon
from ui.screens.base import STEP_KEYS, Screen, title_row
from ui.theme import Theme, stylesheet
from ui.widgets import button, label, service_tile

# a Chinese list is joined with 、, an English one with commas: "，" ends a clause, ", " does not
# (cut there, "Broken stairwell lights, lifts, leaking pipes…" said only "Broken stairwell lights"
# where the Chinese tile listed all four: walk finding 17)
_CLAUSE_END = re.compile(r"[。，；：;:]|\. ")


def short_line(description: str) -> str:
    """The first clause of a description: the one short line a tile has room for."""
    return _CLAUSE_END.split(description, maxsplit=1)[0].strip().rstrip(".")


def tile_height(theme: Theme, beside: bool = False) -> int:
    """A service tile's least height: large enough for the pictogram and the title at a distance
    (an elder tile with its pictogram beside the words: its pictogram, 104 px, and margins)."""
    if theme.mode is Mode.ELDER and beside:
        return int(theme.target_px * 1.6)
    return int(theme.target_px * (2.4 if theme.mode is Mode.ELDER else 2.2))


# under this height a landscape display gives standard mode's tiles their pictogram beside the
# words: on top, two rows of Chinese tiles were taller than a 1366x768 display (walk 3 finding 2)
SHORT_DISPLAY_PX = 900


def tiles_beside(theme: Theme, width: int, height: int, paper_out: bool = False) -> bool:
    """Tiles with the pictogram beside the words on a short landscape display: standard mode's,
    and elder mode's while the printer has no paper (kiosk issue 9: one row of elder tiles with the
    pictogram on top filled the room, and the paper banner lay over it)."""
    short = width >= height and theme.on_reference(height) < SHORT_DISPLAY_PX
    return short and (theme.mode is Mode.STANDARD or paper_out)


def tile_columns(theme: Theme, width: int, height: int) -> int:
    return theme.tile_columns if width >= height else (1 if theme.mode is Mode.ELDER else 2)


def title_height(theme: Theme, words: Words, language: str, width: int, height: int) -> int:
    """The list's title with its steps beside it, as tall as it is on this display (English elder
    words take two lines beside the steps at 1280 px)."""
    elder = theme.mode is Mode.ELDER

    def t(key: str, **values: object) -> str:
        return words.text(language, key, elder=elder, **values)

    probe = QWidget()
    probe.setStyleSheet(stylesheet(theme))
    # the row the screen builds (ChooseScreen.build: Screen.title), stacked where it stacks there
    row = title_row(label(t("choose.title"), "title"), STEP_KEYS, 0, t, theme, (width, height), probe)
    holder = QWidget(probe)
    holder.setLayout(row)
    holder.ensurePolished()
    row.setContentsMargins(0, 0, 0, 0)
    needed = row.totalHeightForWidth(width - 2 * theme.spacing_px - theme.scrollbar_px)
    probe.deleteLater()
    return max(needed, row.totalSizeHint().height())


def rows_that_fit(theme: Theme, room: int, tallest: int, title: int = 0, beside: bool = False) -> int:
    """How many rows of tiles of at least `tile_height` (and `tallest`, the tallest tile measured)
    fit whole in `room` px between the bars, under the title and over the page buttons (0: not
    one). Walk 3 findings 2 and 19: English descriptions of three lines made two rows taller than
    a 1366x768 display, cut mid-sentence under a scroll bar and the page buttons."""
    button_px = theme.target_px + 2 * (theme.border_px + 1)
    title = max(title, int(theme.title_px * theme.line_spacing))
    free = room - title - button_px - 4 * theme.spacing_px
    least = tile_height(theme, beside)
    return max(0, (free + theme.spacing_px) // (max(least, tallest) + theme.spacing_px))


def page_of_tiles(
    theme: Theme,
    words: Words,
    language: str,
    services: list[Service],
    size: tuple[int, int],
    room: int,
    paper_out: bool = False,
) -> tuple[int, int]:
    """`_page_of_tiles`, measured once for each display, language and list of services: each
    measure builds every tile in both modes, and the window measures again after each resize and
    each render of the list that follows one (18-27 % of the layout check's time in two profiles: the same answer),
    and for the printer's paper state (`paper_out`: a print-out's tile has its "no paper" badge)."""
    return _page_of_tiles(theme, words, language, tuple(services), size, room, paper_out)


@functools.lru_cache(maxsize=32)
def _page_of_tiles(
    theme: Theme,
    words: Words,
    language: str,
    services: tuple[Service, ...],
    size: tuple[int, int],
    room: int,
    paper_out: bool = False,
) -> tuple[int, int]:
    """(columns, tiles a page) for this display: of the columns the display can take, the one that
    shows the most services a page, each row whole at the tallest tile these services have in
    `language` (the theme's columns where two show as many). Fewer and wider columns take a
    title of three lines in fewer (English elder at 1280x800); more columns, each still an elder
    tile, fill a page the rows leave half empty. Elder mode shows fewer and larger tiles, not an
    empty screen (walk finding 11: 3 a page over 3 pages at 1920x1080; fresh-eyes walk N7: still
    3 x 3 pages over an empty band there, and 4 a page in one column over 440 px empty at
    1080x1920, where two columns hold all seven)."""
    width, height = size
    usual = tile_columns(theme, width, height)
    beside = tiles_beside(theme, width, height, paper_out)
    title = title_height(theme, words, language, width, height)
    best: tuple[int, int, int] | None = None  # (shown, -distance from the usual columns, columns)
    for across in range(1, widest_columns(theme, width, height) + 1):
        tallest = tallest_tile(theme, words, language, services, width, height, across, paper_out) if services else 0
        rows = rows_that_fit(theme, room, tallest, title, beside)
        if not rows:
            continue
        shown = min(rows * across, len(services)) if services else rows * across
        ranked = (shown, -abs(across - usual), across)
        if best is None or ranked > best:
            best = ranked
    if best is None:
        return 1, 1  # the display is shorter than one tile: the screen scrolls it
    across = best[2]
    tallest = tallest_tile(theme, words, language, services, width, height, across, paper_out) if services else 0
    return across, rows_that_fit(theme, room, tallest, title, beside) * across


def widest_columns(theme: Theme, width: int, height: int) -> int:
    """The most columns of tiles a page may take: one more than the usual in elder mode on a
    landscape display (an elder tile is still a column a quarter of 1366 px wide), two on a portrait
    one (a 1080 px wide column of elder tiles left half the display empty)."""
    if width < height:
        return 2
    return theme.tile_columns + (1 if theme.mode is Mode.ELDER else 0)


TOO_TALL = 1 << 20  # tallest_tile: the tiles do not fit the column's width at all


def tallest_tile(
    theme: Theme,
    words: Words,
    language: str,
    services: list[Service],
    width: int,
    height: int,
    columns: int,
    paper_out: bool = False,
) -> int:
    """The height the tallest of `services`' tiles needs in `language`, in one of `columns` columns
    on a `width` x `height` display (its description wrapped to that width; "card needed" shown,
    as without a card, and "no paper" on a print-out's while the printer has none: walk 5
    review, L2). Measured on real tiles in the theme's style sheet."""
    column = column_width(theme, width, columns)
    probe = QWidget()
    probe.setStyleSheet(stylesheet(theme))
    tallest = 0
    elder = theme.mode is Mode.ELDER
    beside = tiles_beside(theme, width, height, paper_out)

    def t(key: str) -> str:
        return words.text(language, key, elder=elder)

    for service in services:
        shown = service_view(service, language, has_card=False)
        tile = service_tile_for(shown, theme, t, lambda: None, beside, paper_out=paper_out)
        tile.setParent(probe)
        tile.ensurePolished()
        lines = [part for part in tile.findChildren(QLabel) if part.text() and not part.wordWrap()]
        for part in lines:
            part.ensurePolished()
        inside = column - 2 * (theme.spacing_px + theme.border_px)  # the tile's padding and border
        if beside:
            inside -= theme.icon_px + theme.spacing_px  # the pictogram left of the words
        if any(part.minimumSizeHint().width() > inside for part in lines):
            # a line that does not wrap (a badge: "没纸：到人工窗口办") is wider than the column:
            # these columns do not take this tile (cut in four elder columns at 1280 px)
            return TOO_TALL
        tallest = max(tallest, tile.layout().totalHeightForWidth(column), tile.minimumHeight())
    probe.deleteLater()
    return tallest


def service_tile_for(
    service: ServiceView,
    theme: Theme,
    t: Callable[[str], str],
    on_tap: Callable[[], None],
    beside: bool,
    *,
    paper_out: bool = False,
):
    """The tile of one service: its pictogram, title, short line (not in elder mode) and badges."""
    elder = theme.mode is Mode.ELDER
    badges: list[tuple[str, str]] = []
    if service.kind is ServiceKind.RECORD and paper_out:
        # a print-out with no paper is for the staffed window, card or not (the session sends it
        # there before it asks for a card): "card needed" beside it said what does not help, and
        # the two cut each other to "Card neede" / "No paper" on an elder tile at 1280x800
        badges.append(("badge_card", t("choose.no_paper")))
    elif service.locked:
        badges.append(("badge_card", t("choose.locked")))
    if service.offline_ok and not elder:
        badges.append(("badge_offline", t("choose.offline_ok")))
    # plain words in elder mode: the pictogram and the title (and "card needed", which matters)
    line = "" if elder else short_line(service.description)
    pictogram = icon_label(service_icon(service.kind, service.icon), theme.palette.primary, theme.icon_px, service.title)
    return service_tile(
        service.title,
        line,
        badges,
        pictogram,
        on_tap,
        name=f"service:{service.id}",
        accessible=", ".join([service.title, *(words for _role, words in badges)]),
        min_height=tile_height(theme, beside),
        max_height=theme.icon_px * 3 + theme.spacing_px * 6,
        spacing=theme.spacing_px,
        beside=beside,
    )


def column_width(theme: Theme, width: int, columns: int) -> int:
    """A tile's width in one of `columns` columns on a display `width` px wide."""
    grid_width = width - 2 * theme.spacing_px - theme.scrollbar_px
    return (grid_width - theme.spacing_px * (columns - 1)) // columns


def refused_for_paper(view: SessionView) -> bool:
    """The session refused a print-out for want of paper (the list shows it in its own place)."""
    return view.error is not None and view.error.message_key == RecordNeedsPaper.message_key


class ChooseScreen(Screen):
    step = Step.CHOOSE

    def build(self, view: SessionView) -> None:
        self.title(self.t("choose.title"))
        grid = QGridLayout()
        grid.setSpacing(self.theme.spacing_px)
        columns = self._columns()
        for i, service in enumerate(view.services):
            grid.addWidget(self._tile(service), i // columns, i % columns)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        # the height the rows leave goes to the tiles, up to their largest (fresh-eyes walk N7: a
        # band of 150-550 px under the tiles); past it, under them
        self.root.addLayout(grid, 100)
        self.root.addStretch(1)  # (the title row over the tiles keeps its height)
        kept = getattr(self.window(), "paper_room", {}).get(self.theme.mode, 0) if view.paper_out else 0
        self._paper_notice_shown = self._owns_paper_error = False
        if kept:
            # under the tiles, the room the banner a print-out's tap brings lies in (the pages were
            # sized with this room taken: KioskWindow._size_elder_pages); until a tap, it says why
            # and where to go instead (walk 10, M2: it stood empty)
            band = QWidget()
            band.setObjectName("paper_band")
            band.setFixedHeight(kept)
            lines = QVBoxLayout(band)
            lines.setContentsMargins(0, 0, 0, 0)
            refused = refused_for_paper(view)
            # the notice, or once a print-out was tapped the refusal, at the top of the room: where
            # one stood the other stands, nothing moves (walk 12)
            lines.addWidget(self.window().paper_notice(view.language, self.t, self.elder, refused=refused))
            lines.addStretch(1)
            self._paper_notice_shown = not refused
            self._owns_paper_error = refused
            self.root.addWidget(band)
        if view.page_count > 1:
            prev = button(
                self.t("nav.page_prev"), self.session.page_prev, name="page.prev", enabled=view.page > 0
            )
            nxt = button(
                self.t("nav.page_next"),
                self.session.page_next,
                name="page.next",
                enabled=view.page + 1 < view.page_count,
            )
            where = label(self.t("choose.page", page=view.page + 1, count=view.page_count), name="page_label")
            where.setWordWrap(False)
            # under the tiles, never scrolled, and apart from the bar where going back and leaving are
            pages = QHBoxLayout()
            pages.setSpacing(self.theme.spacing_px)
            pages.addStretch(1)
            for part in (prev, where, nxt):
                pages.addWidget(part)
            pages.addStretch(1)
            self.dock.addLayout(pages)

    def owns_error(self, view: SessionView) -> bool:
        """The paper refusal stands in the room under the tiles, where the notice stood."""
        return getattr(self, "_owns_paper_error", False) and refused_for_paper(view)

    def _columns(self) -> int:
        """The window chose the columns with the page's size (fewer when a row would not fit)."""
        window = self.window()
        chosen = getattr(window, "service_columns", {}).get(self.theme.mode)
        return chosen or tile_columns(self.theme, window.width(), window.height())

    def _tile(self, service: ServiceView):
        window = self.window()
        beside = tiles_beside(self.theme, window.width(), window.height(), self.view.paper_out)
        return service_tile_for(
            service,
            self.theme,
            self.t,
            lambda sid=service.id: self.session.choose_service(sid),
            beside,
            paper_out=self.view.paper_out,
        )

    def spoken(self, view: SessionView) -> str:
        said = self.t("speak.choose", count=len(view.services)) + " " + "，".join(s.title for s in view.services)
        if getattr(self, "_paper_notice_shown", False):  # what the band under the tiles says
            if self.elder:
                notice = self.t("choose.paper_notice.bars", ticket=self.t("bar.ticket"), staff=self.t("bar.help"))
            else:
                notice = self.t("choose.paper_notice")
            said += " " + notice
        return said
