"""The suite's hubs are forked from a zygote (tests/support/hub_zygote.py) and must behave as a hub
started by a new interpreter: the queue crash test's hub died silently now and then (2 full runs in
6) with SIGPIPE, when a terminal it was answering had been killed."""

from __future__ import annotations

import socket

from hub.testing import popen_launcher


def _clients_that_leave_before_the_answer(port: int, n: int) -> None:
    for _ in range(n):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(b"GET /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        # closed unread: the hub's second write of its answer meets the reset


def test_a_forked_hub_outlives_clients_gone_before_its_answer(hub_server):
    assert type(hub_server.process).__name__ == "ForkedHub", "this hub was not forked by the zygote"
    try:
        _clients_that_leave_before_the_answer(hub_server.port, 200)
    except OSError as exc:
        raise AssertionError(f"the hub went away ({exc!r}), exit status {hub_server.process.poll()}") from exc
    assert hub_server.running, f"the hub ended, exit status {hub_server.process.poll()}"


def test_a_hub_of_its_own_interpreter_outlives_them_too(hub_server):
    """The same against `python -m hub serve` in a new interpreter: what the forked hub must match."""
    hub_server.stop()
    hub_server.launcher = popen_launcher
    hub_server.start(timeout_s=60)
    _clients_that_leave_before_the_answer(hub_server.port, 200)
    assert hub_server.running, f"the hub ended, exit status {hub_server.process.poll()}"
