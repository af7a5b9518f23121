"""The promises of the two themes, computed from the themes themselves: contrast of every text
colour pair (elder >= 7:1, standard >= 4.5:1), elder text sizes (>= 1.5x standard body, >= 24 px
at 1080p), touch targets (>= 60x60, larger in elder mode), fewer choices per page in elder mode."""

from __future__ import annotations

import pytest

from ui.theme import ELDER, STANDARD, contrast_ratio, relative_luminance, text_pairs


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the known AA grey
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)


@pytest.mark.parametrize("pair", sorted(text_pairs(ELDER)))
def test_elder_text_contrast_is_at_least_7_to_1(pair):
    fg, bg = text_pairs(ELDER)[pair]
    assert contrast_ratio(fg, bg) >= 7.0, f"{pair}: {fg} on {bg}"


@pytest.mark.parametrize("pair", sorted(text_pairs(STANDARD)))
def test_standard_text_contrast_is_at_least_4_5_to_1(pair):
    fg, bg = text_pairs(STANDARD)[pair]
    assert contrast_ratio(fg, bg) >= 4.5, f"{pair}: {fg} on {bg}"


def test_elder_text_is_large():
    assert ELDER.body_px >= 1.5 * STANDARD.body_px
    assert ELDER.body_px >= 24
    smallest = min(ELDER.body_px, ELDER.small_px, ELDER.button_px, ELDER.title_px)
    assert smallest >= 24  # no text in elder mode under 24 px at 1080p
    assert ELDER.title_px >= 30  # MIIT: largest text at least 30
    assert ELDER.line_spacing >= 1.3


def test_touch_targets_are_big_and_bigger_for_elders():
    for theme in (STANDARD, ELDER):
        assert theme.target_px >= 60 and theme.key_px >= 60
    assert ELDER.target_px > STANDARD.target_px
    assert ELDER.key_px > STANDARD.key_px


def test_elder_mode_offers_fewer_choices_per_screen_and_speaks():
    assert ELDER.items_per_page < STANDARD.items_per_page
    assert ELDER.choice_columns <= STANDARD.choice_columns
    assert ELDER.speak_by_default and ELDER.plain_words


@pytest.mark.parametrize("theme", [STANDARD, ELDER], ids=lambda t: t.mode.value)
def test_each_theme_has_one_type_scale_and_the_style_sheet_uses_only_it(theme):
    import re

    from ui.theme import stylesheet

    scale = theme.type_scale()
    order = [scale[k] for k in ("huge", "title", "button", "body", "hint")]
    assert order == sorted(order, reverse=True) and len(set(order)) == len(order)
    used = {int(px) for px in re.findall(r"font-size: (\d+)px", stylesheet(theme))}
    assert used <= set(scale.values()), f"sizes off the scale: {used - set(scale.values())}"


def test_pictograms_and_pictures_grow_with_the_type():
    for theme in (STANDARD, ELDER):
        assert theme.icon_px >= 2 * theme.body_px  # a tile's pictogram outweighs its words
        assert theme.picture_px >= theme.icon_px * 2
    assert ELDER.icon_px > STANDARD.icon_px and ELDER.picture_px > STANDARD.picture_px
