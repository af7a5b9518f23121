"""What an attacker with the audit file does, written against its raw layout (kiosk.audit_blocks):
each change goes straight into the SQLite file, to a tail row or inside a sealed block, wherever the
entry is held. The tests then check that AuditLog.verify names it. HubTamper does the same to the
hub's copy of a terminal's chain (hub.audit_blocks), in either store's database."""

from __future__ import annotations

from typing import Any

from contract.audit_chain import GENESIS, PREFIX, hashed_bytes


class Tamper:
    """On the terminal's file: `blocks` and the tail `entries` (entry and h as bytes)."""

    BLOCKS, ROWS, WHERE = "blocks", "entries", ""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def _stored(self, entry: bytes, h: bytes) -> tuple[Any, Any]:
        """A tail row's (entry, h) as the layout stores them."""
        return entry, h

    def _read(self, entry: Any, h: Any) -> tuple[bytes, bytes]:
        return bytes(entry), bytes(h)

    def _add_row(self, seq: int, entry: bytes, h: bytes) -> None:
        self.conn.execute(
            "INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", (seq, *self._stored(entry, h))
        )

    def _block(self, seq: int) -> tuple[int, list[bytes], list[bytes]] | None:
        """(first_seq, hashed bytes, hashes) of the block holding `seq`, or None (a tail row): each
        entry as the block holds it, h_{n-1} ‖ seq ‖ entry (kiosk.audit_blocks)."""
        row = self.conn.execute(
            f"SELECT first_seq, sep, inputs, hashes FROM {self.BLOCKS} WHERE {self.WHERE}first_seq <= ? AND first_seq + n > ?",
            (seq, seq),
        ).fetchone()
        if row is None:
            return None
        first, sep, inputs, hashes = row
        return first, inputs.split(sep), [hashes[i : i + 32] for i in range(0, len(hashes), 32)]

    def _write_block(self, first: int, inputs: list[bytes], hashes: list[bytes]) -> None:
        where = f"{self.WHERE}first_seq = ?"
        sep = self.conn.execute(f"SELECT sep FROM {self.BLOCKS} WHERE {where}", (first,)).fetchone()[0]
        self.conn.execute(
            f"UPDATE {self.BLOCKS} SET n = ?, inputs = ?, hashes = ? WHERE {where}",
            (len(inputs), sep.join(inputs), b"".join(hashes), first),
        )

    def _h_before(self, first: int) -> bytes:
        row = self.conn.execute(
            f"SELECT hashes FROM {self.BLOCKS} WHERE {self.WHERE}first_seq + n = ?", (first,)
        ).fetchone()
        return GENESIS if row is None else bytes(row[0][-32:])

    def blocks(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {self.BLOCKS} WHERE {self.WHERE}1 = 1").fetchone()[0]

    def rows(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {self.ROWS} WHERE {self.WHERE}1 = 1").fetchone()[0]

    def get(self, seq: int) -> tuple[bytes, bytes]:
        block = self._block(seq)
        if block is None:
            row = self.conn.execute(f"SELECT entry, h FROM {self.ROWS} WHERE {self.WHERE}seq = ?", (seq,))
            return self._read(*row.fetchone())
        first, inputs, hashes = block
        return inputs[seq - first][PREFIX:], hashes[seq - first]

    def put(self, seq: int, entry: bytes | None = None, h: bytes | None = None) -> None:
        """Overwrite entry `seq`'s stored bytes and/or its stored h (in a block: the entry part of
        its hashed bytes; the h_{n-1} ‖ seq before it stay as they were)."""
        old_entry, old_h = self.get(seq)
        entry, h = (old_entry if entry is None else entry), (old_h if h is None else h)
        block = self._block(seq)
        if block is None:
            self.conn.execute(
                f"UPDATE {self.ROWS} SET entry = ?, h = ? WHERE {self.WHERE}seq = ?",
                (*self._stored(entry, h), seq),
            )
            return
        first, inputs, hashes = block
        inputs[seq - first], hashes[seq - first] = inputs[seq - first][:PREFIX] + entry, h
        self._write_block(first, inputs, hashes)

    def delete(self, seq: int) -> tuple[bytes, bytes]:
        """Take entry `seq` out (the ones after it in its block move up); returns what it held."""
        held = self.get(seq)
        block = self._block(seq)
        if block is None:
            self.conn.execute(f"DELETE FROM {self.ROWS} WHERE {self.WHERE}seq = ?", (seq,))
        else:
            first, inputs, hashes = block
            del inputs[seq - first], hashes[seq - first]
            self._write_block(first, inputs, hashes)
        return held

    def insert(self, seq: int, entry: bytes, h: bytes) -> None:
        """Put an entry back at `seq`: into the block whose run it extends, else as a tail row. In a
        block it gets the h_{n-1} ‖ seq its new place should have (the attacker covers the move)."""
        row = self.conn.execute(
            f"SELECT first_seq FROM {self.BLOCKS} WHERE {self.WHERE}first_seq <= ? AND first_seq + n >= ?",
            (seq, seq),
        ).fetchone()
        if row is None:
            self._add_row(seq, entry, h)
            return
        first, inputs, hashes = self._block(row[0]) or (row[0], [], [])
        before = hashes[seq - first - 1] if seq > first else self._h_before(first)
        inputs.insert(seq - first, hashed_bytes(before, seq, entry))
        hashes.insert(seq - first, h)
        self._write_block(first, inputs, hashes)

    def move(self, seq: int, to: int) -> None:
        self.insert(to, *self.delete(seq))

    def truncate_after(self, seq: int) -> None:
        """Delete every entry above `seq` (the tail of the chain)."""
        self.conn.execute(f"DELETE FROM {self.ROWS} WHERE {self.WHERE}seq > ?", (seq,))
        self.conn.execute(f"DELETE FROM {self.BLOCKS} WHERE {self.WHERE}first_seq > ?", (seq,))
        block = self._block(seq)
        if block is not None:
            first, inputs, hashes = block
            self._write_block(first, inputs[: seq - first + 1], hashes[: seq - first + 1])

    def all_entry_bytes(self) -> bytes:
        rows = b"".join(bytes(r[0]) for r in self.conn.execute("SELECT entry FROM entries"))
        return rows + b"".join(bytes(r[0]) for r in self.conn.execute("SELECT inputs FROM blocks"))


class HubTamper(Tamper):
    """On the hub's copy of one terminal's chain: `audit_blocks` and the tail `audit_entries` (the
    entry as text, h as hex). `conn`: a sqlite3 connection to the hub's file, or StoreStatements."""

    BLOCKS, ROWS = "audit_blocks", "audit_entries"

    def __init__(self, conn: Any, terminal_id: str) -> None:
        super().__init__(conn)
        self.terminal_id = terminal_id
        self.WHERE = f"terminal_id = '{terminal_id}' AND "

    def _stored(self, entry: bytes, h: bytes) -> tuple[Any, Any]:
        return entry.decode("utf-8"), h.hex()

    def _read(self, entry: Any, h: Any) -> tuple[bytes, bytes]:
        return entry.encode("utf-8"), bytes.fromhex(h)

    def _add_row(self, seq: int, entry: bytes, h: bytes) -> None:
        self.conn.execute(
            "INSERT INTO audit_entries (terminal_id, seq, entry, h, received_at) VALUES (?, ?, ?, ?, 'x')",
            (self.terminal_id, seq, *self._stored(entry, h)),
        )


class StoreStatements:
    """Either hub store as a connection whose every statement is its own transaction (an attacker
    at the database's prompt): execute(sql, params) -> the rows, with fetchone/fetchall."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def execute(self, sql: str, params: Any = ()) -> _Rows:
        with self.store.transaction() as db:
            cursor = db.execute(sql, list(params))
            return _Rows(cursor.fetchall() if cursor.description else [])


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return self._rows
