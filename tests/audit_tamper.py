"""What an attacker with the audit file does, written against its raw layout (kiosk.audit_blocks):
each change goes straight into the SQLite file, to a tail row or inside a sealed block, wherever the
entry is held. The tests then check that AuditLog.verify names it."""

from __future__ import annotations

import sqlite3


class Tamper:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _block(self, seq: int) -> tuple[int, list[bytes], list[bytes]] | None:
        """(first_seq, entries, hashes) of the block holding `seq`, or None (a tail row)."""
        row = self.conn.execute(
            "SELECT first_seq, entries, hashes FROM blocks WHERE first_seq <= ? AND first_seq + n > ? ",
            (seq, seq),
        ).fetchone()
        if row is None:
            return None
        first, entries, hashes = row
        return first, entries.split(b"\n"), [hashes[i : i + 32] for i in range(0, len(hashes), 32)]

    def _write_block(self, first: int, entries: list[bytes], hashes: list[bytes]) -> None:
        self.conn.execute(
            "UPDATE blocks SET n = ?, entries = ?, hashes = ? WHERE first_seq = ?",
            (len(entries), b"\n".join(entries), b"".join(hashes), first),
        )

    def blocks(self) -> int:
        return self.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]

    def rows(self) -> int:
        return self.conn.execute("SELECT count(*) FROM entries").fetchone()[0]

    def get(self, seq: int) -> tuple[bytes, bytes]:
        block = self._block(seq)
        if block is None:
            entry, h = self.conn.execute("SELECT entry, h FROM entries WHERE seq = ?", (seq,)).fetchone()
            return bytes(entry), bytes(h)
        first, entries, hashes = block
        return entries[seq - first], hashes[seq - first]

    def put(self, seq: int, entry: bytes | None = None, h: bytes | None = None) -> None:
        """Overwrite entry `seq`'s stored bytes and/or its stored h."""
        old_entry, old_h = self.get(seq)
        entry, h = (old_entry if entry is None else entry), (old_h if h is None else h)
        block = self._block(seq)
        if block is None:
            self.conn.execute("UPDATE entries SET entry = ?, h = ? WHERE seq = ?", (entry, h, seq))
            return
        first, entries, hashes = block
        entries[seq - first], hashes[seq - first] = entry, h
        self._write_block(first, entries, hashes)

    def delete(self, seq: int) -> tuple[bytes, bytes]:
        """Take entry `seq` out (the ones after it in its block move up); returns what it held."""
        held = self.get(seq)
        block = self._block(seq)
        if block is None:
            self.conn.execute("DELETE FROM entries WHERE seq = ?", (seq,))
        else:
            first, entries, hashes = block
            del entries[seq - first], hashes[seq - first]
            self._write_block(first, entries, hashes)
        return held

    def insert(self, seq: int, entry: bytes, h: bytes) -> None:
        """Put an entry back at `seq`: into the block whose run it extends, else as a tail row."""
        row = self.conn.execute(
            "SELECT first_seq FROM blocks WHERE first_seq <= ? AND first_seq + n >= ? ", (seq, seq)
        ).fetchone()
        if row is None:
            self.conn.execute("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", (seq, entry, h))
            return
        first, entries, hashes = self._block(row[0]) or (row[0], [], [])
        entries.insert(seq - first, entry)
        hashes.insert(seq - first, h)
        self._write_block(first, entries, hashes)

    def move(self, seq: int, to: int) -> None:
        self.insert(to, *self.delete(seq))

    def truncate_after(self, seq: int) -> None:
        """Delete every entry above `seq` (the tail of the chain)."""
        self.conn.execute("DELETE FROM entries WHERE seq > ?", (seq,))
        self.conn.execute("DELETE FROM blocks WHERE first_seq > ?", (seq,))
        block = self._block(seq)
        if block is not None:
            first, entries, hashes = block
            self._write_block(first, entries[: seq - first + 1], hashes[: seq - first + 1])

    def all_entry_bytes(self) -> bytes:
        rows = b"".join(bytes(r[0]) for r in self.conn.execute("SELECT entry FROM entries"))
        return rows + b"".join(bytes(r[0]) for r in self.conn.execute("SELECT entries FROM blocks"))
