"""The resident's screens (PySide6): a view of kiosk.session that forwards taps. Qt lives only here."""
