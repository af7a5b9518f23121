"""Card reader events as Qt signals. The driver calls its listeners on its own thread and knows no
Qt; `CardSignals` re-emits them, and Qt delivers them on the UI thread (queued connection)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from drivers.card.model import CardEvent, CardEventKind, CardReader


class CardSignals(QObject):
    """Connect to `inserted`, `removed`, `readers_changed`; then `attach(reader)`."""

    inserted = Signal(str)  # reader name
    removed = Signal(str)
    readers_changed = Signal(str, bool)  # reader name, present

    def attach(self, reader: CardReader) -> None:
        reader.add_listener(self._on_event)

    def _on_event(self, event: CardEvent) -> None:  # on the driver's thread: emit only
        if event.kind is CardEventKind.INSERTED:
            self.inserted.emit(event.reader)
        elif event.kind is CardEventKind.REMOVED:
            self.removed.emit(event.reader)
        elif event.kind is CardEventKind.READER_ADDED:
            self.readers_changed.emit(event.reader, True)
        elif event.kind is CardEventKind.READER_REMOVED:
            self.readers_changed.emit(event.reader, False)
