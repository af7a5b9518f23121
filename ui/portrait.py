"""How screens stand on a portrait display (1080x1920): laid out for the height, not a landscape
layout stretched (walk finding 16). The window decides its bars' rows itself (ui/window.py); the
helpers here are for the screens."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QSizePolicy, QWidget


def stand_lead_on_top(body: QBoxLayout, lead: QWidget) -> None:
    """`lead` (the welcome screen's list of services) as tall as its lines at the top of `body`, and
    the room left under it, so what follows it (the card slot's picture) stands at the foot of the
    screen, next to the reader under it. Before: a list box stretched 1100 px over six lines."""
    lead.setSizePolicy(lead.sizePolicy().horizontalPolicy(), QSizePolicy.Policy.Maximum)
    body.setStretchFactor(lead, 0)
    body.insertStretch(body.indexOf(lead) + 1, 1)
