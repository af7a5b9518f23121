"""Pictograms: every catalogue service shows one that the shipped icon set really draws, the
catalogue refuses a name it does not know (naming the place), a service without one shows its
kind's, and a pictogram has an accessible name and the theme's size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from kiosk.catalogue import CatalogueInvalid, ServiceKind, parse_catalogue
from kiosk.icons import ICON_NAMES, KIND_ICONS
from tests.fixtures.session_kit import demo_document
from ui.icons import CHROME, GLYPHS, icon_label, pixmap
from ui.theme import ELDER, STANDARD


def _drawn(px) -> bool:
    """The pixmap has ink: some pixel is not transparent (a glyph the font lacks draws nothing)."""
    image = px.toImage()
    return any(
        QColor(image.pixel(x, y)).alpha() > 0
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


@pytest.mark.parametrize("name", sorted(ICON_NAMES | set(CHROME)))
def test_every_pictogram_name_draws_a_glyph_of_the_icon_set(qapp, name):
    assert name in GLYPHS or name in CHROME
    assert _drawn(pixmap(name, "#000000", 48)), f"{name} draws nothing"


def test_the_vocabulary_and_the_glyph_table_are_the_same_names():
    assert set(GLYPHS) == set(ICON_NAMES)
    assert set(KIND_ICONS) == set(ServiceKind)
    assert set(KIND_ICONS.values()) <= ICON_NAMES


def test_every_demo_service_has_a_pictogram_that_draws(qapp):
    catalogue = parse_catalogue(demo_document())
    for service in catalogue.services:
        assert service.icon in ICON_NAMES, service.id
        assert _drawn(pixmap(service.icon, "#0B57A4", 64)), service.id


def test_the_hubs_placeholder_catalogue_is_valid_with_its_icons():
    from hub.catalog import PLACEHOLDER  # what the hub serves while it has no catalogue file

    for service in parse_catalogue(PLACEHOLDER).services:
        assert service.icon in ICON_NAMES


def test_an_unknown_icon_is_refused_with_its_place():
    doc = demo_document()
    doc["services"][3]["icon"] = "spaceship"
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(doc)
    assert caught.value.where == "services[3].icon"
    assert "spaceship" in caught.value.reason


def test_a_service_without_an_icon_shows_its_kinds():
    doc = demo_document()
    for service in doc["services"]:
        service.pop("icon", None)
    for service in parse_catalogue(doc).services:
        assert service.icon == KIND_ICONS[service.kind]


def test_pictograms_are_named_and_larger_for_elders(qapp):
    lab = icon_label("repair", STANDARD.palette.primary, STANDARD.icon_px, "公共区域报修")
    assert lab.accessibleName() == "公共区域报修"
    assert lab.width() == STANDARD.icon_px and lab.pixmap().width() >= STANDARD.icon_px
    assert ELDER.icon_px > STANDARD.icon_px and ELDER.picture_px > STANDARD.picture_px
    assert ELDER.icon_px >= 2 * ELDER.body_px  # a pictogram is bigger than the words beside it
