"""The reference hub's demo cases carry real-format local references (check digits and all, in the
reserved demo generation), so a resident can type one at a terminal and find the case."""

from __future__ import annotations

from pathlib import Path

from contract.local_ref import DEMO_GENERATION, LocalRef
from hub.__main__ import DEMO_CASES, seed_demo_cases
from hub.store import HubStore


def _seed(db_path) -> None:
    store = HubStore(db_path)
    try:
        seed_demo_cases(store)
    finally:
        store.close()


def test_seeded_references_are_typed_in_like_a_receipts_and_find_their_case(hub_server):
    _seed(hub_server.db_path)
    client = hub_server.client()
    for case_id, local_ref, _service, statuses in DEMO_CASES:
        parsed = LocalRef.parse(local_ref.lower())  # as a person types it: the check digits hold
        assert parsed.generation == DEMO_GENERATION
        assert str(parsed) == local_ref
        case = client.case_status(local_ref)
        assert (case.case_id, case.local_ref, case.status) == (case_id, local_ref, statuses[-1])


def test_reseeding_a_hub_seeded_with_old_references_brings_them_to_the_real_format(tmp_path):
    db_path = tmp_path / "hub.sqlite"
    store = HubStore(db_path)
    try:
        store.seed_case("C9000003", "T0001-DEMO03", "repair.public_area", ["received", "resolved"])
        seed_demo_cases(store)
        seed_demo_cases(store)  # idempotent: no second copy of any case
        cases = {c["case_id"]: c["local_ref"] for c in store.list_cases()}
        assert len(store.list_cases()) == len(DEMO_CASES)
        assert cases == {case_id: ref for case_id, ref, _service, _statuses in DEMO_CASES}
        assert store.case("T0001-DEMO03") is None
    finally:
        store.close()


def test_the_readme_names_the_references_a_newcomer_can_type():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for _case_id, local_ref, _service, _statuses in DEMO_CASES:
        assert local_ref in readme
