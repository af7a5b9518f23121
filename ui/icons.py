"""The terminal's pictograms: Material Design Icons (Pictogrammers, Apache License 2.0) as shipped
by the `qtawesome` package, drawn at the theme's sizes and colours.

The catalogue names a pictogram by meaning (kiosk/icons.py); `GLYPHS` maps each name to the glyph
that shows it, and `CHROME` names the glyphs of the window's own signs (offline, card, printer).
A pictogram never carries meaning alone: every one sits beside its words and has an accessible name.
"""

from __future__ import annotations

import functools
import os

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QLabel

from kiosk.catalogue import ServiceKind
from kiosk.icons import ICON_NAMES, icon_for

GLYPHS: dict[str, str] = {
    "repair": "mdi6.tools",
    "certificate": "mdi6.file-certificate-outline",
    "insurance": "mdi6.shield-account-outline",
    "progress": "mdi6.progress-clock",
    "ticket": "mdi6.ticket-confirmation-outline",
    "rating": "mdi6.star-outline",
    "notices": "mdi6.bullhorn-outline",
    "meal": "mdi6.silverware-fork-knife",
    "form": "mdi6.clipboard-text-outline",
    "record": "mdi6.file-document-outline",
    "health": "mdi6.medical-bag",
    "elder_care": "mdi6.human-cane",
    "payment": "mdi6.cash",
    "housing": "mdi6.home-city-outline",
    "family": "mdi6.account-group-outline",
    "help": "mdi6.help-circle-outline",
}

CHROME: dict[str, str] = {
    "offline": "mdi6.wifi-off",
    "card": "mdi6.card-account-details-outline",
    "locked": "mdi6.card-account-details-outline",
    "printed": "mdi6.printer-outline",
    "done": "mdi6.check-circle-outline",
    "error": "mdi6.alert-circle-outline",
}

_cache: dict[tuple[str, str], QIcon] = {}


def glyph(name: str) -> str:
    """The icon-set glyph of a catalogue pictogram or a chrome sign. Raises KeyError."""
    if name in GLYPHS:
        return GLYPHS[name]
    return CHROME[name]


def icon(name: str, colour: str) -> QIcon:
    """The pictogram `name` in `colour` (qtawesome loads its fonts on first use: kept off start-up)."""
    key = (name, colour)
    found = _cache.get(key)
    if found is None:
        os.environ.setdefault("QT_API", "pyside6")
        import qtawesome

        found = _cache[key] = qtawesome.icon(glyph(name), color=colour)
    return found


@functools.lru_cache(maxsize=64)
def pixmap(name: str, colour: str, px: int) -> QPixmap:
    # kept: qtawesome paints the glyph anew for every pixmap asked, and the attract screen and the
    # bars are built again at every session (3 % of the soak's UI thread); a QPixmap is shared data,
    # so the labels that show one hold the same pixels. A few dozen (name, colour, size) are in use.
    return icon(name, colour).pixmap(QSize(px, px))


def icon_label(name: str, colour: str, px: int, accessible: str) -> QLabel:
    """A label showing the pictogram at `px`, named for screen readers."""
    lab = QLabel()
    lab.setObjectName(f"icon:{name}")
    lab.setPixmap(pixmap(name, colour, px))
    lab.setFixedSize(px, px)
    lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lab.setAccessibleName(accessible)
    lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return lab


def service_icon(kind: ServiceKind, name: str) -> str:
    """The pictogram name a service shows (its own, else its kind's), always one of ICON_NAMES."""
    chosen = icon_for(kind, name)
    return chosen if chosen in ICON_NAMES else icon_for(kind, "")
