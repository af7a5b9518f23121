"""The catalogue document the hub serves at GET /v1/catalog, read from a JSON file.

The file is re-read when it changes on disk (so a demo or a test can publish a new catalogue without
restarting the hub). The ETag is a digest of the bytes served. When the file is missing the hub
serves a minimal valid placeholder; when it is not valid JSON the last good document stays in use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_CATALOG = Path(__file__).parent / "data" / "demo_catalog.json"

PLACEHOLDER: dict[str, Any] = {
    "schema": 1,
    "version": "placeholder-1",
    "services": [
        {
            "id": "ticket.window",
            "kind": "ticket",
            "icon": "ticket",
            "title": {"zh": "窗口取号", "en": "Window ticket"},
            "description": {"zh": "取号后到窗口办理。", "en": "Take a number for the staffed window."},
            "needs_card": False,
            "offline_ok": True,
        }
    ],
}


class CatalogFile:
    """The served catalogue: bytes, version and ETag, refreshed when the file's mtime changes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._document: dict[str, Any] = PLACEHOLDER
        self._body = b""
        self._etag = ""
        self._publish(PLACEHOLDER)
        self._refresh()

    def _publish(self, document: dict[str, Any]) -> None:
        self._document = document
        self._body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._etag = '"' + hashlib.sha256(self._body).hexdigest()[:32] + '"'

    def _refresh(self) -> None:
        if self.path is None:
            return
        try:
            st = self.path.stat()
        except FileNotFoundError:
            if self._stamp is not None:
                log.warning("catalogue file disappeared, keeping the last document")
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.error("catalogue file unreadable, keeping the last document: %s", exc)
            return
        if not isinstance(document, dict):
            log.error("catalogue file is not a JSON object, keeping the last document")
            return
        self._publish(document)

    def current(self) -> tuple[bytes, str, dict[str, Any]]:
        """(body bytes, ETag, document) of the catalogue in force now."""
        with self._lock:
            self._refresh()
            return self._body, self._etag, self._document

    def services(self) -> dict[str, dict[str, Any]]:
        services = self.current()[2].get("services", [])
        return {s["id"]: s for s in services if isinstance(s, dict) and isinstance(s.get("id"), str)}
