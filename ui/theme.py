"""The two looks of the terminal as data: standard and elder mode (长辈模式).

A theme holds colours, font sizes, spacing, touch-target sizes, how many services a page shows and
how the screen speaks; `stylesheet()` turns it into one Qt style sheet. Sizes are pixels on the
reference displays (1366x768 landscape, 1080x1920 portrait); `theme_for(mode, size)` draws them
larger on a larger display. tests/test_theme.py checks the numbers the issue promises
(contrast, text sizes, target sizes) from these values, so changing a colour here is checked there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

from kiosk.session_view import Mode

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans", "sans-serif")


@dataclass(frozen=True)
class Palette:
    background: str
    surface: str  # cards and panels on the background
    text: str  # body text on background and surface
    muted: str  # secondary text (hints), still readable
    primary: str  # the main action's background
    on_primary: str
    secondary: str  # other buttons
    on_secondary: str
    help: str  # the help / staffed window action
    on_help: str
    danger: str  # error panel background
    on_danger: str
    ok: str  # success panel background (printed, done)
    on_ok: str
    warning: str  # inactivity warning background
    on_warning: str
    border: str
    focus: str


@dataclass(frozen=True)
class Theme:
    mode: Mode
    palette: Palette
    body_px: int  # body text
    small_px: int  # hints; never under body in elder mode
    button_px: int  # text on buttons
    title_px: int  # screen titles
    huge_px: int  # the reference number on the receipt screen, the ticket number
    line_spacing: float
    spacing_px: int
    radius_px: int
    target_px: int  # minimum width and height of anything a finger taps
    key_px: int  # on-screen keyboard key size
    items_per_page: int  # services per page of the choose screen
    choice_columns: int  # columns of choice buttons on forms
    speak_by_default: bool  # spoken guidance starts on its own in this mode
    plain_words: bool  # use the plain-word variants of texts ("key@elder")
    scrollbar_px: int = 40  # scroll bar width: wide enough for a finger to grab and drag
    icon_px: int = 64  # a service tile's pictogram
    picture_px: int = 200  # the card slot and receipt slot pictures
    tile_columns: int = 3  # service tiles per row on a landscape screen (portrait: fewer)
    narrow: bool = False  # set by a screen on a portrait display: rows of chips and keys hold fewer
    # a text editor's key rows shrink toward this on a short display, never under: the smallest
    # target the terminal has anywhere (ui/screens/editor_fit.py)
    key_floor_px: int = 72
    scale: float = 1.0  # how much larger than the reference display's sizes (display_scale)

    def on_reference(self, px: int) -> float:
        """A length of this display in the reference display's pixels: the screens' thresholds
        ("a short display: under 900 px") are written in those, so 1920x1080 at scale 1.4 is as
        "short" as the 1366x768 it is drawn like."""
        return px / self.scale

    @property
    def chip_pad_px(self) -> int:
        """Room either side of a chip's words: "楼道灯不亮" and "Whole building" touched the edges."""
        return self.spacing_px // 2 + 4

    @property
    def border_px(self) -> int:
        """Width of panel and button borders: heavy in elder mode, where edges must be plain."""
        return 3 if self.mode is Mode.ELDER else 1

    def type_scale(self) -> dict[str, int]:
        """The theme's one type scale: every text on the screens takes one of these sizes."""
        return {
            "huge": self.huge_px,
            "title": self.title_px,
            "button": self.button_px,
            "body": self.body_px,
            "hint": self.small_px,
        }


STANDARD = Theme(
    mode=Mode.STANDARD,
    palette=Palette(
        background="#F4F6F9",
        surface="#FFFFFF",
        text="#17202A",
        muted="#4A5563",
        primary="#0B57A4",
        on_primary="#FFFFFF",
        secondary="#E3E8EF",
        on_secondary="#17202A",
        help="#8A4B00",
        on_help="#FFFFFF",
        danger="#FCE8E6",
        on_danger="#8C1D18",
        ok="#E6F4EA",
        on_ok="#0D5224",
        warning="#FFF4CE",
        on_warning="#4D3800",
        border="#C4CCD6",
        focus="#F0A500",
    ),
    body_px=22,
    small_px=18,
    button_px=24,
    title_px=36,
    huge_px=72,
    line_spacing=1.3,
    spacing_px=16,
    radius_px=10,
    target_px=72,
    key_px=72,
    items_per_page=6,
    choice_columns=3,
    speak_by_default=False,
    plain_words=False,
    scrollbar_px=40,
    icon_px=64,
    picture_px=200,
    tile_columns=3,
)

ELDER = Theme(
    mode=Mode.ELDER,
    palette=Palette(
        background="#FFFFFF",
        surface="#FFFFFF",
        text="#000000",
        muted="#1F1F1F",
        primary="#00306B",
        on_primary="#FFFFFF",
        secondary="#FFFFFF",
        on_secondary="#000000",
        help="#6B2600",
        on_help="#FFFFFF",
        danger="#FFFFFF",
        on_danger="#8B0000",
        ok="#FFFFFF",
        on_ok="#004015",
        warning="#FFE55C",
        on_warning="#000000",
        border="#000000",
        focus="#C25E00",
    ),
    body_px=34,
    small_px=30,
    button_px=38,
    title_px=52,
    huge_px=110,
    line_spacing=1.5,
    spacing_px=18,
    radius_px=14,
    target_px=96,
    key_px=80,
    items_per_page=3,
    choice_columns=2,
    speak_by_default=True,
    plain_words=True,
    scrollbar_px=56,
    icon_px=104,
    picture_px=240,
    tile_columns=3,
)

THEMES = {Mode.STANDARD: STANDARD, Mode.ELDER: ELDER}


# The displays the sizes above were made for: text, keys and tiles are pixels on these. A larger
# display of a kiosk is a physically larger screen at the same distance from the resident (a 27"
# 1920x1080 panel where a 21.5" 1366x768 one stood), not a denser one: its pixels are as large, so
# the same pixel sizes read small and fill a third of it (final findings 14, 15).
REFERENCE_LANDSCAPE = (1366, 768)
REFERENCE_PORTRAIT = (1080, 1920)
SCALE_STEP = 0.05  # scales come in steps: a few themes to cache and lay out, not one per pixel
# not scaled: counts, colours, flags, the line spacing, and the scale itself
_UNSCALED = {"mode", "palette", "line_spacing", "items_per_page", "choice_columns", "speak_by_default",
             "plain_words", "tile_columns", "narrow", "scale"}


def display_scale(width: int, height: int) -> float:
    """How much larger than the reference display's sizes the screens are drawn on a `width` x
    `height` display: as much as it is larger than the reference of its orientation in both
    directions (the tighter one decides, so what fits the reference fits it), in SCALE_STEP steps,
    never smaller (1280x800 and 1366x768 keep the reference sizes; 1920x1080 gets 1.4)."""
    ref_w, ref_h = REFERENCE_LANDSCAPE if width >= height else REFERENCE_PORTRAIT
    ratio = min(width / ref_w, height / ref_h)
    steps = int(ratio / SCALE_STEP + 1e-6)
    return max(1.0, round(steps * SCALE_STEP, 2))


@lru_cache(maxsize=32)
def scaled(theme: Theme, scale: float) -> Theme:
    """`theme` with every size (text, spacing, corners, targets, keys, pictures) `scale` times as
    large; the same object for the same scale, so a window sees "the theme changed" only when it did."""
    if scale == 1.0:
        return theme
    sizes = {
        f.name: round(getattr(theme, f.name) * scale)
        for f in fields(theme)
        if f.name not in _UNSCALED and isinstance(getattr(theme, f.name), int)
    }
    return replace(theme, scale=scale, **sizes)


def theme_for(mode: Mode, size: tuple[int, int] | None = None) -> Theme:
    """The look for `mode` on a display of `size` (width, height): the one place where the display's
    size decides how large things are drawn. No size: the reference display's sizes."""
    base = THEMES[mode]
    return base if size is None else scaled(base, display_scale(*size))


def text_pairs(theme: Theme) -> dict[str, tuple[str, str]]:
    """Every (text colour, background colour) pair the screens use, by name."""
    p = theme.palette
    return {
        "body": (p.text, p.background),
        "body_on_surface": (p.text, p.surface),
        "muted": (p.muted, p.background),
        "muted_on_surface": (p.muted, p.surface),
        "primary_button": (p.on_primary, p.primary),
        "secondary_button": (p.on_secondary, p.secondary),
        "help_button": (p.on_help, p.help),
        "error": (p.on_danger, p.danger),
        "ok": (p.on_ok, p.ok),
        "warning": (p.on_warning, p.warning),
        "step_done": (p.on_ok, p.background),
        "badge_offline": (p.on_ok, p.ok),
        "badge_card": (p.on_warning, p.warning),
    }


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#RRGGBB"."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio (1..21) of two "#RRGGBB" colours."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def stylesheet(theme: Theme) -> str:
    """The Qt style sheet for the whole window. Widgets pick a role with the `role` property."""
    p, t = theme.palette, theme
    families = ", ".join(f'"{f}"' for f in FONT_FAMILIES)
    border_w = t.border_px
    return f"""
QWidget {{ background: {p.background}; color: {p.text}; font-family: {families}; font-size: {t.body_px}px; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {t.title_px}px; font-weight: bold; }}
QLabel[role="typed_long"] {{ font-size: {t.body_px}px; font-weight: bold; }}
QScrollArea#keyboard_text, QScrollArea#keyboard_text > QWidget {{ background: transparent; }}
QLabel[role="huge"] {{ font-size: {t.huge_px}px; font-weight: bold; }}
QLabel[role="tile_title"] {{ font-size: {t.button_px}px; font-weight: bold; }}
QLabel:disabled {{ color: {p.muted}; }}
QLabel[role="muted"] {{ color: {p.muted}; font-size: {t.small_px}px; }}
QLabel[role="bar_text"] {{ font-size: {t.small_px}px; }}
QLabel[role="badge_offline"] {{ background: {p.ok}; color: {p.on_ok}; border: {border_w}px solid {p.on_ok}; border-radius: {t.radius_px}px; padding: 2px {t.spacing_px // 2}px; font-size: {t.small_px}px; font-weight: bold; }}
QLabel[role="badge_card"] {{ background: {p.warning}; color: {p.on_warning}; border: {border_w}px solid {p.on_warning}; border-radius: {t.radius_px}px; padding: 2px {t.spacing_px // 2}px; font-size: {t.small_px}px; font-weight: bold; }}
QLabel[role="step_current"] {{ background: {p.primary}; color: {p.on_primary}; border-radius: {t.radius_px}px; padding: 2px {t.spacing_px // 2}px; font-size: {t.small_px}px; font-weight: bold; }}
QLabel[role="step_done"] {{ color: {p.on_ok}; font-size: {t.small_px}px; font-weight: bold; }}
QLabel[role="step_next"] {{ color: {p.muted}; font-size: {t.small_px}px; }}
QLabel[role="step_arrow"] {{ color: {p.muted}; font-size: {t.small_px}px; }}
QLabel[role="field_error"] {{ color: {p.on_danger}; font-weight: bold; }}
QFrame[role="card"] {{ background: {p.surface}; border: {border_w}px solid {p.border}; border-radius: {t.radius_px}px; }}
QFrame[role="error"] {{ background: {p.danger}; border: {border_w + 1}px solid {p.on_danger}; border-radius: {t.radius_px}px; }}
QFrame[role="error"] QLabel {{ color: {p.on_danger}; }}
QFrame[role="ok"] {{ background: {p.ok}; border: {border_w + 1}px solid {p.on_ok}; border-radius: {t.radius_px}px; }}
QFrame[role="ok"] QLabel {{ color: {p.on_ok}; }}
QFrame[role="warning"] {{ background: {p.warning}; border: {border_w + 1}px solid {p.on_warning}; border-radius: {t.radius_px}px; }}
QFrame[role="warning"] QLabel {{ color: {p.on_warning}; }}
QFrame[role="bar"] {{ background: {p.surface}; border-bottom: {border_w}px solid {p.border}; }}
QFrame[role="bottom_bar"] {{ background: {p.surface}; border-top: {border_w}px solid {p.border}; }}
QPushButton {{
  min-height: {t.target_px}px; min-width: {t.target_px}px; font-size: {t.button_px}px;
  padding: 0 {t.spacing_px}px; border-radius: {t.radius_px}px;
  background: {p.secondary}; color: {p.on_secondary}; border: {border_w + 1}px solid {p.border};
}}
QPushButton[role="primary"] {{ background: {p.primary}; color: {p.on_primary}; border-color: {p.primary}; font-weight: bold; }}
QPushButton[role="help"] {{ background: {p.help}; color: {p.on_help}; border-color: {p.help}; font-weight: bold; }}
QPushButton[role="tile"] {{ text-align: left; padding: {t.spacing_px}px; background: {p.surface}; }}
QPushButton[role="cue"] {{ min-height: {t.target_px * 2 // 3}px; font-size: {t.small_px}px; background: {p.warning}; color: {p.on_warning}; border-color: {p.on_warning}; font-weight: bold; }}
QFrame[role="section"] {{ border: none; border-top: {border_w}px solid {p.border}; }}
QPushButton[role="selected"] {{ background: {p.primary}; color: {p.on_primary}; border-color: {p.focus}; font-weight: bold; }}
QPushButton[role="key"] {{ min-height: {t.key_px}px; min-width: {t.key_px}px; padding: 0; border-width: {border_w}px; }}
QPushButton[role="chip"] {{ min-height: {t.key_px}px; padding: 0 {t.chip_pad_px}px; border-width: {border_w}px; }}
QPushButton[pad="lines"] {{ padding: {t.border_px + 6}px {t.spacing_px // 2}px; }}
QPushButton[glyph="big"] {{ font-size: {t.title_px}px; font-weight: bold; }}
QPushButton[fit="candidate"] {{ min-height: {t.key_px}px; max-height: {t.key_px}px; border-width: {border_w}px; padding: 0 {t.spacing_px // 2}px; }}
QPushButton:focus {{ border: {border_w + 2}px solid {p.focus}; }}
QPushButton:disabled {{ background: {p.secondary}; color: {p.muted}; border-style: dashed; }}
QProgressBar {{ min-height: {t.spacing_px * 2}px; border: {border_w}px solid {p.border}; border-radius: {t.radius_px}px; }}
QProgressBar::chunk {{ background: {p.primary}; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ width: {t.scrollbar_px}px; background: {p.secondary}; border: {border_w}px solid {p.border}; border-radius: {t.radius_px}px; margin: 0; }}
QScrollBar::handle:vertical {{ min-height: {t.target_px}px; background: {p.muted}; border-radius: {t.radius_px}px; margin: 4px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""
