"""Catalogue rollout from the staff console, seen from the terminals: upload (refused with the place
of the mistake, by the terminal's own rules), stage to a group, uptake from heartbeats, promote to
all, roll back; GET /v1/catalog serves each terminal its group's version with an ETag per version."""

from __future__ import annotations

import copy
import json
import re

from hub.catalog import DEFAULT_CATALOG
from hub.testing import register_at_hub
from kiosk.enrolment import new_credentials
from kiosk.hub_client import HubClient

PAGE = "/console/catalogue"


def _version(name: str) -> dict:
    document = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    document["version"] = name
    return document


def _upload(agent, document) -> object:
    token = agent.csrf_token(PAGE)
    body = json.dumps(document, ensure_ascii=False).encode("utf-8") if not isinstance(document, bytes) else document
    answer = agent.http.post(
        agent.base + PAGE + "/upload",
        data={"csrf_token": token},
        files={"document": ("catalogue.json", body, "application/json")},
        timeout=10,
    )
    agent.last_page = answer.text
    return answer


def _terminal(console_hub, terminal_id: str) -> HubClient:
    credentials = new_credentials(terminal_id)
    register_at_hub(console_hub.hub.db_path, credentials)
    return HubClient(console_hub.hub.hub_config(), credentials)


def test_an_upload_breaking_the_terminals_rules_is_refused_naming_the_place(console_hub):
    agent = console_hub.agent("tech")
    broken = _version("2026.12-1")
    del broken["services"][1]["title"]["en"]
    answer = _upload(agent, broken)
    assert answer.status_code == 422
    assert "services[1].title.en" in answer.text and "未通过检查" in answer.text
    assert _upload(agent, b"{not json").status_code == 422 and "不是有效的 JSON" in agent.last_page
    assert "2026.12-1" not in agent.get(PAGE).text
    assert console_hub.agent("officer").get(PAGE).status_code == 403


def test_stage_to_a_group_watch_uptake_promote_and_roll_back(console_hub):
    east = console_hub.hub.client()  # T0001, in the demo catalogue's group "street-east"
    hall = _terminal(console_hub, "T0003")  # in "community-hall"
    first = east.fetch_catalog()
    assert first.document["version"] == "2026.11-demo.1"

    agent = console_hub.agent("tech")
    new = _version("2026.12-1")
    new["services"] = [s for s in new["services"] if s["id"] != "notices.community"]
    assert _upload(agent, new).url.endswith("done=uploaded&v=2026.12-1")
    # the same version with other content is refused; the same content again is fine
    other = copy.deepcopy(new)
    other["services"][0]["title"]["en"] = "Something else"
    assert _upload(agent, other).status_code == 422 and "此版本号已存在" in agent.last_page
    assert _upload(agent, new).status_code == 200

    staged = agent.post(PAGE + "/stage", {"version": "2026.12-1", "group": "street-east"}, from_page=PAGE)
    assert "已试点到所选终端组" in staged.text
    took = east.fetch_catalog(first.etag)
    assert took.document is not None and took.document["version"] == "2026.12-1" and took.etag != first.etag
    assert east.fetch_catalog(took.etag).document is None  # 304 on the staged version's own ETag
    assert hall.fetch_catalog().document["version"] == "2026.11-demo.1"  # outside the group

    east.heartbeat({"versions": {"catalogue": "2026.12-1"}})
    hall.heartbeat({"versions": {"catalogue": "2026.11-demo.1"}})
    uptake = agent.get(PAGE).text
    assert '<tr data-terminal="T0001"><td>T0001</td><td>2026.12-1</td><td>2026.12-1</td><td>是</td>' in uptake

    agent.post(PAGE + "/promote", from_page=PAGE)
    assert hall.fetch_catalog().document["version"] == "2026.12-1"
    assert "2026.12-1" in agent.get(PAGE).text.split('id="stable-version">')[1][:40]

    second = _version("2026.12-2")
    _upload(agent, second)
    agent.post(PAGE + "/stage", {"version": "2026.12-2", "group": "community-hall"}, from_page=PAGE)
    assert hall.fetch_catalog().document["version"] == "2026.12-2"
    agent.post(PAGE + "/rollback", from_page=PAGE)  # withdraws the staged version
    assert hall.fetch_catalog().document["version"] == "2026.12-1"
    agent.post(PAGE + "/rollback", from_page=PAGE)  # undoes the promotion: the file again
    assert east.fetch_catalog().document["version"] == "2026.11-demo.1"
    nothing = agent.post(PAGE + "/rollback", from_page=PAGE)
    assert "没有可回退的版本" in nothing.text


def test_staging_to_a_group_the_version_does_not_define_is_refused(console_hub):
    agent = console_hub.agent("admin")
    _upload(agent, _version("2026.12-9"))
    refused = agent.post(PAGE + "/stage", {"version": "2026.12-9", "group": "nowhere"}, from_page=PAGE)
    assert "此版本中没有这个终端组" in refused.text
    assert "没有试点中的版本" in agent.post(PAGE + "/promote", from_page=PAGE).text


def test_submissions_are_checked_against_the_terminals_own_version(console_hub):
    from kiosk.hub_api import SubmissionItem

    agent = console_hub.agent("tech")
    trimmed = _version("2026.12-3")
    trimmed["services"] = [s for s in trimmed["services"] if s["id"] != "meal.elder_signup"]
    _upload(agent, trimmed)
    agent.post(PAGE + "/stage", {"version": "2026.12-3", "group": "street-east"}, from_page=PAGE)
    [result] = console_hub.hub.client().submit_batch(
        [SubmissionItem("k-meal", "T0001-x", "meal.elder_signup", "2026.12-3", "2026-12-01T08:00:00+00:00", {})]
    )
    assert result.status == "rejected" and result.reason == "unknown_service"


def test_before_any_upload_there_is_nothing_to_stage_or_roll_back_and_the_built_in_counts(console_hub):
    console_hub.hub.client().heartbeat({"versions": {"catalogue": "2026.11-demo.1"}})
    page = console_hub.agent("tech").get(PAGE).text
    assert 'id="nothing-uploaded"' in page and 'id="stage-version"' not in page
    assert re.search(r'<button type="submit" class="danger" disabled>回退</button>', page)
    # the terminal runs the built-in catalogue it should run: it "took" it
    assert '<tr data-terminal="T0001"><td>T0001</td><td>内置目录 2026.11-demo.1</td><td>2026.11-demo.1</td><td>是</td>' in page
