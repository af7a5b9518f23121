"""How the console shows stored values to staff: times in the hub's one local zone (the
`timezone` console setting, the same the figures use), waits in minutes or hours, service titles and
choice labels from the catalogue the hub serves, in the page's language. Stored values stay as they
are (ISO UTC, ids, keys): only the page changes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hub.catalogue_rollout import CatalogueRollout


def zone(name: str) -> ZoneInfo | type[UTC]:
    """The named zone, or UTC for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time(value: Any, tz: ZoneInfo | type[UTC], seconds: bool = False) -> str:
    """ISO 8601 text or epoch seconds as "2026-12-01 22:43" in `tz`; "—" for nothing, the text as
    sent when it is not a time."""
    if value is None or value == "":
        return "—"
    try:
        if isinstance(value, int | float):
            moment = datetime.fromtimestamp(value, UTC)
        else:
            moment = datetime.fromisoformat(str(value))
    except (ValueError, OverflowError, OSError):
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def waited(hours: float | None, lang: str) -> str:
    """A wait as people say it: "5 分钟" / "5 min" under an hour, "3.5 小时" / "3.5 h" up to two
    days, then days."""
    if hours is None:
        return "—"
    minutes = hours * 60
    if minutes < 60:
        n = max(0, round(minutes))
        return f"{n} 分钟" if lang == "zh" else f"{n} min"
    if hours < 48:
        return f"{hours:.1f} 小时" if lang == "zh" else f"{hours:.1f} h"
    days = hours / 24
    return f"{days:.1f} 天" if lang == "zh" else f"{days:.1f} days"


class CatalogueWords:
    """Service titles and choice labels from the catalogue the hub serves now (and, for a case, the
    version it was submitted with): an id or key the catalogue does not know shows as it is."""

    def __init__(self, rollout: CatalogueRollout) -> None:
        self.rollout = rollout

    def _services(self, version: str | None = None) -> dict[str, dict[str, Any]]:
        document = (version and self.rollout.document(version)) or self.rollout.catalog_file.current()[2]
        return {
            s["id"]: s for s in document.get("services", []) if isinstance(s, dict) and isinstance(s.get("id"), str)
        }

    def service_title(self, service_id: str, lang: str, version: str | None = None) -> str:
        service = self._services(version).get(service_id) or self._services().get(service_id) or {}
        title = service.get("title") or {}
        return str(title.get(lang) or title.get("zh") or service_id) if isinstance(title, dict) else service_id

    def titles(self, service_ids: list[str], lang: str) -> list[tuple[str, str]]:
        """(id, title) for each id, for a filter list."""
        services = self._services()
        out = []
        for sid in service_ids:
            title = (services.get(sid) or {}).get("title") or {}
            out.append((sid, str(title.get(lang) or title.get("zh") or sid) if isinstance(title, dict) else sid))
        return out


def choice_label(spec: dict[str, Any], value: str, lang: str) -> str:
    """A choice field's label for the stored key (`lift` -> 电梯 / Lift); the key when unknown."""
    for choice in spec.get("choices") or []:
        if isinstance(choice, dict) and choice.get("value") == value:
            label = choice.get("label") or {}
            if isinstance(label, dict) and (label.get(lang) or label.get("zh")):
                return str(label.get(lang) or label.get("zh"))
    return value
