"""The durable outbox on a real SQLite file: what enqueue promises, what the file holds, how items
move between states, what technicians and the heartbeat read, and how it fails."""

from __future__ import annotations

import json
import os
import sqlite3
import threading

import pytest

from kiosk.config import QueueConfig
from kiosk.secrets import SERVICE
from kiosk.terminal_outbox import outbox_at
from offline_queue.errors import (
    ForeignQueueFile,
    OutboxLost,
    PayloadNotSerialisable,
    PayloadRefused,
    PayloadTooLarge,
    QueueCorrupt,
    QueueFull,
    UnknownFieldClass,
)
from offline_queue.local_ref import LocalRef
from offline_queue.outbox import Settlement
from offline_queue.outbox_file import start_new_outbox
from offline_queue.sync_lock import SyncLock

REPAIR = "repair.public_area"
VERSION = "2026.11-demo.1"
CLASSES = {"category": "public", "contact_name": "personal", "id_number": "sensitive", "phone": "personal"}
PAYLOAD = {
    "category": "lift-out-of-order",
    "contact_name": "王秀英",
    "id_number": "110101194503071234",
    "phone": "13912345678",
}


class Clock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def path(tmp_path):
    return tmp_path / "outbox.sqlite"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def outbox(file_keyring, path, clock):
    opened = outbox_at(path, "T0001", clock=clock)
    yield opened
    opened.close()


def _rows(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]


def _raw_bytes(path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")) if p.is_file())


# --- enqueue ---------------------------------------------------------------------------------------------


def test_enqueue_is_on_disk_for_any_other_connection_when_it_returns(outbox, path):
    ref = outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = other.execute("SELECT service_id, state FROM items WHERE seq = ?", [ref.sequence]).fetchone()
    assert row == (REPAIR, "pending")


def test_references_are_terminal_generation_and_a_rising_sequence(outbox):
    refs = [outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION) for _ in range(3)]
    assert [r.sequence for r in refs] == [1, 2, 3]
    assert {(r.terminal_id, r.generation) for r in refs} == {("T0001", outbox.generation)}
    assert [LocalRef.parse(str(r)) for r in refs] == refs
    assert len(str(refs[0])) <= 20


def test_a_reinstalled_database_never_repeats_a_reference(file_keyring, path):
    seen = set()
    for _ in range(3):
        opened = outbox_at(path, "T0001")
        seen.update(str(opened.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)) for _ in range(2))
        opened.close()
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()  # a re-install: the data directory is gone, keyring stays
        with pytest.raises(OutboxLost):  # a loss to report (test_outbox_lost.py) ...
            outbox_at(path, "T0001")
        start_new_outbox(path, "T0001")  # ... until a technician starts a new one
    assert len(seen) == 6


def test_an_old_keyring_mark_is_raised_to_the_generation_a_file_holds(file_keyring, path):
    import keyring

    first = outbox_at(path, "T0001")
    generation = first.generation
    first.close()
    keyring.set_password(SERVICE, "queue-generation/T0001", str(generation - 5))  # restored backup
    outbox_at(path, "T0001").close()
    assert int(keyring.get_password(SERVICE, "queue-generation/T0001")) == generation


def test_personal_and_sensitive_values_never_reach_the_file_in_clear(outbox, path):
    outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    for raw in (_raw_bytes(path), _checkpointed_bytes(path)):
        for secret in ("王秀英", "110101194503071234", "13912345678"):
            assert secret.encode("utf-8") not in raw
            assert json.dumps(secret).encode("ascii") not in raw  # nor \\u-escaped
        assert b"lift-out-of-order" in raw  # public fields stay readable: we read the right bytes


def _checkpointed_bytes(path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def test_a_field_without_a_known_class_is_refused_and_nothing_is_written(outbox, path):
    with pytest.raises(UnknownFieldClass) as unknown:
        outbox.enqueue(REPAIR, PAYLOAD, {**CLASSES, "phone": "secret-ish"}, VERSION)
    assert unknown.value.field == "phone"
    with pytest.raises(UnknownFieldClass) as missing:
        outbox.enqueue(REPAIR, {**PAYLOAD, "floor": 3}, CLASSES, VERSION)
    assert missing.value.field == "floor"
    assert _rows(path) == 0


@pytest.mark.parametrize(
    "value", [b"bytes", {1, 2}, float("nan"), object()], ids=["bytes", "set", "nan", "object"]
)
def test_a_payload_that_is_not_json_is_refused_before_anything_is_written(outbox, path, value):
    with pytest.raises(PayloadNotSerialisable) as refused:
        outbox.enqueue(REPAIR, {**PAYLOAD, "photo": value}, {**CLASSES, "photo": "public"}, VERSION)
    assert refused.value.field == "photo"
    assert refused.value.message_key == "error.payload_invalid"
    assert _rows(path) == 0
    assert outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION).sequence == 1  # no sequence burned


def test_a_payload_larger_than_any_batch_is_refused(file_keyring, path):
    small = outbox_at(path, "T0001", config=QueueConfig(batch_max_bytes=4096))
    try:
        with pytest.raises(PayloadTooLarge):
            small.enqueue(REPAIR, {"category": "x" * 5000}, {"category": "public"}, VERSION)
        with pytest.raises(PayloadRefused):
            small.enqueue("", PAYLOAD, CLASSES, VERSION)
    finally:
        small.close()
    assert _rows(path) == 0


def test_a_full_disk_is_a_typed_error_and_loses_nothing(file_keyring, path):
    capped = outbox_at(path, "T0001", max_db_bytes=96 * 1024)
    refs = []
    with pytest.raises(QueueFull) as full:
        for n in range(10_000):
            refs.append(str(capped.enqueue(REPAIR, {**PAYLOAD, "category": f"c{n}" * 100}, CLASSES, VERSION)))
    capped.close()
    assert full.value.path == path
    assert full.value.message_key == "error.queue_full"
    assert "full" in str(full.value)
    assert len(refs) > 10
    roomy = outbox_at(path, "T0001")  # space freed (here: no cap): everything stored is still there
    try:
        assert set(roomy.states()) == set(refs)
        assert str(roomy.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)) not in refs
    finally:
        roomy.close()


# --- files that are not ours --------------------------------------------------------------------------


def test_a_file_of_random_bytes_is_refused_and_left_untouched(file_keyring, path):
    path.write_bytes(os.urandom(8192))
    before = path.read_bytes()
    with pytest.raises(QueueCorrupt) as corrupt:
        outbox_at(path, "T0001")
    assert corrupt.value.path == path
    assert path.read_bytes() == before


def test_a_damaged_sqlite_file_is_refused_as_corrupt(file_keyring, path):
    opened = outbox_at(path, "T0001")
    opened.close()
    _checkpointed_bytes(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(4096 - 100)  # the schema page, after the 100-byte header
    path.write_bytes(bytes(data))
    with pytest.raises(QueueCorrupt):
        outbox_at(path, "T0001")
    assert path.read_bytes() == bytes(data)


def test_another_applications_database_is_refused_and_left_untouched(file_keyring, path):
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
        other.execute("INSERT INTO photos (caption) VALUES ('holiday')")
    before = path.read_bytes()
    with pytest.raises(ForeignQueueFile) as foreign:
        outbox_at(path, "T0001")
    assert "another application" in str(foreign.value)
    assert path.read_bytes() == before


def test_another_terminals_outbox_is_refused(file_keyring, path):
    outbox_at(path, "T0002").close()
    with pytest.raises(ForeignQueueFile, match="T0002"):
        outbox_at(path, "T0001")


# --- states -------------------------------------------------------------------------------------------


def test_in_flight_items_go_back_to_pending_when_the_outbox_is_opened_again(outbox, file_keyring, path):
    for _ in range(3):
        outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    assert len(outbox.claim_batch(10, 1 << 20)) == 3
    assert outbox.stats().in_flight == 3
    outbox.close()  # as if the process died mid-batch
    reopened = outbox_at(path, "T0001")
    try:
        assert (reopened.stats().depth, reopened.stats().in_flight) == (3, 0)
    finally:
        reopened.close()


def test_a_live_workers_in_flight_items_are_left_alone(outbox, file_keyring, path):
    outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    outbox.claim_batch(10, 1 << 20)
    other_process_worker = SyncLock(path)  # a second lock object conflicts like another process
    assert other_process_worker.try_acquire()
    try:
        second = outbox_at(path, "T0001")
        assert second.stats().in_flight == 1
        second.close()
    finally:
        other_process_worker.release()


def test_a_claim_takes_the_oldest_pending_items_once(outbox):
    refs = [str(outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)) for _ in range(5)]
    first = outbox.claim_batch(3, 1 << 20)
    second = outbox.claim_batch(3, 1 << 20)
    assert [c.local_ref for c in first] == refs[:3]
    assert [c.local_ref for c in second] == refs[3:]
    assert outbox.claim_batch(3, 1 << 20) == []


def test_acked_items_keep_their_case_and_drop_their_sealed_fields(outbox, path):
    outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    [claimed] = outbox.claim_batch(10, 1 << 20)
    assert outbox.submission_item(claimed).payload == PAYLOAD  # decrypted only for sending
    outbox.settle(Settlement(acked=((claimed.seq, "C0000042"),), hub_answered=True))
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT state, case_id, sealed FROM items").fetchone()
    assert row == ("acked", "C0000042", None)


def test_stats_tell_depth_age_dead_letters_and_the_last_outcome(outbox, clock):
    assert outbox.stats().oldest_pending_age_s is None
    for _ in range(4):
        outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    clock.now += 90
    a, b, c = outbox.claim_batch(3, 1 << 20)
    outbox.settle(Settlement(error="HubUnavailable status=503", retry=(c.seq,)))
    outbox.settle(Settlement(acked=((a.seq, "C1"),), dead=((b.seq, "unknown_service"),), hub_answered=True))
    stats = outbox.stats()
    assert (stats.depth, stats.in_flight, stats.dead_letters, stats.acked) == (2, 0, 1, 1)
    assert stats.oldest_pending_age_s == pytest.approx(90)
    assert stats.last_success_at is not None and stats.last_error is None  # the hub answered since
    outbox.settle(Settlement(error="HubRefused status=401"))
    assert outbox.stats().last_error == "HubRefused status=401"
    assert outbox.stats().as_heartbeat()["depth"] == 2


def test_dead_letters_are_listed_without_their_protected_values_and_can_be_sent_again(outbox):
    ref = str(outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION))
    [claimed] = outbox.claim_batch(1, 1 << 20)
    outbox.settle(Settlement(dead=((claimed.seq, "unknown_service"),), hub_answered=True))
    [letter] = outbox.dead_letters()
    assert (letter.local_ref, letter.reason, letter.attempts) == (ref, "unknown_service", 1)
    assert set(letter.field_names) == set(PAYLOAD)
    assert not any(value in repr(letter) for value in PAYLOAD.values())
    assert outbox.requeue_dead_letter(ref) is True
    assert outbox.requeue_dead_letter(ref) is False
    assert (outbox.stats().depth, outbox.stats().dead_letters) == (1, 0)


def test_acked_items_are_purged_after_retention_and_no_sequence_is_reused(outbox, clock):
    for _ in range(3):
        outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    batch = outbox.claim_batch(10, 1 << 20)
    outbox.settle(Settlement(acked=tuple((c.seq, f"C{c.seq}") for c in batch), hub_answered=True))
    clock.now += 29 * 86400
    assert outbox.purge_acked() == 0  # retention_days = 30
    clock.now += 2 * 86400
    assert outbox.purge_acked() == 2  # the newest row stays: it holds the sequence's high-water mark
    assert outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION).sequence == 4


def test_a_requeued_dead_letter_older_than_everything_open_is_claimed_again(outbox):
    refs = [str(outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)) for _ in range(3)]
    first, *rest = outbox.claim_batch(10, 1 << 20)
    outbox.settle(Settlement(dead=((first.seq, "unknown_service"),), acked=tuple((c.seq, "C") for c in rest)))
    newer = str(outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION))
    assert [c.local_ref for c in outbox.claim_batch(10, 1 << 20)] == [newer]
    assert outbox.requeue_dead_letter(refs[0])
    assert [c.local_ref for c in outbox.claim_batch(10, 1 << 20)] == [refs[0]]


def test_a_requeue_by_another_process_is_claimed_after_the_next_purge(outbox, file_keyring, path):
    ref = str(outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION))
    [claimed] = outbox.claim_batch(10, 1 << 20)
    outbox.settle(Settlement(dead=((claimed.seq, "unknown_service"),)))
    assert outbox.claim_batch(10, 1 << 20) == []
    technician = outbox_at(path, "T0001")
    assert technician.requeue_dead_letter(ref)
    technician.close()
    outbox.purge_acked()  # the worker purges hourly; it then looks at the whole table again
    assert [c.local_ref for c in outbox.claim_batch(10, 1 << 20)] == [ref]


def test_an_enqueue_waits_out_another_writer_instead_of_failing(outbox, path):
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # as the sync worker holds the write lock during a settle
    released = threading.Event()

    def release_soon() -> None:
        released.wait(0.3)  # the enqueue below is already waiting by then (or waits right after)
        other.execute("COMMIT")

    releaser = threading.Thread(target=release_soon)
    releaser.start()
    try:
        ref = outbox.enqueue(REPAIR, PAYLOAD, CLASSES, VERSION)
    finally:
        released.set()
        releaser.join()
        other.close()
    assert outbox.states() == {str(ref): "pending"}
