"""Property-based fuzzing of the reference hub from its own OpenAPI description (issue 10, item 6).

Schemathesis generates requests for every operation the hub publishes at /openapi.json, valid ones
(positive) and ones that break the schema (negative: wrong types, missing fields, bodies that are not
JSON at all), and sends them over loopback to the hub running as a real subprocess — once signed with
a test terminal's credentials (a `requests` auth that signs each generated request as the kiosk
does, so the calls get past the gate into the endpoints), once unsigned (the gate's own refusals).

The property: the hub never answers 5xx, and every refusal the application gives is JSON
`{error, message}`; and every operation was reached in both generation modes. The run is bounded
(a fixed number of examples, ~45 s for both on an idle machine, cut short by a time budget on a
loaded one) and prints its figures: exchanges, answers by status, 5xx count.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from contract import signing
from hub.testing import start_hub

# examples per operation and generation mode (on an idle 2-core machine: ~35 s signed, ~8 s unsigned);
# the time budget, shared out evenly between operations and modes, only cuts a run short on a loaded
# machine, and a slow operation cannot starve the ones after it
EXAMPLES = {"signed": 25, "unsigned": 6}
BUDGET_S = {"signed": 90.0, "unsigned": 30.0}


# generated service ids are random text, so every item would stop at "unknown_service": every other
# generated body is pointed at a real service of the demo catalogue, so the fuzzer also reaches case
# storage (encryption at rest included), tickets and records with arbitrary values
REAL_SERVICES = {
    "/v1/submissions:batch": ("repair.public_area", "meal.elder_signup"),
    "/v1/tickets": ("ticket.window",),
    "/v1/records": ("record.social_insurance", "certificate.residence"),
}


def _aim_at_real_services(case, counter: int) -> None:
    services = REAL_SERVICES.get(case.path)
    if not services or counter % 2 or not isinstance(case.body, dict):
        return
    targets = case.body.get("items") if case.path == "/v1/submissions:batch" else [case.body]
    for n, target in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(target, dict) and "service_id" in target:
            target["service_id"] = services[n % len(services)]


class BudgetSpent(Exception):
    """Raised inside the hypothesis run to end it at its deadline (no shrink phase: it just stops)."""


class TerminalSignature(requests.auth.AuthBase):
    """Signs each prepared request as a terminal does (contract/signing.py): method, path with its
    query exactly as sent, timestamp, nonce and the body's digest. Overwrites whatever headers the
    generator made up for X-Terminal-Id, X-Timestamp, X-Nonce, X-Signature and Authorization."""

    def __init__(self, credentials) -> None:
        self.credentials = credentials

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        c = self.credentials
        request.headers.update(
            signing.sign_headers(c.terminal_id, c.token, c.hmac_key, request.method, request.path_url, body)
        )
        return request


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    not_json: list[str] = field(default_factory=list)
    not_sent: int = 0  # refused by requests itself (a header value it cannot encode): not the hub's answer
    enrolment: Counter = field(default_factory=Counter)  # POST /v1/enrolment: unsigned by design
    per_operation: Counter = field(default_factory=Counter)  # "METHOD /path mode" -> exchanges
    slots: list[str] = field(default_factory=list)
    accepted_items: int = 0  # generated submissions that became cases (storage and sealing reached)

    @property
    def exchanges(self) -> int:
        return sum(self.statuses.values()) + sum(self.enrolment.values())


def _header(response, name: str) -> str:
    value = response.headers.get(name, "")
    return value[0] if isinstance(value, list) and value else str(value)


def _describe(case, response) -> str:
    body = response.request.body or b""
    return f"{case.method} {response.request.url} -> {response.status_code}: body {body[:120]!r}; {response.text[:160]}"


def _fuzz(hub, mode_name: str, auth) -> Tally:
    schema = schemathesis.openapi.from_url(hub.url + "/openapi.json")
    session = requests.Session()
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    slots = [(operation, generation) for operation in operations for generation in GenerationMode]
    began = time.monotonic()
    for index, (operation, generation) in enumerate(slots):
        deadline = began + BUDGET_S[mode_name] * (index + 1) / len(slots)

        @given(case=operation.as_strategy(generation_mode=generation))
        @settings(
            max_examples=EXAMPLES[mode_name],
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exchange(case) -> None:
            slot = f"{operation.label} {generation.value}"  # noqa: B023 - run within this iteration
            if tally.per_operation[slot] and time.monotonic() > deadline:  # noqa: B023
                raise BudgetSpent  # every slot sends at least one request, whatever the load
            _aim_at_real_services(case, tally.per_operation[slot])
            try:
                response = case.call(session=session, auth=auth, timeout=10)
            except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError):
                tally.not_sent += 1
                return
            tally.per_operation[slot] += 1
            public = response.request.path_url.startswith("/v1/enrolment")
            (tally.enrolment if public else tally.statuses)[response.status_code] += 1
            if case.path == "/v1/submissions:batch" and response.status_code == 200:
                results = response.json().get("results", [])
                tally.accepted_items += sum(r.get("status") == "accepted" for r in results)
            if response.status_code >= 500:
                tally.server_errors.append(_describe(case, response))
            elif response.status_code >= 400:
                if _header(response, "content-type").startswith("application/json"):
                    body = response.json()
                    if not (isinstance(body, dict) and set(body) == {"error", "message"}):
                        tally.not_json.append(_describe(case, response))
                elif response.status_code != 400:  # the HTTP parser's own 400 is plain text
                    tally.not_json.append(_describe(case, response))

        try:
            exchange()
        except BudgetSpent:
            pass
        except Unsatisfiable:
            pass  # nothing to break in this operation (no parameters, no body): no negative cases
    tally.slots = [f"{op.label} {mode.value}" for op, mode in slots]
    return tally


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    running = start_hub(tmp_path_factory.mktemp("hub") / "hub.sqlite", store_in_keyring=False)
    yield running
    running.stop()


@pytest.mark.parametrize("mode_name", ["signed", "unsigned"])
def test_fuzzing_the_hub_from_its_openapi_finds_no_5xx(hub, mode_name, capsys):
    began = time.monotonic()
    auth = TerminalSignature(hub.credentials) if mode_name == "signed" else None
    tally = _fuzz(hub, mode_name, auth)
    elapsed = time.monotonic() - began
    with capsys.disabled():
        print(
            f"\nhub fuzz ({mode_name}): {tally.exchanges} exchanges in {elapsed:.0f} s, "
            f"{len(tally.server_errors)} 5xx, statuses {dict(sorted(tally.statuses.items()))}, "
            f"enrolment {dict(sorted(tally.enrolment.items()))}, "
            f"{tally.accepted_items} generated items stored as cases, {tally.not_sent} not sendable by requests"
        )
    assert tally.server_errors == []
    assert tally.not_json == []
    # the fuzzer reached every operation in both modes (but negative cases of an operation with
    # nothing to break, /healthz): it cannot silently test nothing
    unreached = [
        slot for slot in tally.slots if not tally.per_operation[slot] and slot != "GET /healthz negative"
    ]
    assert unreached == []
    if mode_name == "signed":
        # signing works: generated calls got past the gate into the endpoints (how many reached case
        # storage is printed, not asserted: a run cut short on a loaded machine may store none)
        assert tally.statuses[200] > 0
    else:
        assert set(tally.statuses) <= {200, 400, 401}  # only the public paths answer 200 unsigned
    # enrolment is not signed (the terminal has no credentials yet): the code guards it, never a 200 here
    assert set(tally.enrolment) <= {400, 403, 422, 429}
