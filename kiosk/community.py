"""The community's address list (buildings and their units) for the place picker, from the hub.

GET /v1/community/addresses is asked after each catalogue refresh; a valid answer is kept on disk
(atomically), so the picker also works offline with the last good list. A broken answer is refused
whole (`AddressesInvalid`) and the last good list stays. No personal data: these are the
community's public places.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.atomic import write_atomic
from kiosk.catalogue import LANGUAGES, LocalText

log = logging.getLogger(__name__)
MAX_BUILDINGS = 200


class AddressesInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Building:
    id: str
    label: LocalText
    units: tuple[LocalText, ...] = ()


def _text(raw: Any, where: str) -> LocalText:
    if not isinstance(raw, dict) or any(not isinstance(raw.get(k), str) or not raw[k].strip() for k in LANGUAGES):
        raise AddressesInvalid(f"{where} needs non-empty zh and en texts")
    return LocalText(zh=raw["zh"], en=raw["en"])


def parse_addresses(document: Any) -> tuple[Building, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("buildings"), list):
        raise AddressesInvalid("buildings must be a list")
    raw = document["buildings"]
    if len(raw) > MAX_BUILDINGS:
        raise AddressesInvalid(f"more than {MAX_BUILDINGS} buildings")
    out = []
    for i, b in enumerate(raw):
        where = f"buildings[{i}]"
        if not isinstance(b, dict) or not isinstance(b.get("id"), str):
            raise AddressesInvalid(f"{where}.id must be a string")
        units = b.get("units", [])
        if not isinstance(units, list):
            raise AddressesInvalid(f"{where}.units must be a list")
        out.append(
            Building(
                b["id"],
                _text(b.get("label"), f"{where}.label"),
                tuple(_text(u, f"{where}.units[{j}]") for j, u in enumerate(units)),
            )
        )
    return tuple(out)


class AddressBook:
    """The last good address list: `refresh()` (blocking, in a worker) asks the hub."""

    def __init__(self, hub: Any, path: Path) -> None:
        self._hub = hub
        self._path = path
        self.places: tuple[Building, ...] = ()

    def load_cached(self) -> tuple[Building, ...]:
        try:
            self.places = parse_addresses(json.loads(self._path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.warning("cached address list unusable: %s", type(exc).__name__)
        return self.places

    def refresh(self) -> tuple[Building, ...]:
        """Never raises for the hub's sake: offline or a bad answer keeps the last good list."""
        from kiosk.hub_api import HubError

        try:
            document = self._hub.community_addresses()
            places = parse_addresses(document)
        except (HubError, AddressesInvalid, AttributeError) as exc:
            log.info("address list not refreshed: %s", type(exc).__name__)
            return self.places
        if places != self.places:
            write_atomic(self._path, json.dumps(document, ensure_ascii=False).encode())
            self.places = places
        return self.places
