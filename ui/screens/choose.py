"""The services on this page as a grid of large tiles: a pictogram, the title, one short line and
small badges ("works offline", "card needed"). Elder mode: pictogram and title only, fewer and
larger tiles. The catalogue's order is the order shown (most used first)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QGridLayout, QHBoxLayout

from kiosk.catalogue import ServiceKind
from kiosk.session_view import Mode, ServiceView, SessionView, Step
from ui.icons import icon_label, service_icon
from ui.screens.base import Screen
from ui.theme import Theme
from ui.widgets import button, label, service_tile

# a Chinese list is joined with 、, an English one with commas: "，" ends a clause, ", " does not
# (cut there, "Broken stairwell lights, lifts, leaking pipes…" said only "Broken stairwell lights"
# where the Chinese tile listed all four: walk finding 17)
_CLAUSE_END = re.compile(r"[。，；：;:]|\. ")


def short_line(description: str) -> str:
    """The first clause of a description: the one short line a tile has room for."""
    return _CLAUSE_END.split(description, maxsplit=1)[0].strip().rstrip(".")


def tile_height(theme: Theme) -> int:
    """A service tile's least height: large enough for the pictogram and the title at a distance."""
    return int(theme.target_px * (2.4 if theme.mode is Mode.ELDER else 2.2))


def tile_columns(theme: Theme, width: int, height: int) -> int:
    return theme.tile_columns if width >= height else (1 if theme.mode is Mode.ELDER else 2)


def tiles_per_page(theme: Theme, width: int, height: int, room: int) -> int:
    """How many tiles of at least `tile_height` fit in `room` px between the bars, under the title
    and over the page buttons: elder mode shows fewer and larger tiles, not an empty screen (walk
    finding 11: 3 a page over 3 pages on a 1920x1080 display). Never under one row."""
    button_px = theme.target_px + 2 * (theme.border_px + 1)
    title = int(theme.title_px * theme.line_spacing)
    free = room - title - button_px - 4 * theme.spacing_px
    rows = max(1, (free + theme.spacing_px) // (tile_height(theme) + theme.spacing_px))
    return rows * tile_columns(theme, width, height)


class ChooseScreen(Screen):
    step = Step.CHOOSE

    def build(self, view: SessionView) -> None:
        self.title(self.t("choose.title"))
        grid = QGridLayout()
        grid.setSpacing(self.theme.spacing_px)
        window = self.window()
        columns = tile_columns(self.theme, window.width(), window.height())
        for i, service in enumerate(view.services):
            grid.addWidget(self._tile(service), i // columns, i % columns)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        self.root.addLayout(grid)
        self.root.addStretch(1)
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

    def _tile(self, service: ServiceView):
        badges: list[tuple[str, str]] = []
        if service.locked:
            badges.append(("badge_card", self.t("choose.locked")))
        if service.kind is ServiceKind.RECORD and self.view.paper_out:  # a print-out, no paper
            badges.append(("badge_card", self.t("choose.no_paper")))
        if service.offline_ok and not self.elder:
            badges.append(("badge_offline", self.t("choose.offline_ok")))
        # plain words in elder mode: the pictogram and the title (and "card needed", which matters)
        line = "" if self.elder else short_line(service.description)
        p = self.theme.palette
        pictogram = icon_label(
            service_icon(service.kind, service.icon), p.primary, self.theme.icon_px, service.title
        )
        return service_tile(
            service.title,
            line,
            badges,
            pictogram,
            lambda sid=service.id: self.session.choose_service(sid),
            name=f"service:{service.id}",
            accessible=", ".join([service.title, *(words for _role, words in badges)]),
            min_height=tile_height(self.theme),
            max_height=self.theme.icon_px * 3 + self.theme.spacing_px * 6,
            spacing=self.theme.spacing_px,
        )

    def spoken(self, view: SessionView) -> str:
        return (
            self.t("speak.choose", count=len(view.services)) + " " + "，".join(s.title for s in view.services)
        )
