"""Staff accounts of the hub: roles, argon2id password hashes, lock-out, and the staff audit log.

    accounts = StaffAccounts(store)
    accounts.add("wang", "case_officer", password)          # python -m hub staff add ...
    who = accounts.check_password("wang", password, now)    # a StaffMember, or raises SignInRefused

A wrong password counts against the account; after `max_failures` in a row the account is locked for
`lock_s` seconds (and every attempt in that time is refused without looking at the password, so a
guesser learns nothing). An unknown name costs the same hashing work as a known one. Every staff
action goes through `record_action`, never with a personal value in it.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.store import HubStore, utc_now_iso
from hub.stores import open_store

ROLES = ("case_officer", "fleet_technician", "administrator")
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so both paths cost the same hashing work (made on
    first use: hashing at import would slow every hub start)."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_s: float = 15 * 60


class StaffError(Exception):
    """An account that cannot be made or changed as asked (bad role, short password, taken name)."""


class SignInRefused(Exception):
    """Wrong name or password, or a locked or disabled account; `locked_until` set when locked."""

    def __init__(self, reason: str, locked_until: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "bad_credentials" | "locked" | "disabled"
        self.locked_until = locked_until


class StaffAccounts:
    """Staff accounts in the hub's store."""

    def __init__(self, store: HubStore, policy: LockoutPolicy | None = None) -> None:
        self.store = store
        self.policy = policy or LockoutPolicy()

    def add(self, username: str, role: str, password: str) -> StaffMember:
        """A new account. Raises StaffError (unknown role, short password, name taken)."""
        username = username.strip()
        if not username or len(username) > 64 or not username.isprintable():
            raise StaffError("a username is 1 to 64 printable characters")
        if role not in ROLES:
            raise StaffError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise StaffError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM staff WHERE username = ?", [username]).fetchone():
                raise StaffError(f"there is already an account named {username!r}")
            db["staff"].insert(
                {
                    "username": username,
                    "role": role,
                    "password_hash": _hasher.hash(password),
                    "created_at": utc_now_iso(),
                    "disabled": 0,
                    "failed_logins": 0,
                    "locked_until": 0.0,
                }
            )
        record_action(self.store, "cli", "staff.add", username, {"role": role})
        return StaffMember(username, role)

    def member(self, username: str) -> StaffMember | None:
        with self.store.reading() as db:
            row = db.execute(
                "SELECT username, role FROM staff WHERE username = ? AND disabled = 0", [username]
            ).fetchone()
        return None if row is None else StaffMember(row[0], row[1])

    def members(self) -> list[StaffMember]:
        with self.store.reading() as db:
            rows = db.execute("SELECT username, role FROM staff WHERE disabled = 0 ORDER BY username")
            return [StaffMember(u, r) for u, r in rows.fetchall()]

    def check_password(self, username: str, password: str, now: float | None = None) -> StaffMember:
        """The member when the password is right. Raises SignInRefused; a wrong password is counted."""
        now = time.time() if now is None else now
        with self.store.reading() as db:
            row = db.execute(
                "SELECT role, password_hash, disabled, failed_logins, locked_until FROM staff"
                " WHERE username = ?",
                [username],
            ).fetchone()
        if row is None:
            _verify(_dummy_hash(), password)
            raise SignInRefused("bad_credentials")
        role, password_hash, disabled, failures, locked_until = row
        if disabled:
            raise SignInRefused("disabled")
        if locked_until and now < locked_until:
            raise SignInRefused("locked", locked_until)
        if not _verify(password_hash, password):
            failures = (failures or 0) + 1
            lock = now + self.policy.lock_s if failures >= self.policy.max_failures else 0.0
            with self.store.transaction() as db:
                db.execute(
                    "UPDATE staff SET failed_logins = ?, locked_until = ? WHERE username = ?",
                    [0 if lock else failures, lock, username],
                )
            if lock:
                raise SignInRefused("locked", lock)
            raise SignInRefused("bad_credentials")
        with self.store.transaction() as db:
            db.execute("UPDATE staff SET failed_logins = 0, locked_until = 0 WHERE username = ?", [username])
            if _hasher.check_needs_rehash(password_hash):
                db.execute(
                    "UPDATE staff SET password_hash = ? WHERE username = ?",
                    [_hasher.hash(password), username],
                )
        return StaffMember(username, role)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def record_action(
    store: HubStore, username: str, action: str, target: str = "", detail: dict[str, Any] | None = None
) -> None:
    """One line in the staff audit log. `detail` holds ids, statuses and counts, never personal values."""
    with store.transaction() as db:
        db["staff_audit"].insert(
            {
                "at": utc_now_iso(),
                "username": username,
                "action": action,
                "target": target,
                "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
            }
        )


def audit_log(store: HubStore, limit: int = 200) -> list[dict[str, Any]]:
    """The latest staff actions, newest first."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT at, username, action, target, detail FROM staff_audit ORDER BY id DESC LIMIT ?", [limit]
        ).fetchall()
    return [
        {"at": at, "username": user, "action": action, "target": target, "detail": json.loads(detail or "{}")}
        for at, user, action, target, detail in rows
    ]


# --- python -m hub staff ... ----------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str:
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise StaffError("the two passwords differ")
    return first


def _staff_add(args: argparse.Namespace) -> int:

    try:
        member = StaffAccounts(open_store(args.db)).add(args.username, args.role, _read_password(args))
    except StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"staff account {member.username} ({member.role}) created")
    return 0


def _staff_list(args: argparse.Namespace) -> int:

    for member in StaffAccounts(open_store(args.db)).members():
        print(f"{member.username}\t{member.role}")
    return 0


def add_staff_commands(sub: Any) -> None:
    """`python -m hub staff add|list` on the hub's argument parser."""
    staff = sub.add_parser("staff", help="staff accounts of the console (add, list)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create a staff account (password from a prompt or a file)")
    add.add_argument("--db", required=True, help="the hub's SQLite file")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-file", default=None, help="read the password from this file's first line")
    add.set_defaults(func=_staff_add)
    listing = staff_sub.add_parser("list", help="list staff accounts and roles")
    listing.add_argument("--db", required=True)
    listing.set_defaults(func=_staff_list)
