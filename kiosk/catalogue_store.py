"""The catalogue the terminal serves from: fetched from the hub with ETag, last good copy on disk.

A broken catalogue never takes the terminal down: a document the hub serves that fails validation is
refused (the reason is kept for technicians) and the last good copy stays in use; the same holds when
the hub cannot be reached. Only with no good copy at all — first start, hub down or broken — is there
no catalogue, and the session shows its out-of-service screen.

The cache file is JSON ``{"etag", "saved_at", "document"}`` written atomically (kiosk.atomic), and is
validated again when read, so a damaged or hand-edited file is treated as no cache, never trusted.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.atomic import write_atomic
from kiosk.catalogue import Catalogue, CatalogueInvalid, parse_catalogue
from kiosk.errors import KioskError
from kiosk.hub_api import Hub, HubError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogueState:
    catalogue: Catalogue | None
    source: Literal["hub", "cache", "none"]  # where the catalogue in use came from
    etag: str | None
    problem: KioskError | None = None  # why the last load/refresh did not give a new catalogue


class CatalogueStore:
    """Holds the catalogue in use. `refresh()` blocks on the hub: call it from a worker.
    `current` may be read from any thread."""

    def __init__(self, hub: Hub, cache_path: Path) -> None:
        self._hub = hub
        self._path = cache_path
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._state = CatalogueState(None, "none", None)

    @property
    def current(self) -> CatalogueState:
        with self._lock:
            return self._state

    def _set(self, state: CatalogueState) -> CatalogueState:
        with self._lock:
            self._state = state
        return state

    def load_cached(self) -> CatalogueState:
        """Read the last good copy from disk (at start-up). Never raises: a missing, unreadable or
        invalid file leaves no catalogue, with the reason in `problem`."""
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise CatalogueInvalid("cache", "must be an object")
            catalogue = parse_catalogue(raw.get("document"))
            etag = raw.get("etag") if isinstance(raw.get("etag"), str) else None
        except FileNotFoundError:
            return self._set(CatalogueState(None, "none", None))
        except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            log.warning("catalogue cache unreadable: %s", exc)
            return self._set(CatalogueState(None, "none", None, CatalogueInvalid("cache", "file unreadable")))
        except CatalogueInvalid as exc:
            log.warning("catalogue cache invalid at %s: %s", exc.where, exc.reason)
            return self._set(CatalogueState(None, "none", None, exc))
        log.info("catalogue loaded from cache", extra={"catalog_version": catalogue.version})
        return self._set(CatalogueState(catalogue, "cache", etag))

    def refresh(self) -> CatalogueState:
        """Ask the hub for a newer catalogue (If-None-Match). Never raises for hub trouble or a
        broken document: the state keeps the catalogue in use and records the problem."""
        with self._refresh_lock:
            before = self.current
            etag = before.etag if before.catalogue is not None else None
            try:
                fetched = self._hub.fetch_catalog(etag)
            except HubError as exc:
                log.warning("catalogue refresh failed: %s", type(exc).__name__)
                return self._set(CatalogueState(before.catalogue, before.source, before.etag, exc))
            if fetched.document is None:  # 304: what we hold is current
                if before.catalogue is None:
                    return self._set(
                        CatalogueState(None, "none", None, CatalogueInvalid("hub", "304 without a copy"))
                    )
                return self._set(CatalogueState(before.catalogue, before.source, before.etag))
            try:
                catalogue = parse_catalogue(fetched.document)
            except CatalogueInvalid as exc:
                log.error("hub served an invalid catalogue, keeping the last good one: %s", exc)
                return self._set(CatalogueState(before.catalogue, before.source, before.etag, exc))
            problem: KioskError | None = None
            try:
                body = {"etag": fetched.etag, "saved_at": time.time(), "document": fetched.document}
                write_atomic(self._path, json.dumps(body, ensure_ascii=False).encode("utf-8"))
            except OSError as exc:
                # still serve the new catalogue; the next start falls back to the older cached copy
                log.error("catalogue cache not written: %s", exc)
                problem = KioskError(
                    f"cache not written: {exc.strerror}", message_key="error.catalogue_cache"
                )
            log.info("catalogue updated", extra={"catalog_version": catalogue.version})
            return self._set(CatalogueState(catalogue, "hub", fetched.etag, problem))
