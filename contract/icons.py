"""The pictogram names a catalogue may give a service, and each service kind's default.

Part of the catalogue rules the hub and the terminal share. The catalogue names a pictogram by meaning ("repair"), never by an icon font's glyph: the terminal's
screens map each name to a glyph of the icon set they ship (ui/icons.py), so the hub's documents do
not change when the icon set does. tests/test_icons.py checks every name here resolves to a glyph.
"""

from __future__ import annotations

from contract.catalogue_model import ServiceKind

ICON_NAMES = frozenset(
    {
        "repair",
        "certificate",
        "insurance",
        "progress",
        "ticket",
        "rating",
        "notices",
        "meal",
        "form",
        "record",
        "health",
        "elder_care",
        "payment",
        "housing",
        "family",
        "help",
    }
)

KIND_ICONS: dict[ServiceKind, str] = {
    ServiceKind.SUBMIT: "form",
    ServiceKind.QUERY: "progress",
    ServiceKind.RECORD: "record",
    ServiceKind.TICKET: "ticket",
    ServiceKind.RATING: "rating",
    ServiceKind.NOTICES: "notices",
}


def icon_for(kind: ServiceKind, icon: str) -> str:
    """The pictogram a service shows: its own, else its kind's."""
    return icon or KIND_ICONS[kind]
