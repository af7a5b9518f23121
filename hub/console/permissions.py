"""Who may do what in the staff console: permissions per role, checked on every page and action.

Personal values of a case (fields of class personal or sensitive) are shown only to case officers,
who need them to work the case; everyone else sees them masked.
"""

from __future__ import annotations

from hub.staff import StaffMember

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "case_officer": frozenset({"cases.view", "cases.work", "cases.personal", "figures.view"}),
    "fleet_technician": frozenset(
        {"fleet.view", "fleet.command", "catalogue.view", "catalogue.manage", "figures.view"}
    ),
    "administrator": frozenset(
        {
            "cases.view",
            "fleet.view",
            "fleet.command",
            "catalogue.view",
            "catalogue.manage",
            "figures.view",
            "audit.view",
        }
    ),
}


class NotPermitted(Exception):
    """The signed-in member's role does not allow this; answered 403 with a page saying so."""

    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


def can(member: StaffMember | None, permission: str) -> bool:
    return member is not None and permission in ROLE_PERMISSIONS.get(member.role, frozenset())


def require(member: StaffMember, permission: str) -> None:
    """Raises NotPermitted unless the member's role has `permission`."""
    if not can(member, permission):
        raise NotPermitted(permission)
