"""The catalogue: the demo catalogue is valid, and every kind of broken document is refused with
a reason that names the place."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from kiosk.catalogue import CatalogueInvalid, DataClass, FieldType, ServiceKind, parse_catalogue
from tests.fixtures.session_kit import demo_document


def test_demo_catalogue_offers_every_kind_in_both_languages():
    catalogue = parse_catalogue(demo_document())
    kinds = {s.kind for s in catalogue.services}
    assert kinds == set(ServiceKind)
    repair = catalogue.service("repair.public_area")
    assert (
        repair.title.get("zh") == "公共区域报修"
        and repair.title.get("en") == "Report a repair in a public area"
    )
    assert repair.offline_ok and not repair.needs_card
    phone = repair.field("phone")
    assert (phone.type, phone.data_class, phone.prefill_source) == (
        FieldType.PHONE,
        DataClass.PERSONAL,
        "hub",
    )
    certificate = catalogue.service("certificate.residence")
    assert certificate.needs_card and certificate.field("id_number").prefill == "card.id_number"
    assert catalogue.service("ticket.window").ticket_prefix == "A"
    meal = catalogue.service("meal.elder_signup")
    assert meal.field("start_date").min == date(2026, 1, 1)


def test_services_can_be_enabled_for_some_terminals_only():
    doc = demo_document()
    doc["services"][0]["enabled_for"] = {"terminals": ["T0009"]}
    catalogue = parse_catalogue(doc)
    assert "meal.elder_signup" in {s.id for s in catalogue.services_for("T0003")}  # by group
    assert "meal.elder_signup" not in {s.id for s in catalogue.services_for("T0001")}
    assert "repair.public_area" in {s.id for s in catalogue.services_for("T0009")}  # by terminal id
    assert "repair.public_area" not in {s.id for s in catalogue.services_for("T0001")}


def _set(path, value):
    def mutate(doc):
        *parents, last = path
        target = doc
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value

    return mutate


DELETE = object()

BROKEN = [
    ("unknown top-level key", _set(["colour"], "red"), "colour", "not a known key"),
    ("unknown service key", _set(["services", 0, "priority"], 1), "services[0].priority", "not a known key"),
    (
        "missing english",
        _set(["services", 1, "title"], {"zh": "居住证明"}),
        "services[1].title.en",
        "missing",
    ),
    ("empty translation", _set(["services", 1, "title", "en"], " "), "services[1].title.en", "empty"),
    ("extra language", _set(["services", 1, "title", "fr"], "x"), "services[1].title.fr", "not a known key"),
    ("wrong type", _set(["services", 0, "needs_card"], "no"), "services[0].needs_card", "true or false"),
    (
        "number as bool",
        _set(["services", 7, "fields", 2, "min"], True),
        "services[7].fields[2].min",
        "a number",
    ),
    ("unknown kind", _set(["services", 0, "kind"], "payment"), "services[0].kind", "unknown value 'payment'"),
    (
        "unknown field type",
        _set(["services", 0, "fields", 1, "type"], "photo"),
        "services[0].fields[1].type",
        "unknown value",
    ),
    (
        "unknown data class",
        _set(["services", 0, "fields", 5, "data_class"], "secret"),
        "services[0].fields[5].data_class",
        "unknown value",
    ),
    (
        "unknown prefill",
        _set(["services", 0, "fields", 5, "prefill"], "hub.salary"),
        "services[0].fields[5].prefill",
        "unknown prefill",
    ),
    ("duplicate service", _set(["services", 1, "id"], "repair.public_area"), "services[1]", "duplicate id"),
    (
        "duplicate field",
        _set(["services", 0, "fields", 1, "id"], "category"),
        "services[0].fields[1]",
        "duplicate id",
    ),
    (
        "bad pattern",
        _set(["services", 3, "fields", 0, "pattern"], "[a-"),
        "services[3].fields[0].pattern",
        "regular expression",
    ),
    (
        "key that does not fit the type",
        _set(["services", 0, "fields", 1, "choices"], []),
        "services[0].fields[1].choices",
        "not a known key",
    ),
    (
        "choice without choices",
        _set(["services", 0, "fields", 0, "choices"], []),
        "services[0].fields[0].choices",
        "at least one",
    ),
    (
        "receipt names no field",
        _set(["services", 0, "receipt", "fields"], ["nope"]),
        "services[0].receipt.fields[0]",
        "names no field",
    ),
    (
        "submit without receipt",
        _set(["services", 0, "receipt"], DELETE),
        "services[0].receipt",
        "needs a receipt",
    ),
    (
        "unknown group",
        _set(["services", 0, "enabled_for"], {"groups": ["west"]}),
        "services[0].enabled_for.groups[0]",
        "unknown terminal group",
    ),
    (
        "bad terminal id",
        _set(["terminal_groups", "street-east"], ["t-1"]),
        "terminal_groups.street-east[0]",
        "terminal id",
    ),
    (
        "bad date",
        _set(["services", 6, "notices", 0, "published"], "25.11.2026"),
        "services[6].notices[0].published",
        "yyyy-mm-dd",
    ),
    (
        "min above max",
        _set(["services", 7, "fields", 2, "min"], 9),
        "services[7].fields[2].min",
        "greater than max",
    ),
    (
        "bad ticket prefix",
        _set(["services", 4, "ticket_prefix"], "a1"),
        "services[4].ticket_prefix",
        "upper-case",
    ),
    (
        "alert without english",
        _set(["services", 0, "fields", 3, "alert"], {"zh": "危及安全请立即拨打 010-6512 3456"}),
        "services[0].fields[3].alert.en",
        "",
    ),
    (
        "footer for a field with no choices",
        _set(["services", 0, "receipt", "footer_if", 0, "field"], "detail"),
        "services[0].receipt.footer_if[0].field",
        "names no choice field",
    ),
    (
        "footer for a value the field does not offer",
        _set(["services", 0, "receipt", "footer_if", 0, "value"], "very_urgent"),
        "services[0].receipt.footer_if[0].value",
        "is not a choice",
    ),
    (
        "footer without english",
        _set(["services", 0, "receipt", "footer_if", 0, "text"], {"zh": "紧急报修"}),
        "services[0].receipt.footer_if[0].text.en",
        "",
    ),
    ("no services", _set(["services"], []), "services", "no service"),
    ("wrong schema", _set(["schema"], 2), "schema", "unsupported"),
    (
        "card prefill without card",
        _set(["services", 7, "needs_card"], False),
        "services[7].needs_card",
        "prefilled from the card",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "where", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_catalogue_is_refused_naming_the_place(case, mutate, where, reason):
    doc = copy.deepcopy(demo_document())
    mutate(doc)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(doc)
    assert caught.value.where == where
    assert reason in caught.value.reason


@pytest.mark.parametrize("document", [None, [], "catalogue", 42])
def test_a_document_that_is_not_an_object_is_refused(document):
    with pytest.raises(CatalogueInvalid):
        parse_catalogue(document)
