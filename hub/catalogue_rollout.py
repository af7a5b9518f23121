"""Catalogue versions and their rollout: upload, stage to a group, promote to all, roll back.

    rollout = CatalogueRollout(store, CatalogFile(path))
    rollout.upload(document, "li")         # validated with the terminal's rules (contract.catalogue)
    rollout.stage("2026.12-1", "east-gate", "li")
    rollout.promote("li")                  # the staged version becomes every terminal's
    rollout.rollback("li")                 # unstage; or, with nothing staged, the previous stable
    body, etag, doc = rollout.document_for("T0001")    # what GET /v1/catalog serves this terminal

Until a version is promoted, terminals outside the staged group get the catalogue file (the demo's,
or `--catalog`), as before there were versions. The groups are the staged document's own
`terminal_groups`, so the terminal and the hub agree on who belongs where. Versions never change once
uploaded, so their bytes and ETags are cached per version; the rollout state is read from the store
on every request (several hub processes share it).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from contract.catalogue import CatalogueInvalid, parse_catalogue
from hub.catalog import CatalogFile
from hub.store import HubStore, utc_now_iso


class RolloutError(Exception):
    """A rollout step that cannot be taken now; `error` is a code the console translates."""

    def __init__(self, error: str, detail: str = "") -> None:
        super().__init__(f"{error}: {detail}" if detail else error)
        self.error = error
        self.detail = detail


@dataclass(frozen=True)
class RolloutState:
    stable: str | None  # None: the catalogue file is served
    staged: str | None
    staged_group: str | None
    staged_members: tuple[str, ...]
    versions: tuple[dict[str, str], ...]  # version, uploaded_by, uploaded_at; newest first
    promotions: tuple[dict[str, str], ...]  # version, at, username; newest first


def _served(document: dict[str, Any]) -> tuple[bytes, str]:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class CatalogueRollout:
    def __init__(self, store: HubStore, catalog_file: CatalogFile) -> None:
        self.store = store
        self.catalog_file = catalog_file
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[bytes, str, dict[str, Any]]] = {}

    # --- staff steps ---------------------------------------------------------------------------------

    def upload(self, document: Any, username: str) -> str:
        """Keep a new version. Raises CatalogueInvalid (with `where`) or RolloutError("version_taken")
        when that version exists with other content; the same content again is accepted."""
        parsed = parse_catalogue(document)
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT document FROM catalogue_versions WHERE version = ?", [parsed.version]
            ).fetchone()
            if row is not None:
                if json.loads(row[0]) != document:
                    raise RolloutError("version_taken", parsed.version)
                return parsed.version
            db["catalogue_versions"].insert(
                {
                    "version": parsed.version,
                    "document": text,
                    "uploaded_by": username,
                    "uploaded_at": utc_now_iso(),
                }
            )
        return parsed.version

    def stage(self, version: str, group: str, username: str) -> None:
        """Serve `version` to the terminals of `group` (one of the version's terminal_groups)."""
        document = self._version(version)[2]
        if group not in (document.get("terminal_groups") or {}):
            raise RolloutError("unknown_group", group)
        with self.store.transaction() as db:
            db["catalogue_stage"].upsert(
                {
                    "slot": 1,
                    "version": version,
                    "group_name": group,
                    "at": utc_now_iso(),
                    "username": username,
                },
                pk="slot",
            )

    def promote(self, username: str) -> str:
        """The staged version becomes every terminal's. Raises RolloutError("nothing_staged")."""
        with self.store.transaction() as db:
            row = db.execute("SELECT version FROM catalogue_stage WHERE slot = 1").fetchone()
            if row is None:
                raise RolloutError("nothing_staged")
            db["catalogue_promotions"].insert({"version": row[0], "at": utc_now_iso(), "username": username})
            db.execute("DELETE FROM catalogue_stage WHERE slot = 1")
        return row[0]

    def rollback(self, username: str) -> str | None:
        """Undo the last step: a staged version is withdrawn; with none staged, the latest promotion
        is undone and the version before it (or the catalogue file) is served again. Returns the
        version now served to all (None: the file). Raises RolloutError("nothing_to_roll_back")."""
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM catalogue_stage WHERE slot = 1").fetchone():
                db.execute("DELETE FROM catalogue_stage WHERE slot = 1")
            else:
                last = db.execute("SELECT MAX(id) FROM catalogue_promotions").fetchone()[0]
                if last is None:
                    raise RolloutError("nothing_to_roll_back")
                db.execute("DELETE FROM catalogue_promotions WHERE id = ?", [last])
            row = db.execute("SELECT version FROM catalogue_promotions ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else row[0]

    # --- what is served ------------------------------------------------------------------------------

    def state(self) -> RolloutState:
        with self.store.reading() as db:
            stable = db.execute(
                "SELECT version FROM catalogue_promotions ORDER BY id DESC LIMIT 1"
            ).fetchone()
            staged = db.execute("SELECT version, group_name FROM catalogue_stage WHERE slot = 1").fetchone()
            versions = db.execute(
                "SELECT version, uploaded_by, uploaded_at FROM catalogue_versions ORDER BY uploaded_at DESC,"
                " version DESC"
            ).fetchall()
            promotions = db.execute(
                "SELECT version, at, username FROM catalogue_promotions ORDER BY id DESC LIMIT 20"
            ).fetchall()
        members: tuple[str, ...] = ()
        if staged is not None:
            groups = self._version(staged[0])[2].get("terminal_groups") or {}
            members = tuple(groups.get(staged[1], ()))
        return RolloutState(
            stable=stable[0] if stable else None,
            staged=staged[0] if staged else None,
            staged_group=staged[1] if staged else None,
            staged_members=members,
            versions=tuple({"version": v, "uploaded_by": u, "uploaded_at": a} for v, u, a in versions),
            promotions=tuple({"version": v, "at": a, "username": u} for v, a, u in promotions),
        )

    def version_for(self, terminal_id: str) -> str | None:
        """The version this terminal should run (None: the catalogue file's). On every batch and
        catalogue request: one statement for what it needs (not `state()`'s version list)."""
        with self.store.reading() as db:
            stable, staged, group = db.execute(
                "SELECT (SELECT version FROM catalogue_promotions ORDER BY id DESC LIMIT 1),"
                " (SELECT version FROM catalogue_stage WHERE slot = 1),"
                " (SELECT group_name FROM catalogue_stage WHERE slot = 1)"
            ).fetchone()
        if staged is not None:
            groups = self._version(staged)[2].get("terminal_groups") or {}
            if terminal_id in tuple(groups.get(group, ())):
                return staged
        return stable

    def document_for(self, terminal_id: str) -> tuple[bytes, str, dict[str, Any]]:
        """(body, ETag, document) of the catalogue GET /v1/catalog serves this terminal."""
        version = self.version_for(terminal_id)
        if version is None:
            return self.catalog_file.current()
        return self._version(version)

    def services_for(self, terminal_id: str) -> dict[str, dict[str, Any]]:
        services = self.document_for(terminal_id)[2].get("services", [])
        return {s["id"]: s for s in services if isinstance(s, dict) and isinstance(s.get("id"), str)}

    def document(self, version: str) -> dict[str, Any] | None:
        """A version's document; None when no such version was uploaded."""
        try:
            return self._version(version)[2]
        except RolloutError:
            return None

    def _version(self, version: str) -> tuple[bytes, str, dict[str, Any]]:
        with self._lock:
            cached = self._cache.get(version)
        if cached is not None:
            return cached
        with self.store.reading() as db:
            row = db.execute(
                "SELECT document FROM catalogue_versions WHERE version = ?", [version]
            ).fetchone()
        if row is None:
            raise RolloutError("unknown_version", version)
        document = json.loads(row[0])
        served = (*_served(document), document)
        with self._lock:
            self._cache[version] = served
        return served


__all__ = ["CatalogueInvalid", "CatalogueRollout", "RolloutError", "RolloutState"]
