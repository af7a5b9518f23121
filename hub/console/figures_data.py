"""The figures a street office reports, computed from the hub's store over the last `days` days.

- Transactions completed at terminals: cases submitted at a terminal plus records and certificates a
  terminal printed, by service, by terminal and by hour of day (the office's local time).
- Waiting per status: how long cases stayed in each status (from their timelines; an open case's
  current status counts up to now), median and 90th percentile in hours.
- Ratings: how many of each star, the average, per service.
- Terminal share of routine work = transactions completed at terminals ÷ (those + window tickets
  issued). A window ticket is a visit the terminal passed to staff at the window, so the share says
  how much of the routine work that reached the office was done without a member of staff.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.console import shown
from hub.store import HubStore

OPEN = ("received", "assigned", "in_progress")


@dataclass(frozen=True)
class Figures:
    days: int
    by_service: list[tuple[str, int]]
    by_terminal: list[tuple[str, int]]
    by_hour: list[tuple[int, int]]  # all 24 hours
    waits: list[dict[str, Any]]  # status, cases, median_h, p90_h
    ratings: list[tuple[int, int]]  # stars 1..5, count
    rating_average: float | None
    ratings_by_service: list[tuple[str, float, int]]
    terminal_transactions: int
    window_tickets: int

    @property
    def terminal_share(self) -> float | None:
        total = self.terminal_transactions + self.window_tickets
        return None if total == 0 else self.terminal_transactions / total

    def tables(self) -> dict[str, tuple[list[str], list[list[Any]]]]:
        """Every figure as (header, rows), for the page's tables and the CSV export."""
        share = self.terminal_share
        return {
            "by_service": (["service_id", "transactions"], [list(r) for r in self.by_service]),
            "by_terminal": (["terminal_id", "transactions"], [list(r) for r in self.by_terminal]),
            "by_hour": (["hour", "transactions"], [list(r) for r in self.by_hour]),
            "waits": (
                ["status", "cases", "median_hours", "p90_hours"],
                [[w["status"], w["cases"], w["median_h"], w["p90_h"]] for w in self.waits],
            ),
            "ratings": (["stars", "count"], [list(r) for r in self.ratings]),
            "share": (
                ["terminal_transactions", "window_tickets", "terminal_share"],
                [[self.terminal_transactions, self.window_tickets, "" if share is None else round(share, 4)]],
            ),
        }


def _parse(at: str | None) -> datetime | None:
    if not at:
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def compute(store: HubStore, days: int = 30, timezone: str = "Asia/Shanghai") -> Figures:
    now = datetime.now(UTC)
    since = (now - timedelta(days=days)).isoformat(timespec="seconds")
    local_zone = shown.zone(timezone)
    with store.reading() as db:
        cases = db.execute(
            "SELECT case_id, service_id, terminal_id, created_at, status, rating FROM cases"
            " WHERE terminal_id != 'DEMO' AND received_at >= ?",
            [since],
        ).fetchall()
        records = db.execute(
            "SELECT service_id, terminal_id, issued_at FROM records WHERE issued_at >= ?", [since]
        ).fetchall()
        tickets = db.execute("SELECT COUNT(*) FROM tickets WHERE issued_at >= ?", [since]).fetchone()[0]
        events = db.execute(
            "SELECT e.case_id, e.at, e.status FROM case_events e JOIN cases c ON c.case_id = e.case_id"
            " WHERE c.terminal_id != 'DEMO' AND c.received_at >= ? ORDER BY e.case_id, e.id",
            [since],
        ).fetchall()
    done = [(c[1], c[2], c[3]) for c in cases] + [(r[0], r[1], r[2]) for r in records]
    hours: Counter[int] = Counter()
    for _, _, at in done:
        moment = _parse(at)
        if moment is not None:
            hours[moment.astimezone(local_zone).hour] += 1
    ratings = Counter(c[5] for c in cases if c[5] is not None)
    per_service: dict[str, list[int]] = defaultdict(list)
    for c in cases:
        if c[5] is not None:
            per_service[c[1]].append(c[5])
    rated = [c[5] for c in cases if c[5] is not None]
    return Figures(
        days=days,
        by_service=Counter(s for s, _, _ in done).most_common(),
        by_terminal=sorted(Counter(t for _, t, _ in done).items()),
        by_hour=[(h, hours.get(h, 0)) for h in range(24)],
        waits=_waits(events, now),
        ratings=[(stars, ratings.get(stars, 0)) for stars in range(1, 6)],
        rating_average=round(statistics.fmean(rated), 2) if rated else None,
        ratings_by_service=sorted((s, round(statistics.fmean(v), 2), len(v)) for s, v in per_service.items()),
        terminal_transactions=len(done),
        window_tickets=tickets,
    )


def _waits(events: list[tuple[str, str, str]], now: datetime) -> list[dict[str, Any]]:
    spent: dict[str, list[float]] = defaultdict(list)
    by_case: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for case_id, at, status in events:
        moment = _parse(at)
        if moment is not None:
            by_case[case_id].append((moment, status))
    for timeline in by_case.values():
        for (at, status), following in zip(timeline, [*timeline[1:], None], strict=True):
            if following is not None:
                spent[status].append((following[0] - at).total_seconds() / 3600)
            elif status in OPEN:
                spent[status].append((now - at).total_seconds() / 3600)
    return [
        {
            "status": status,
            "cases": len(spent[status]),
            "median_h": round(statistics.median(spent[status]), 2),
            "p90_h": round(_p90(spent[status]), 2),
        }
        for status in OPEN
        if spent[status]
    ]
