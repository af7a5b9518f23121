"""One HubClient shared by the sync worker, the heartbeat and the UI's workers: each thread has its own
keep-alive Session, so concurrent calls never share a Session or a connection."""

from __future__ import annotations

import gc
import threading
import time

import requests

from hub.__main__ import DEMO_CASES, seed_demo_cases
from hub.store import HubStore
from kiosk.hub_client import HubClient

THREADS = 12
CALLS = 8


def seeded(hub) -> str:
    store = HubStore(hub.db_path)
    try:
        seed_demo_cases(store)
    finally:
        store.close()
    return DEMO_CASES[1][1]  # C9000002's local reference


def connections_made(client: HubClient, url: str) -> int:
    """New TCP connections this thread's Session opened to `url` (urllib3 counts them per pool)."""
    pools = client._session().get_adapter(url).poolmanager.pools
    return sum(pools[key].num_connections for key in pools.keys())


def test_many_threads_calling_at_once_all_succeed_each_on_its_own_session(hub_server):
    ref = seeded(hub_server)
    client = hub_server.client()
    start = threading.Barrier(THREADS)
    results: list[str] = []
    failures: list[BaseException] = []
    sessions: dict[int, set[int]] = {}
    connections: list[int] = []
    lock = threading.Lock()

    def caller(n: int) -> None:
        start.wait()
        try:
            for i in range(CALLS):
                if i % 2:
                    client.heartbeat({"caller": n, "call": i})
                    outcome = "heartbeat"
                else:
                    outcome = client.case_status(ref).status
                with lock:
                    results.append(outcome)
                    sessions.setdefault(n, set()).add(id(client._session()))
            with lock:
                connections.append(connections_made(client, hub_server.url))
        except BaseException as exc:  # collected and asserted on below
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(results) == THREADS * CALLS
    assert set(results) == {"in_progress", "heartbeat"}
    # one Session per thread, kept for all its calls, and keep-alive: one connection per thread
    assert all(len(ids) == 1 for ids in sessions.values())
    assert connections == [1] * THREADS
    # a thread that ends takes its Session (and connection) with it
    gc.collect()
    deadline = time.monotonic() + 10
    while client.open_sessions and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.open_sessions == 0
    client.close()


def test_close_closes_every_threads_session_and_the_client_still_works_after(hub_server):
    ref = seeded(hub_server)
    client = hub_server.client()
    called, release = threading.Barrier(5), threading.Event()

    def caller() -> None:
        client.case_status(ref)
        called.wait()
        release.wait(30)  # stay alive: its Session stays open until close()

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    called.wait(30)
    assert client.open_sessions == 4
    client.close()
    assert client.open_sessions == 0
    release.set()
    for thread in threads:
        thread.join(30)
    assert client.case_status(ref).case_id == "C9000002"  # a new Session for this thread
    assert client.open_sessions == 1
    client.close()


def test_an_injected_session_is_used_by_every_thread(hub_server):
    class CountingSession(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.sent = 0
            self.count_lock = threading.Lock()

        def request(self, *args, **kwargs):
            with self.count_lock:
                self.sent += 1
            return super().request(*args, **kwargs)

    injected = CountingSession()
    client = HubClient(hub_server.hub_config(), hub_server.credentials, session=injected)
    threads = [threading.Thread(target=client.heartbeat, args=({"n": n},)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    client.heartbeat({"n": "main"})
    assert injected.sent == 4
    assert client.open_sessions == 0  # no per-thread Sessions were made
    client.close()
