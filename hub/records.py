"""Demo records and certificates (POST /v1/records).

A real hub asks the civil registry or the social-insurance system. The reference hub derives the
figures deterministically from a digest of the id number, so the same resident always gets the same
record, and masks every personal value before it leaves the hub (the kiosk prints what it receives).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from contract.masking import mask_id_number, mask_name

VERIFY_BASE = "https://hub.example.gov.cn/verify/"

_STREETS = ("幸福路", "和平街", "建设路", "光明巷", "长青路", "文化街")
_PURPOSES = {
    "school": {"zh": "子女入学", "en": "School enrolment"},
    "employment": {"zh": "就业登记", "en": "Job registration"},
    "social_insurance": {"zh": "社保办理", "en": "Social insurance"},
    "other": {"zh": "其他", "en": "Other"},
}
_PERIODS = {"last_12_months": 12, "last_24_months": 24, "this_year": 11, "last_year": 12}
_INSURANCE = {
    "pension": ({"zh": "养老保险", "en": "Pension"}, 0.08),
    "medical": ({"zh": "医疗保险", "en": "Medical"}, 0.02),
    "unemployment": ({"zh": "失业保险", "en": "Unemployment"}, 0.005),
}


class NoRecord(Exception):
    """The hub has no record of this kind for the subject (or the service issues none)."""


class SubjectIncomplete(Exception):
    """The subject lacks what the record needs (an id number)."""


def _digest(id_number: str) -> bytes:
    return hashlib.sha256(("demo-registry:" + id_number).encode("utf-8")).digest()


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def issue_record(
    service: dict[str, Any],
    subject: dict[str, Any],
    number: Callable[[str], str],
    now: datetime | None = None,
) -> dict[str, Any]:
    """A RecordDocument as JSON for a `record` service of the catalogue. `number(issued_at)` gives
    the document its own number (the store's register, HubStore.issue_record); it is asked
    only once the document can be made, so a refused request takes no number.

    Raises NoRecord (not a record service, or nothing on file) and SubjectIncomplete.
    """
    if service.get("kind") != "record":
        raise NoRecord("this service issues no record")
    id_number = subject.get("id_number")
    if not isinstance(id_number, str) or len(id_number.strip()) < 8:
        raise SubjectIncomplete("the subject needs an id number")
    now = now or datetime.now(UTC)
    d = _digest(id_number.strip())
    name = subject.get("name") if isinstance(subject.get("name"), str) else ""
    rows: list[dict[str, Any]] = [
        {"label": _label("姓名", "Name"), "value": mask_name(name) if name else "—"},
        {"label": _label("身份证号", "ID number"), "value": mask_id_number(id_number)},
    ]
    if service["id"].startswith("certificate."):
        street = _STREETS[d[0] % len(_STREETS)]
        rows.append({"label": _label("居住地址", "Address"), "value": f"{street}**号{d[1] % 9 + 1}栋"})
        rows.append({"label": _label("登记居住起始", "Resident since"), "value": str(2000 + d[2] % 25)})
        purpose = _PURPOSES.get(str(subject.get("purpose", "")), _PURPOSES["other"])
        # the purpose is words: by language for the resident's (walk 5, M9: "社保办理 / Social insurance"
        # on a Chinese screen), both in `value` for a terminal that reads only that
        rows.append(
            {
                "label": _label("证明用途", "Purpose"),
                "value": purpose["zh"] + " / " + purpose["en"],
                "value_text": dict(purpose),
            }
        )
    else:
        months = _PERIODS.get(str(subject.get("period", "")), 12)
        base = 4000 + (int.from_bytes(d[:2], "big") % 40) * 100  # monthly contribution base, yuan
        chosen = str(subject.get("insurance", "all"))
        kinds = list(_INSURANCE) if chosen not in _INSURANCE else [chosen]
        rows.append({"label": _label("缴费月数", "Months paid"), "value": str(months)})
        rows.append({"label": _label("缴费基数（元/月）", "Base (yuan/month)"), "value": f"{base:.2f}"})
        for kind in kinds:
            label, rate = _INSURANCE[kind]
            total = base * rate * months
            rows.append(
                {
                    "label": _label(label["zh"] + "合计（元）", label["en"] + " total (yuan)"),
                    "value": f"{total:.2f}",
                }
            )
    issued_at = now.isoformat(timespec="seconds")
    record_id = number(issued_at)
    title = service.get("title") if isinstance(service.get("title"), dict) else _label("记录", "Record")
    return {
        "record_id": record_id,
        "service_id": service["id"],
        "title": title,
        "rows": rows,
        "issued_at": issued_at,
        # the QR names this one document: its number is the register's key (service, terminal, time)
        "verify_url": VERIFY_BASE + record_id,
    }
