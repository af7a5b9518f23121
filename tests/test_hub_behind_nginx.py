"""The README's reverse proxy, run: Debian's nginx with packaging/nginx/community-hub.conf (the file
the README shows, with only ports and certificate paths replaced) terminating TLS in front of two
hub processes on one PostgreSQL, and a real terminal client verifying TLS against the test's CA.

- signatures verify through the proxy: enrolment by code, submissions through the sync worker,
  heartbeats, case queries with an escaped path and with a query string;
- forwarded headers as the README says: the hub sees the client's own address (the enrolment rate
  limit counts per address, and a forged X-Forwarded-For does not open a new count) and https (the
  console's cookies are Secure);
- the body limit: a body the hub accepts passes nginx, one over the hub's limit gets the hub's own
  JSON 413 (which the sync worker understands), not nginx's page;
- a hub process killed with SIGKILL is routed around: nothing the terminal sends fails.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import ssl
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests

from contract import signing
from hub.stores import open_store
from hub.testing import ROOT, RunningHub, issue_enrolment_code
from kiosk.config import HubConfig, QueueConfig
from kiosk.enrolment import exchange_code, new_credentials
from kiosk.hub_api import HubNotFound, HubRefused, HubUnavailable, SubmissionItem
from kiosk.hub_client import HubClient
from kiosk.secrets import HubCredentials
from kiosk.terminal_outbox import outbox_at
from offline_queue import SyncWorker
from tests.fixtures.postgres import _free_port
from tests.support.tls import self_signed_certificate
from tests.support.waiting import wait_for

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (Debian package nginx-light; scripts/bootstrap.sh installs it)",
)

CONFIG = ROOT / "packaging" / "nginx" / "community-hub.conf"
HUB_MAX_BODY = 4 * 1024 * 1024  # the hub's default --max-body-bytes, as the config's comment says
ENROLMENT_PER_MINUTE = 4
# the parts of the README's config a site changes; each must be in the file exactly once
PLACES = {
    "listen": "listen 443 ssl;",
    "first": "server 127.0.0.1:8801 ",
    "second": "server 127.0.0.1:8802 ",
    "certificate": "ssl_certificate     /etc/community-hub/tls/hub.crt;",
    "key": "ssl_certificate_key /etc/community-hub/tls/hub.key;",
}
# one line per request: who asked, what, the answer, and the hub process(es) nginx tried
ACCESS_FORMAT = '$remote_addr $request_method $request_uri $status "$upstream_addr" "$upstream_status"'
ACCESS_LINE = re.compile(r'^(\S+) (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)"$')


@dataclass
class Access:
    client: str
    method: str
    uri: str
    status: int
    upstreams: list[str]  # "127.0.0.1:PORT" each process tried, in order
    upstream_statuses: list[str]


@dataclass
class Nginx:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    ca: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def access(self) -> list[Access]:
        lines = (self.folder / "access.log").read_text().splitlines()
        found = []
        for line in lines:
            m = ACCESS_LINE.match(line)
            assert m, line
            client, method, uri, status, upstreams, statuses = m.groups()
            found.append(
                Access(
                    client,
                    method,
                    uri,
                    int(status),
                    re.split(r", | : ", upstreams),
                    re.split(r", | : ", statuses),
                )
            )
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish the requests in hand
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def site_config(ports: tuple[int, int], listen_port: int, cert: Path, key: Path) -> str:
    """The README's file with a test's ports and certificate; fails when a changed place is gone."""
    text = CONFIG.read_text()
    for name, place in PLACES.items():
        assert text.count(place) == 1, f"the config no longer has its {name} line: {place!r}"
    return (
        text.replace(PLACES["listen"], f"listen 127.0.0.1:{listen_port} ssl;")
        .replace(PLACES["first"], f"server 127.0.0.1:{ports[0]} ")
        .replace(PLACES["second"], f"server 127.0.0.1:{ports[1]} ")
        .replace(PLACES["certificate"], f"ssl_certificate {cert};")
        .replace(PLACES["key"], f"ssl_certificate_key {key};")
    )


def start_nginx(folder: Path, ports: tuple[int, int], cert: Path, key: Path) -> Nginx:
    """nginx in the foreground, one process (no worker user to switch to), everything in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    (folder / "community-hub.conf").write_text(site_config(ports, port, cert, key))
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"""daemon off;
master_process off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    log_format routed '{ACCESS_FORMAT}';
    access_log {folder / "access.log"} routed;
{temp}    include {folder / "community-hub.conf"};
}}
"""
    )
    command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("ab"))
    nginx = Nginx(folder, port, process, cert)
    try:
        wait_for(lambda: _answers(nginx), "nginx answering over TLS", timeout_s=15)
    except BaseException:
        nginx.stop()
        raise
    return nginx


def _answers(nginx: Nginx) -> bool:
    if nginx.process.poll() is not None:
        raise AssertionError((nginx.folder / "error.log").read_text()[-2000:])
    try:
        return requests.get(nginx.url + "/healthz", timeout=2, verify=str(nginx.ca)).status_code == 200
    except requests.RequestException:
        return False


@dataclass
class Fronted:
    nginx: Nginx
    hubs: tuple[RunningHub, RunningHub]
    pg_url: str
    credentials: HubCredentials | None = None

    def hub_config(self, **overrides) -> HubConfig:
        values = {"url": self.nginx.url, "ca_bundle": str(self.nginx.ca), "connect_timeout_s": 2.0,
                  "read_timeout_s": 10.0, **overrides}  # fmt: skip
        return HubConfig(**values)

    def client(self) -> HubClient:
        assert self.credentials is not None
        return HubClient(self.hub_config(), self.credentials)

    def enrol(self, terminal_id: str = "T0001") -> HubCredentials:
        code = issue_enrolment_code(self.pg_url, terminal_id)
        self.credentials = exchange_code(
            self.nginx.url, code, terminal_id, ca_bundle=str(self.nginx.ca)
        ).credentials
        return self.credentials

    def upstream_port(self, hub: RunningHub) -> str:
        return f"127.0.0.1:{hub.port}"


@pytest.fixture
def fronted(pg_url, file_keyring, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    shared = ("--key-file", str(tmp_path / "fleet-field.key"),
              "--enrolment-per-minute", str(ENROLMENT_PER_MINUTE))  # fmt: skip
    hubs = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            hub = RunningHub(db_path=tmp_path / name / "hub", terminal_id="T0001",
                             credentials=new_credentials("T0001"), db_url=pg_url, extra_args=shared)  # fmt: skip
            hub.start(timeout_s=60)  # a bound for a hung start: this shared machine is often loaded
            hubs.append(hub)
        nginx = start_nginx(tmp_path / "nginx", (hubs[0].port, hubs[1].port), cert, key)
        try:
            yield Fronted(nginx, (hubs[0], hubs[1]), pg_url)
        finally:
            nginx.stop()
    finally:
        for hub in hubs:
            hub.stop()


def test_the_readme_shows_the_config_this_test_runs():
    readme = (ROOT / "README.md").read_text()
    assert str(CONFIG.relative_to(ROOT)) in readme
    assert "```nginx\n" + CONFIG.read_text() + "```" in readme, (
        "README.md's nginx block differs from the file"
    )


def _submit(outbox, n: int, start: int = 0) -> list[str]:
    classes = {"category": "public", "location": "personal"}
    return [
        str(outbox.enqueue("repair.public_area", {"category": "lift", "location": f"{i}号楼"}, classes, "v1"))
        for i in range(start, start + n)
    ]


def _drain(client: HubClient, tmp_path: Path, *, items: int, batch_max_items: int):
    """`items` submissions into a new outbox, sent by a real sync worker until none is left."""
    config = QueueConfig(
        batch_max_items=batch_max_items, idle_poll_s=0.05, backoff_base_s=0.05, backoff_cap_s=0.5
    )
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=config)
    refs = _submit(outbox, items)
    worker = SyncWorker(outbox, client, config)
    worker.start()
    try:
        drained = lambda: outbox.stats().depth == 0 and outbox.stats().in_flight == 0  # noqa: E731
        wait_for(drained, "outbox drained", timeout_s=60)
    finally:
        assert worker.stop()
    return outbox, refs


def _heartbeat(client: HubClient) -> dict:
    return client.heartbeat({"sent_at": None, "uptime_s": 1.0, "devices": {}, "queue": {}, "versions": {}})


def test_a_terminal_enrols_submits_queries_and_heartbeats_through_nginx_over_verified_tls(fronted, tmp_path):
    fronted.enrol()
    client = fronted.client()
    untrusting = HubClient(replace(fronted.hub_config(), ca_bundle=""), fronted.credentials)
    with pytest.raises(HubUnavailable) as refused:
        untrusting.fetch_catalog()  # the system's CAs do not know the test's certificate: TLS is checked
    assert isinstance(refused.value.__cause__, requests.exceptions.SSLError)

    outbox, refs = _drain(client, tmp_path, items=30, batch_max_items=5)
    assert set(outbox.states().values()) == {"acked"} and outbox.stats().dead_letters == 0
    for _ in range(6):
        assert isinstance(_heartbeat(client), dict)
    assert client.case_status(refs[0]).local_ref == refs[0]
    with pytest.raises(HubNotFound):  # signed as "%20%2F..%2F": a path nginx decoded would be refused (401)
        client.case_status("T0001 /../x")
    assert client.cases_for_card("ab" * 32) == []  # a query string, signed as sent

    store = open_store(fronted.pg_url)
    try:
        cases = store.list_cases()
    finally:
        store.close()
    assert sorted(c["local_ref"] for c in cases) == sorted(refs)
    routed = fronted.nginx.access()
    assert {a.status for a in routed} <= {200, 404}, [
        (a.uri, a.status) for a in routed if a.status not in (200, 404)
    ]
    served_by = {a.upstreams[-1] for a in routed if a.uri.startswith("/v1/")}
    assert served_by == {fronted.upstream_port(h) for h in fronted.hubs}  # both processes served the fleet


def _enrolment_attempt(nginx: Nginx, source: str, forged_for: str | None = None) -> int:
    """POST /v1/enrolment with a wrong code from the loopback address `source`; the status."""
    context = ssl.create_default_context(cafile=str(nginx.ca))
    connection = http.client.HTTPSConnection("127.0.0.1", nginx.port, source_address=(source, 0), context=context,
                                             timeout=10)  # fmt: skip
    headers = {"Content-Type": "application/json"}
    if forged_for:
        headers["X-Forwarded-For"] = forged_for
    try:
        connection.request("POST", "/v1/enrolment", body=json.dumps({"code": "WRONG-0000"}), headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_hub_sees_the_clients_own_address_and_https_through_nginx(fronted):
    nginx = fronted.nginx
    # one client forging a new X-Forwarded-For each time is still one address: two processes, each
    # counting ENROLMENT_PER_MINUTE attempts per address, refuse it after at most twice that many
    statuses = [
        _enrolment_attempt(nginx, "127.0.0.5", forged_for=f"10.0.0.{n}")
        for n in range(3 * ENROLMENT_PER_MINUTE)
    ]
    assert 429 in statuses[: 2 * ENROLMENT_PER_MINUTE + 1], statuses
    assert 429 not in statuses[:ENROLMENT_PER_MINUTE], statuses
    # another address is counted on its own (without the forwarded address both would be nginx's)
    assert _enrolment_attempt(nginx, "127.0.0.6") != 429
    clients = lambda: {a.client for a in nginx.access() if a.uri == "/v1/enrolment"}  # noqa: E731
    wait_for(
        lambda: clients() == {"127.0.0.5", "127.0.0.6"}, "both clients in nginx's log"
    )  # written after the answer

    # https as the client used it: the console's cookies are Secure through nginx, not on plain http
    through = requests.get(nginx.url + "/console/sign-in", timeout=10, verify=str(nginx.ca))
    direct = requests.get(fronted.hubs[0].url + "/console/sign-in", timeout=10)
    assert through.status_code == direct.status_code == 200
    assert "secure" in through.headers["set-cookie"].lower()
    assert "secure" not in direct.headers["set-cookie"].lower()


def _signed_post(fronted: Fronted, path: str, body: bytes) -> requests.Response:
    creds = fronted.credentials
    headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, body)
    headers["Content-Type"] = "application/json"
    return requests.post(
        fronted.nginx.url + path, data=body, headers=headers, timeout=30, verify=str(fronted.nginx.ca)
    )


def _batch_of_size(size: int) -> bytes:
    """A well-formed batch body of exactly `size` bytes (one item whose text fills it)."""
    item = {"idempotency_key": "T0001-big-1", "local_ref": "T0001-000001", "service_id": "repair.public_area",
            "catalog_version": "v1", "created_at": "2026-12-01T08:00:00+00:00",
            "payload": {"category": "lift", "location": ""}}  # fmt: skip
    empty = json.dumps({"items": [item]}, ensure_ascii=True).encode()
    item["payload"]["location"] = "x" * (size - len(empty))
    body = json.dumps({"items": [item]}, ensure_ascii=True).encode()
    assert len(body) == size
    return body


def test_the_body_limit_behind_nginx_is_the_hubs_and_an_oversized_batch_is_a_413(fronted):
    fronted.enrol()
    at_limit = _signed_post(fronted, "/v1/submissions:batch", _batch_of_size(HUB_MAX_BODY))
    # read by the hub in full and judged there (its own JSON answer), not stopped on the way
    assert at_limit.headers.get("content-type", "").startswith("application/json"), at_limit.text[:300]
    assert at_limit.status_code != 413, at_limit.text[:300]
    over = _signed_post(fronted, "/v1/submissions:batch", _batch_of_size(HUB_MAX_BODY + 1))
    assert over.status_code == 413, over.text[:300]  # nginx's own answer, the hub never saw the body
    posts = lambda: [a for a in fronted.nginx.access() if a.uri == "/v1/submissions:batch"]  # noqa: E731
    wait_for(lambda: len(posts()) == 2, "both in nginx's log")  # each line is written after the answer
    assert posts()[1].status == 413 and posts()[1].upstreams == ["-"]  # refused before any hub process
    # the terminal's client reads it as "too large" (HubRefused 413): the sync worker halves the batch
    big = [_item(n, "x" * (HUB_MAX_BODY // 4)) for n in range(5)]
    with pytest.raises(HubRefused) as refused:
        fronted.client().submit_batch(big)
    assert refused.value.status == 413


def _item(n: int, location: str) -> SubmissionItem:
    return SubmissionItem(
        idempotency_key=f"T0001-big-{n}",
        local_ref=f"T0001-{n:06d}",
        service_id="repair.public_area",
        catalog_version="v1",
        created_at="2026-12-01T08:00:00+00:00",
        payload={"category": "lift", "location": location},
    )


def test_a_hub_process_killed_is_routed_around(fronted, tmp_path):
    fronted.enrol()
    client = fronted.client()
    for _ in range(4):
        _heartbeat(client)
    killed, alive = fronted.hubs
    killed.kill()  # SIGKILL: a process that dies mid-service
    before = len(fronted.nginx.access())

    outbox, refs = _drain(client, tmp_path, items=12, batch_max_items=3)
    assert outbox.stats().dead_letters == 0
    for _ in range(10):
        assert isinstance(_heartbeat(client), dict)  # none raised HubUnavailable: no 502 reached the terminal
    after = fronted.nginx.access()[before:]
    assert after and all(a.status == 200 for a in after), [(a.uri, a.status, a.upstreams) for a in after]
    assert {a.upstreams[-1] for a in after} == {fronted.upstream_port(alive)}
    # a request nginx sent to the dead process first went on to the live one (refused connection)
    tried_dead = [a for a in after if fronted.upstream_port(killed) in a.upstreams]
    assert tried_dead, [(a.uri, a.upstreams) for a in after]
    store = open_store(fronted.pg_url)
    try:
        assert sorted(c["local_ref"] for c in store.list_cases()) == sorted(refs)
    finally:
        store.close()
