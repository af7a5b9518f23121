"""Times as a resident or a technician reads them: local time, "2026-12-01 15:09", never ISO UTC.

The hub and the queue keep times as ISO 8601 (UTC) or epoch seconds; screens and receipts show them
through `human_time`, in the terminal's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

HUMAN_FORMAT = "%Y-%m-%d %H:%M"


def human_time(value: str | datetime | float | None, tz: tzinfo | None = None) -> str | None:
    """`value` (ISO text, an aware or naive-UTC datetime, or epoch seconds) in local time (or `tz`),
    minutes precision. None stays None; text that is not a time is returned as it is."""
    if value is None:
        return None
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the hub and the queue store UTC
    return moment.astimezone(tz).strftime(HUMAN_FORMAT)
