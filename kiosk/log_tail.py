"""The last lines of the program's log, kept in memory for the "upload diagnostics" remote command.

Only the level, the logger's name and the message are kept: by the product's rule log messages hold
no personal values (kiosk.safe_logging logs exceptions by type), and the `extra` fields are left out
altogether. Lines are cut to 200 characters.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import UTC, datetime

MAX_LINE = 200


class LogTail(logging.Handler):
    def __init__(self, lines: int = 50, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._lines: deque[str] = deque(maxlen=lines)
        self._tail_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")
            line = f"{at} {record.levelname} {record.name}: {record.getMessage()}"[:MAX_LINE]
        except Exception:  # a record that cannot be formatted is left out, never raised into the caller
            return
        with self._tail_lock:
            self._lines.append(line)

    def lines(self) -> list[str]:
        with self._tail_lock:
            return list(self._lines)
