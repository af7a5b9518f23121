"""The services on this page as big tiles, with paging. Elder mode: fewer, larger tiles."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout

from kiosk.session_view import ServiceView, SessionView, Step
from ui.screens.base import Screen
from ui.widgets import button, label, tile


class ChooseScreen(Screen):
    step = Step.CHOOSE

    def build(self, view: SessionView) -> None:
        self.title(self.t("choose.title"))
        grid = QGridLayout()
        grid.setSpacing(self.theme.spacing_px)
        columns = 1 if self.elder else 2
        for i, service in enumerate(view.services):
            grid.addWidget(self._tile(service), i // columns, i % columns)
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
            self.action_row(prev, where, nxt, stretch_first=False)

    def _tile(self, service: ServiceView):
        badges = []
        if service.locked:
            badges.append(self.t("choose.locked"))
        if service.offline_ok:
            badges.append(self.t("choose.offline_ok"))
        lines = []
        if not self.elder and service.description:
            lines.append(service.description)  # plain words in elder mode: the title only
        if badges:
            lines.append(" · ".join(badges))
        return tile(
            service.title,
            lines,
            lambda sid=service.id: self.session.choose_service(sid),
            name=f"service:{service.id}",
            accessible=", ".join([service.title, *badges]),
            min_height=int(self.theme.target_px * (1.5 if self.elder else 1.8)),
        )

    def spoken(self, view: SessionView) -> str:
        return (
            self.t("speak.choose", count=len(view.services)) + " " + "，".join(s.title for s in view.services)
        )
