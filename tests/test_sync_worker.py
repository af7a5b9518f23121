"""The sync worker against a small scripted hub (the real hub is in test_sync_worker_hub.py): batch
limits, how each answer is classified, backoff, and that it never holds up an enqueue."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable

import pytest

from kiosk.config import QueueConfig
from kiosk.hub_api import HubProtocolError, HubRefused, HubUnavailable, SubmissionItem, SubmissionResult
from kiosk.terminal_outbox import outbox_at
from offline_queue.backoff import full_jitter, retry_delay
from offline_queue.errors import SyncAlreadyRunning
from offline_queue.outbox import Outbox
from offline_queue.sync_worker import SyncWorker
from tests.support.waiting import wait_for

REPAIR = "repair.public_area"
CLASSES = {"category": "public", "phone": "personal"}


def _payload(n: int, size: int = 10) -> dict:
    return {"category": f"{n:04d}" + "x" * size, "phone": "13912345678"}


class ScriptedHub:
    """Answers like the hub (accepted, then duplicate for a known key) unless a step is scripted:
    an exception to raise, or a function from the items to the results."""

    def __init__(self) -> None:
        self.calls: list[list[SubmissionItem]] = []
        self.script: list[BaseException | Callable[[list[SubmissionItem]], list[SubmissionResult]]] = []
        self.cases: dict[str, str] = {}
        self.gate: threading.Event | None = None  # when set, a call waits for it (a slow hub)

    def submit_batch(self, items: list[SubmissionItem]) -> list[SubmissionResult]:
        self.calls.append(list(items))
        if self.gate is not None:
            assert self.gate.wait(30)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, BaseException):
                raise step
            return step(items)
        return [self.answer(i) for i in items]

    def answer(self, item: SubmissionItem) -> SubmissionResult:
        if item.idempotency_key in self.cases:
            return SubmissionResult(item.idempotency_key, "duplicate", self.cases[item.idempotency_key])
        self.cases[item.idempotency_key] = f"C{len(self.cases) + 1:07d}"
        return SubmissionResult(item.idempotency_key, "accepted", self.cases[item.idempotency_key])




CONFIG = QueueConfig(batch_max_items=10, backoff_base_s=0.01, backoff_cap_s=0.05, idle_poll_s=60.0)


@pytest.fixture
def outbox(file_keyring, tmp_path):
    opened = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=CONFIG)
    yield opened
    opened.close()


@pytest.fixture
def hub():
    return ScriptedHub()


@pytest.fixture
def worker(outbox, hub):
    made = SyncWorker(outbox, hub, CONFIG, rng=random.Random(4))
    yield made
    assert made.stop(10)


def _fill(outbox: Outbox, n: int, size: int = 10) -> list[str]:
    return [str(outbox.enqueue(REPAIR, _payload(i, size), CLASSES, "v1")) for i in range(n)]


def test_batches_respect_the_item_limit_in_order(outbox, hub, worker):
    refs = _fill(outbox, 25)
    report = worker.sync_now()
    assert [len(c) for c in hub.calls] == [10, 10, 5]
    assert [i.local_ref for c in hub.calls for i in c] == refs
    assert (report.batches, report.acked, report.depth_after, report.error) == (3, 25, 0, None)


def test_batches_respect_the_byte_limit(file_keyring, tmp_path, hub):
    config = QueueConfig(batch_max_items=100, batch_max_bytes=8 * 1024)
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=config)
    try:
        _fill(outbox, 12, size=2000)
        SyncWorker(outbox, hub, config).sync_now()
        assert sum(len(c) for c in hub.calls) == 12 and len(hub.calls) > 1
        for call in hub.calls:
            assert sum(len(json.dumps(i.payload).encode()) for i in call) <= config.batch_max_bytes
    finally:
        outbox.close()


def test_protected_fields_are_sent_decrypted_with_the_stored_idempotency_key(outbox, hub, worker):
    _fill(outbox, 1)
    hub.script = [HubUnavailable("down", status=503)]
    worker.sync_now()
    worker.sync_now()
    first, second = hub.calls
    assert first[0].payload == second[0].payload == _payload(0)
    assert first[0].idempotency_key == second[0].idempotency_key  # stable: the retry is a duplicate


def test_accepted_and_duplicate_are_acked_with_their_case_and_rejected_is_a_dead_letter(outbox, hub, worker):
    refs = _fill(outbox, 3)

    def mixed(items):
        a, b, c = items
        return [
            SubmissionResult(a.idempotency_key, "accepted", "C1"),
            SubmissionResult(b.idempotency_key, "duplicate", "C0"),
            SubmissionResult(c.idempotency_key, "rejected", reason="unknown_service"),
        ]

    hub.script = [mixed]
    report = worker.sync_now()
    assert (report.acked, report.dead_lettered) == (2, 1)
    assert outbox.states() == {refs[0]: "acked", refs[1]: "acked", refs[2]: "dead_letter"}
    [letter] = outbox.dead_letters()
    assert (letter.local_ref, letter.reason) == (refs[2], "unknown_service")


def test_an_unavailable_hub_keeps_items_pending_and_backs_off_no_sooner_than_retry_after(outbox, hub, worker):
    _fill(outbox, 3)
    hub.script = [HubUnavailable("busy", status=429, retry_after_s=30.0)]
    worker.start()
    wait_for(lambda: worker.next_delay_s is not None)
    assert worker.next_delay_s >= 30.0
    stats = outbox.stats()
    assert (stats.depth, stats.in_flight, stats.dead_letters) == (3, 0, 0)
    assert stats.last_error == "HubUnavailable status=429"
    assert len(hub.calls) == 1  # waiting out the Retry-After, not hammering
    report = worker.sync_now()  # a technician's force sync does not wait
    assert report.acked == 3 and report.error is None


def test_consecutive_failures_back_off_exponentially_with_jitter():
    rng = random.Random(1)
    for attempt in range(12):
        delay = full_jitter(attempt, 1.0, 300.0, rng)
        assert 0 <= delay <= min(300.0, 2**attempt)
    assert retry_delay(0, 1.0, 300.0, 45.0, rng) >= 45.0
    assert retry_delay(0, 1.0, 300.0, 1e9, rng) <= 3600.0  # an absurd Retry-After is capped
    spread = {round(full_jitter(8, 1.0, 300.0, rng)) for _ in range(50)}
    assert len(spread) > 20  # a fleet does not come back in lockstep


def test_garbage_from_the_hub_splits_the_batch_and_sends_it_again_at_once(outbox, hub, worker):
    # garbage for a whole batch may come from one item in it (offline_queue/poison.py): the older
    # half goes at once, no backoff; a one-off glitch costs one request and loses nothing
    refs = _fill(outbox, 4)
    hub.script = [HubProtocolError("hub answer is not JSON (HTTP 200)")]
    report = worker.sync_now()
    assert [len(call) for call in hub.calls[:2]] == [4, 2]
    assert [i.local_ref for i in hub.calls[1]] == refs[:2]
    assert report.error is None and report.acked == 4 and outbox.stats().dead_letters == 0


def test_an_answer_that_misses_an_item_acks_the_rest_and_retries_the_missing_one(outbox, hub, worker):
    refs = _fill(outbox, 3)
    hub.script = [lambda items: [hub.answer(i) for i in items[:2]]]
    report = worker.sync_now()
    assert report.error == "HubProtocolError unanswered=1"
    assert outbox.states()[refs[2]] == "pending" and outbox.stats().last_error == report.error
    worker.sync_now()
    assert [i.local_ref for i in hub.calls[-1]] == [refs[2]]
    assert set(outbox.states().values()) == {"acked"}


def test_a_refused_batch_is_a_terminal_problem_retried_later_not_a_dead_letter(outbox, hub, worker):
    _fill(outbox, 2)
    hub.script = [HubRefused("bad token", status=401, error="unauthorised")]
    report = worker.sync_now()
    assert report.error == "HubRefused status=401 error=unauthorised"
    assert (outbox.stats().depth, outbox.stats().dead_letters) == (2, 0)
    assert worker.sync_now().acked == 2


def test_too_large_halves_the_batch_and_a_single_item_too_large_is_a_dead_letter(outbox, hub, worker):
    refs = _fill(outbox, 8)
    too_large = HubRefused("too large", status=413, error="too_large")
    hub.script = [too_large, too_large, too_large, too_large]
    for _ in range(4):
        worker.sync_now(max_batches=1)
    assert [len(c) for c in hub.calls] == [8, 4, 2, 1]
    assert outbox.states()[refs[0]] == "dead_letter"
    assert outbox.dead_letters()[0].reason == "too_large"
    assert worker.sync_now().acked == 7


def test_items_whose_sealed_fields_do_not_open_become_dead_letters(file_keyring, tmp_path, hub):
    path = tmp_path / "outbox.sqlite"
    old = Outbox(path, "T0001", key=b"\x01" * 32)
    _fill(old, 2)
    old.close()
    replaced_key = Outbox(path, "T0001", key=b"\x02" * 32)
    try:
        report = SyncWorker(replaced_key, hub, CONFIG).sync_now()
        assert (report.dead_lettered, hub.calls) == (2, [])
        assert {d.reason for d in replaced_key.dead_letters()} == {"cannot_decrypt"}
    finally:
        replaced_key.close()


def test_an_enqueue_wakes_a_running_worker_without_waiting_for_the_idle_poll(outbox, hub, worker):
    worker.start()
    wait_for(lambda: worker.cycles >= 1)  # it looked, found nothing and sleeps for the idle poll
    _fill(outbox, 1)
    wait_for(lambda: outbox.stats().acked == 1)  # idle_poll_s is 60: only the wake explains it


def test_wake_sends_work_another_process_enqueued(outbox, hub, worker, file_keyring):
    worker.start()
    wait_for(lambda: worker.cycles >= 1)
    other = outbox_at(outbox.path, "T0001", config=CONFIG)  # another connection, as another process has
    try:
        _fill(other, 1)
    finally:
        other.close()
    worker.wake()
    wait_for(lambda: outbox.stats().acked == 1)


def test_a_slow_hub_never_holds_up_enqueue_or_stats(outbox, hub, worker):
    _fill(outbox, 5)
    hub.gate = threading.Event()
    worker.start()
    wait_for(lambda: len(hub.calls) == 1)  # a batch is in flight, its hub call hangs
    began = time.monotonic()
    refs = _fill(outbox, 20)
    stats = outbox.stats()
    elapsed = time.monotonic() - began
    hub.gate.set()
    assert elapsed < 5.0  # a blocked enqueue would wait for the gate (30 s)
    assert (stats.in_flight, stats.depth) == (5, 20)
    wait_for(lambda: set(outbox.states(refs).values()) == {"acked"})


def test_stop_is_clean_and_frees_the_outbox_for_another_worker(outbox, hub, worker):
    _fill(outbox, 3)
    worker.start()
    wait_for(lambda: outbox.stats().acked == 3)
    assert worker.stop(5) is True and not worker.running
    other = SyncWorker(outbox, hub, CONFIG)
    other.start()
    assert other.stop(5)


def test_a_second_worker_on_the_same_outbox_is_refused(outbox, hub, worker):
    worker.start()
    with pytest.raises(SyncAlreadyRunning):
        SyncWorker(outbox, hub, CONFIG).start()
    with pytest.raises(SyncAlreadyRunning):
        SyncWorker(outbox, hub, CONFIG).sync_now()
