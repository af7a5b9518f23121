"""Working cases: the worklist query, the moves a case may make, and its payload as a role may see it.

A case moves received -> assigned -> in_progress -> resolved (-> closed), or to rejected from any
open status. Every move adds a timeline entry the resident sees in the progress query; a note staff
write in one language only is used for the other as well, so the resident never sees an empty note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contract.catalogue import DataClass, FieldType
from contract.masking import mask_value
from hub.catalogue_rollout import CatalogueRollout
from hub.console.shown import choice_label
from hub.console.words import translate
from hub.store import HubStore, StoreError

OPEN_STATUSES = ("received", "assigned", "in_progress")
# the moves the console offers, with the statuses each may start from
MOVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "start": ("in_progress", ("received", "assigned")),
    "resolve": ("resolved", ("assigned", "in_progress")),
    "reject": ("rejected", OPEN_STATUSES),
    "close": ("closed", ("resolved",)),
}


class MoveRefused(Exception):
    """A move the case's status does not allow, or a rejection without a reason."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class WorklistFilter:
    status: str = "open"  # "open", "all" or one status
    service: str = ""
    terminal: str = ""
    older_than_h: float = 0.0  # only cases received longer ago than this

    @classmethod
    def from_query(cls, query: dict[str, str]) -> WorklistFilter:
        try:
            older = max(0.0, float(query.get("older_than_h") or 0))
        except ValueError:
            older = 0.0
        return cls(
            status=query.get("status") or "open",
            service=(query.get("service") or "").strip(),
            terminal=(query.get("terminal") or "").strip(),
            older_than_h=older,
        )


def worklist(store: HubStore, wanted: WorklistFilter, limit: int = 300) -> list[dict[str, Any]]:
    """Cases matching the filter, oldest first, with their age in hours."""
    where, args = [], []
    if wanted.status == "open":
        where.append(f"status IN ({', '.join('?' * len(OPEN_STATUSES))})")
        args += list(OPEN_STATUSES)
    elif wanted.status != "all":
        where.append("status = ?")
        args.append(wanted.status)
    if wanted.service:
        where.append("service_id = ?")
        args.append(wanted.service)
    if wanted.terminal:
        where.append("terminal_id = ?")
        args.append(wanted.terminal)
    now = datetime.now(UTC)
    if wanted.older_than_h:
        where.append("received_at <= ?")
        args.append((now - timedelta(hours=wanted.older_than_h)).isoformat(timespec="seconds"))
    sql = (
        "SELECT seq, case_id, local_ref, service_id, terminal_id, received_at, status, assigned_to FROM cases"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY received_at, seq LIMIT ?"
    )
    with store.reading() as db:
        rows = db.execute(sql, [*args, limit])
        names = [d[0] for d in rows.description]
        found = [dict(zip(names, r, strict=True)) for r in rows.fetchall()]
    for case in found:
        case["age_h"] = _age_hours(case["received_at"], now)
    return found


def _age_hours(at: str | None, now: datetime) -> float | None:
    try:
        return round((now - datetime.fromisoformat(at)).total_seconds() / 3600, 3) if at else None
    except ValueError:
        return None


def latest_seq(store: HubStore) -> int:
    with store.reading() as db:
        return db.execute("SELECT COALESCE(MAX(seq), 0) FROM cases").fetchone()[0]


def filter_choices(store: HubStore) -> tuple[list[str], list[str]]:
    """(services, terminals) that have cases, for the worklist's filter lists."""
    with store.reading() as db:
        services = [r[0] for r in db.execute("SELECT DISTINCT service_id FROM cases ORDER BY 1").fetchall()]
        terminals = [r[0] for r in db.execute("SELECT DISTINCT terminal_id FROM cases ORDER BY 1").fetchall()]
    return services, terminals


def both_languages(zh: str, en: str) -> dict[str, str]:
    zh, en = zh.strip(), en.strip()
    return {"zh": zh or en, "en": en or zh} if (zh or en) else {}


def move(store: HubStore, case_id: str, how: str, zh: str = "", en: str = "") -> dict[str, Any]:
    """Make a move ("start", "resolve", "reject", "close") with the resident's note.
    Raises MoveRefused (not allowed from this status, rejection without reason), StoreError (404)."""
    if how not in MOVES:
        raise MoveRefused("unknown_move")
    target, allowed_from = MOVES[how]
    record = store.case_record(case_id)
    if record is None:
        raise StoreError("not_found", "no such case", 404)
    if record["status"] not in allowed_from:
        raise MoveRefused("not_from_status")
    notes = both_languages(zh, en)
    if how == "reject" and not notes:
        raise MoveRefused("reason_required")
    return store.advance_case(record["case_id"], target, notes=notes)


def assign(store: HubStore, case_id: str, username: str) -> dict[str, Any] | None:
    """Give the case to `username`; a received case becomes assigned (a timeline entry)."""
    record = store.case_record(case_id)
    if record is None:
        raise StoreError("not_found", "no such case", 404)
    if record["status"] not in OPEN_STATUSES:
        raise MoveRefused("not_from_status")
    with store.transaction() as db:
        db.execute("UPDATE cases SET assigned_to = ? WHERE case_id = ?", [username, record["case_id"]])
    if record["status"] == "received":
        return store.advance_case(record["case_id"], "assigned")
    return None


# --- the payload as a role sees it ---------------------------------------------------------------------


def field_specs(rollout: CatalogueRollout, version: str, service_id: str) -> dict[str, dict[str, Any]]:
    """The catalogue's field definitions of a service, from the version the case was submitted with
    (or the catalogue served now when that version is unknown here)."""
    document = rollout.document(version) or rollout.catalog_file.current()[2]
    for service in document.get("services", []):
        if isinstance(service, dict) and service.get("id") == service_id:
            return {f["id"]: f for f in service.get("fields", []) if isinstance(f, dict) and "id" in f}
    return {}


def payload_rows(
    payload: dict[str, Any], specs: dict[str, dict[str, Any]], lang: str, show_personal: bool
) -> list[dict[str, Any]]:
    """Label, value and whether it was masked, per payload key. A key the catalogue does not describe
    is treated as personal: better masked by mistake than shown by mistake. A choice shows its label
    in `lang`, not its key. The card's hash (what the terminal sends for a card's submission) is no
    answer of the resident's: it shows as one row "submitted with a card: yes", never its value."""
    rows = []
    for key, raw in payload.items():
        if key == "card_hash":
            rows.append(_with_card_row(lang))
            continue
        spec = specs.get(key, {})
        value = raw if isinstance(raw, str) else str(raw)
        try:
            data_class = DataClass(
                spec.get("data_class") or ("internal" if key == "card_hash" else "personal")
            )
        except ValueError:
            data_class = DataClass.PERSONAL
        try:
            field_type = FieldType(spec.get("type") or "text")
        except ValueError:
            field_type = FieldType.TEXT
        masked = data_class.is_protected and not show_personal
        if field_type is FieldType.CHOICE and not masked:
            value = choice_label(spec, value, lang)
        label = (spec.get("label") or {}).get(lang) or key
        rows.append(
            {
                "key": key,
                "label": label,
                "value": mask_value(value, field_type, data_class) if masked else value,
                "masked": masked,
                "protected": data_class.is_protected,
            }
        )
    return rows


def _with_card_row(lang: str) -> dict[str, Any]:
    return {
        "key": "card_hash",
        "label": translate("case.with_card", lang),
        "value": translate("yes", lang),
        "masked": False,
        "protected": False,
    }
