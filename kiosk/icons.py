"""The pictogram names a catalogue may give a service (the rules live in contract/icons.py)."""

from contract.icons import ICON_NAMES, KIND_ICONS, icon_for

__all__ = ["ICON_NAMES", "KIND_ICONS", "icon_for"]
