"""The on-screen keyboard: pinyin (librime), handwriting (zinnia), latin letters, digits and
punctuation, sized by the theme, with a cursor in the text.

It edits its own `TextBuffer`; the form screen reads `text()` when the resident taps OK.

- Pinyin: letters go to the engine (ui/input_engines/rime.py), whole phrases at once; the engine's
  ranked candidates show beside the text, a page at a time (‹ ›). A tapped candidate goes into the
  text at the cursor; one that covers only the first syllables leaves the rest to choose. Backspace
  takes a letter off the composition first. OK (确定) or a layer key while letters are open commits
  the *highlighted* candidate — the first one, drawn highlighted, the engine's whole-phrase answer
  ("diantihuaile" → 电梯坏了) — never one character per syllable.
- Handwriting: one tap on 手写 swaps the keys for a pad; each finger stroke asks zinnia again and
  its candidates show in the same place; a tap puts the character in.
- ◀ ▶ move the cursor; letters, candidates and backspace work at the cursor.

Why not Qt Virtual Keyboard: in a Widgets program it is a separate QtQuick top-level window chosen
process-wide with QT_IM_MODULE, which a full-screen kiosk compositor places on its own, which our
elder theme cannot size, and which the offscreen renderer and pytest-qt cannot see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from ui.editor_fit import KEY_GAP_PX
from ui.input_engines.loader import INPUT_ENGINES, InputEngines
from ui.text_buffer import TextBuffer
from ui.widgets import button, clear_layout, kinetic_drag, label, panel

BACKSPACE_REPEAT_DELAY_MS = 500  # held this long, 删除 starts repeating
BACKSPACE_REPEAT_EVERY_MS = 90


def repeat_while_held(key: QAbstractButton) -> None:
    """删除 held goes on deleting, as a phone's does: emptying an old place took some 30 taps
    (walk 12); a tap is still one character."""
    key.setAutoRepeat(True)
    key.setAutoRepeatDelay(BACKSPACE_REPEAT_DELAY_MS)
    key.setAutoRepeatInterval(BACKSPACE_REPEAT_EVERY_MS)

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
DIGIT_ROWS = ("1234567890", "，。？！、：；（）", "-/#·@.")
MODES = ("pinyin", "handwriting", "latin", "digits")
_MODE_WORDS = {
    "pinyin": "keyboard.pinyin",
    "handwriting": "keyboard.handwriting",
    "latin": "keyboard.latin",
    "digits": "keyboard.digits",
}
CURSOR = "▏"
ELLIPSIS = "…"  # where the open letters or the text beside them go on out of sight
# a reference (T0001-93-000042-68): capitals, digits and the dash on one layer, nothing to switch
REFERENCE_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm")
# an address (https://hub.example:8443/): small letters, digits and what an address is written with,
# nothing to switch to: pinyin, handwriting or full-width marks could only make it invalid
URL_ROWS = ("1234567890-", "qwertyuiop/", "asdfghjkl:.", "zxcvbnm")
LAYERS = (*MODES, "reference", "url")


class TypedText(QScrollArea):
    """The typed text in its box of fixed height: title size while it fits one line, body size
    when longer, wrapped, and scrolled to the cursor's line; a finger drags it to see the rest.
    The box never grows with the text, so the keys under it never move. `steady`: always title
    size (elder mode: the text shrank while candidates took the width and grew back after a
    choice, under the reader's eye; walk 3, finding 11)."""

    def __init__(self, *, steady: bool = False) -> None:
        super().__init__()
        self._steady = steady
        self.setObjectName("keyboard_text")
        self.label = label(" ", "title", name="keyboard_typed")
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        kinetic_drag(self.viewport())
        self._upto = 0
        self._hint = False
        self._composing: tuple[str, str, str] | None = None  # text before, letters, text after
        self._title_metrics = None  # the title size's, kept while the text shows smaller

    def title_advance(self, text: str) -> int:
        """How wide `text` is at the box's first size (the title's)."""
        return (self._title_metrics or self.label.fontMetrics()).horizontalAdvance(text)

    def text(self) -> str:
        return self.label.text()

    def show_text(self, text: str, upto: int) -> None:
        """Show `text`, keeping its first `upto` characters' last line (the cursor's) in view."""
        self._hint = False
        self._composing = None
        self.label.setText(text)
        self._upto = upto
        self._fit()

    def show_composing(self, before: str, letters: str, after: str) -> None:
        """Open letters (`letters`: "[lou dao]▏"): on one line, always whole while they fit it, with
        as much of the text either side as fits; longer than the line, their end (where the next
        letter goes) after a "…" (walk 6, M3: "[lou dao deng" showed, "bu liang le]" was cut off)."""
        self._hint = False
        self._composing = (before, letters, after)
        self._upto = 0
        self._fit()

    def show_hint(self, hint: str) -> None:
        """Nothing typed yet: the field's hint in its muted size, until the first letter."""
        self._hint = True
        self._composing = None
        self.label.setText(hint)
        self._upto = 0
        self._fit()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(1, self.viewport().width())
        if self._hint:
            self._role("muted")
            self.label.adjustSize()
            return
        self._role("title")
        self._title_metrics = self.label.fontMetrics()
        if self._composing is not None:
            self._fit_composing(room)
            return
        if not self._steady and self.label.fontMetrics().horizontalAdvance(self.label.text()) > room:
            self._role("typed_long")
        flags = int(Qt.TextFlag.TextWordWrap)
        upto = self.label.fontMetrics().boundingRect(QRect(0, 0, room, 100000), flags, self.label.text()[: self._upto])
        self.label.adjustSize()
        self.ensureVisible(0, max(0, upto.height() - 1), 0, 0)

    def _fit_composing(self, room: int) -> None:
        """One line, never wrapped (a wrapped line hid either the letters' start or their end):
        the text before the letters cut from the left, after them from the right."""
        before, letters, after = self._composing
        room -= self.label.width() - self.label.contentsRect().width()  # the label's own padding
        if not self._steady and self.label.fontMetrics().horizontalAdvance(before + letters + after) > room:
            self._role("typed_long")
        advance = self.label.fontMetrics().horizontalAdvance
        rest = room - advance(letters)
        if rest < 0:
            line = _cut(letters, room, advance, from_left=True)
        else:
            shown_before = _cut(before, rest, advance, from_left=True)
            shown_after = _cut(after, rest - advance(shown_before), advance, from_left=False)
            line = shown_before + letters + shown_after
        self.label.setText(line)
        self.label.adjustSize()
        self.ensureVisible(0, 0, 0, 0)

    def _role(self, role: str) -> None:
        if self.label.property("role") != role:
            self.label.setProperty("role", role)
            self.label.style().unpolish(self.label)
            self.label.style().polish(self.label)


def _cut(text: str, room: int, advance: Callable[[str], int], *, from_left: bool) -> str:
    """`text` whole if it fits `room`, else with the fewest characters cut off one end (from the
    left: at a space where one fits) and "…" in their place (by `advance`: QFontMetrics.elidedText
    overshot its width by 5 px at 52 px)."""
    if advance(text) <= room:
        return text
    if from_left:  # letters cut at a syllable's start ("…bu liang le]", not "…u liang le]")
        for n in (n for n in range(1, len(text)) if text[n - 1] == " "):
            if advance(ELLIPSIS + text[n:]) <= room:
                return ELLIPSIS + text[n:]
    for n in range(1, len(text) + 1):
        part = ELLIPSIS + text[n:] if from_left else text[: len(text) - n] + ELLIPSIS
        if advance(part) <= room:
            return part
    return ""


@dataclass(frozen=True)
class KeyboardDraft:
    """What a keyboard holds that the form does not have yet: the text, the cursor, the layer and
    the letters still being composed (kept as letters, never turned into a candidate)."""

    text: str
    cursor: int
    layer: str
    composing: str = ""


class OnScreenKeyboard(QWidget):
    """`text_changed(str)` after every edit. `word(key, **values)` gives the keyboard's words."""

    text_changed = Signal(str)

    def __init__(
        self,
        word: Callable[..., str],
        *,
        initial: str = "",
        mode: str = "pinyin",
        max_length: int | None = None,
        candidate_limit: int = 8,
        pad_px: int = 300,
        pad_beside_box: bool = False,
        pad_candidate_limit: int | None = None,
        box_px: int | None = None,
        on_activity: Callable[[], None] = lambda: None,
        engines: InputEngines = INPUT_ENGINES,
        steady_text: bool = False,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("keyboard")
        self.setAccessibleName(word("keyboard.pinyin"))
        self._word = word
        self._buffer = TextBuffer(initial, max_length)
        self._mode = mode if mode in LAYERS else "pinyin"
        self._limit = candidate_limit
        self._page_limit = candidate_limit  # fewer while the letters are long (_refresh)
        self._pad_px = pad_px
        # a landscape display: the pad beside the typed-text box as well as the keys, its height too
        self._pad_beside_box = pad_beside_box
        self._pad_limit = pad_candidate_limit or candidate_limit  # the box beside the pad is narrower
        self._placeholder = placeholder  # the field's hint, shown in the empty box (no line for it)
        self._on_activity = on_activity
        self._engines = engines
        self._composer = None  # librime session, made at the first letter once the engine is up
        self._pending = ""  # letters typed before the engine was up: replayed into it
        self._page = 0
        self._upper = False  # latin mode: shift
        self._written: list[str] = []  # handwriting candidates for the strokes on the pad
        self.pad = None
        # the typed text over the keys; on the handwriting layer the pad left of the keys (and of the
        # typed text too, on a landscape display), the keys in the column right of it
        outer = QGridLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(KEY_GAP_PX)
        outer.setColumnStretch(1, 1)
        self._outer = outer
        shown_frame, shown_box = panel("card", "keyboard_display")
        self._shown_frame = shown_frame
        shown_frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if box_px is not None:  # the editor's fit: one line of text or the candidates, never more
            shown_frame.setFixedHeight(box_px)
        shown_box.setContentsMargins(4, 4, 4, 4)  # the keys need the height more than the frame
        self._shown = TypedText(steady=steady_text)
        # the candidates sit in the text's own box, right of the text, in a row reserved while empty
        # (a hidden key holds its height) and exactly one key high whether highlighted or not
        # (fit="candidate"): their coming and going never moves a key under the resident's finger
        shown_line = QHBoxLayout()
        shown_line.addWidget(self._shown, 1)
        self._candidate_row = QHBoxLayout()
        shown_line.addLayout(self._candidate_row)
        shown_box.addLayout(shown_line)
        self._status = label("", "muted", name="keyboard_status")
        self._status.hide()
        shown_box.addWidget(self._status)
        outer.addWidget(shown_frame, 0, 0, 1, 2)
        self._keys = QGridLayout()
        self._keys.setSpacing(KEY_GAP_PX)
        outer.addLayout(self._keys, 1, 1)
        self._build_keys()
        self._refresh()

    # --- what the form reads --------------------------------------------------------------------

    def text(self) -> str:
        """The text so far; open letters are committed as the highlighted candidate first."""
        self._commit_highlighted()
        return self._buffer.text

    @property
    def composition(self) -> str:
        """The letters being composed (not yet text)."""
        if self._composer is not None:
            return self._composer.letters
        return self._pending

    @property
    def cursor(self) -> int:
        return self._buffer.cursor

    @property
    def mode(self) -> str:
        return self._mode

    def draft(self) -> KeyboardDraft:
        """The typing as it stands, for the keyboard built in this one's place when the screen is
        built again (elder mode or the language switched in the middle of a field)."""
        return KeyboardDraft(self._buffer.text, self._buffer.cursor, self._mode, self.composition)

    def restore(self, draft: KeyboardDraft, *, layer: bool = True) -> None:
        """Carry on from `draft`: its text and cursor, its layer (`layer`; not after a language
        switch, which brings its own), and its open letters composed again (letters, on a layer
        that does not compose)."""
        self._buffer.put_back(draft.text, draft.cursor)
        if layer and draft.layer in LAYERS and draft.layer != self._mode:
            self._mode = draft.layer
            self._build_keys()
        for letter in draft.composing:
            if self._mode == "pinyin" and letter.isascii() and letter.isalpha():
                self._type_letter(letter)
            else:
                self._buffer.insert(letter)
        self._refresh()

    def candidates(self) -> list[str]:
        """The candidates on the current page (pinyin or handwriting)."""
        return [text for text, _index in self._page_items()[0]]

    def insert_text(self, chars: str) -> None:
        """A quick phrase or a picked place: into the text at the cursor (open letters first)."""
        self._on_activity()
        self._commit_highlighted()
        self._buffer.insert(chars)
        self._refresh()

    # --- taps --------------------------------------------------------------------------------------

    def press(self, key: str) -> None:
        """A key tap: a letter, digit or mark, or "space", "backspace", "shift", "left", "right",
        "page_up", "page_down", "clear_pad", or a mode name."""
        self._on_activity()
        if key == "shift":
            self._upper = not self._upper
            self._build_keys()
        elif key in MODES:
            self._commit_highlighted()
            self._mode = key
            self._written = []
            self._build_keys()
        elif key in ("page_up", "page_down"):
            self._page = max(0, self._page + (1 if key == "page_down" else -1))
        elif key in ("left", "right"):
            if not self.composition:  # while composing, the cursor stays where the phrase goes
                self._buffer.move(-1 if key == "left" else 1)
        elif key == "clear_pad":
            self._written = []
            if self.pad is not None:
                self.pad.clear()
        elif key == "backspace":
            if self._composer is not None and self._composer.composing:
                self._composer.backspace()
                self._page = 0
            elif self._pending:
                self._pending = self._pending[:-1]
            else:
                self._buffer.delete_before()
        elif key == "space":
            if self.composition:
                self._commit_highlighted()
            else:
                self._buffer.insert(" ")
        elif self._mode == "pinyin" and len(key) == 1 and key.isascii() and key.isalpha():
            self._type_letter(key)
        else:
            self._buffer.insert(key.upper() if self._capitals() else key)
        self._refresh()

    def choose(self, index: int) -> None:
        """Tap on candidate `index` of the current page."""
        self._on_activity()
        items, _more = self._page_items()
        if 0 <= index < len(items):
            text, engine_index = items[index]
            if self._mode == "handwriting":
                if self._buffer.insert(text):
                    self._written = []
                    if self.pad is not None:
                        self.pad.clear()
            elif self._composer is not None:
                done = self._composer.choose(engine_index)
                if done is not None:
                    self._buffer.insert(done)
            self._page = 0
        self._refresh()

    def strokes_written(self, strokes: list, width: int, height: int) -> None:
        """The pad's strokes so far (after each stroke): ask the recogniser again."""
        self._on_activity()
        recognizer = self._engines.handwriting
        self._written = recognizer.recognize(strokes, width, height, 20) if recognizer else []
        self._page = 0
        self._refresh()

    # --- internals ---------------------------------------------------------------------------------

    def _ensure_composer(self) -> bool:
        if self._composer is None and self._engines.pinyin is not None:
            self._composer = self._engines.composer()
            for ch in self._pending:
                self._composer.type(ch)
            self._pending = ""
        return self._composer is not None

    def _type_letter(self, letter: str) -> None:
        room = self._buffer.room()
        if room is not None and len(self.composition) >= room * 6:
            return  # more letters than the field could take as hanzi (6 letters a syllable at most)
        self._page = 0
        if self._ensure_composer():
            self._composer.type(letter)
        else:
            self._pending += letter.lower()

    def _commit_highlighted(self) -> None:
        if self._ensure_composer() and self._composer.composing:
            self._buffer.insert(self._composer.commit_highlighted())
        elif self._pending:  # no engine: the letters stay letters, never lost
            self._buffer.insert(self._pending)
            self._pending = ""
        self._page = 0

    def _page_items(self) -> tuple[list[tuple[str, int]], bool]:
        limit = self._page_limit
        first = self._page * limit
        if self._mode == "handwriting":
            items = [(c, i) for i, c in enumerate(self._written)][first : first + limit]
            return items, len(self._written) > first + limit
        if not self._ensure_composer() or not self._composer.composing:
            return [], False
        found, more = self._composer.candidates(first, limit)
        return [(c.text, c.index) for c in found], more

    def _capitals(self) -> bool:
        return self._mode == "reference" or (self._upper and self._mode == "latin")

    def _key(self, text: str, key: str, role: str = "key", accessible: str | None = None) -> QWidget:
        b = button(
            text,
            lambda: self.press(key),
            name=f"key:{key}",
            role=role,
            accessible=accessible or self._word("keyboard.key", name=text),
        )
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if key == "backspace":
            repeat_while_held(b)
        # paging sits in the candidate row and is as high as a candidate; the rest are key rows
        b.setProperty("fit", "candidate" if key in ("page_up", "page_down") else "row")
        return b

    def _word_key(self, key: str, word_key: str, text: str | None = None) -> QWidget:
        shown = text or self._word(word_key)
        return self._key(shown, key, accessible=self._word(word_key))

    def _build_keys(self) -> None:
        clear_layout(self._keys)
        if self.pad is not None:
            self._outer.removeWidget(self.pad)
            self.pad.deleteLater()
        self.pad = None
        self._place_box(beside_pad=False)
        width = 20
        if self._mode == "handwriting":
            self._build_pad(width)
            return
        if self._mode == "url":
            self._build_url_keys()
            return
        rows = {"digits": DIGIT_ROWS, "reference": REFERENCE_ROWS}.get(self._mode, LETTER_ROWS)
        for r, row in enumerate(rows):
            offset = {"digits": 0, "reference": max(0, r - 1)}.get(self._mode, r)
            for c, ch in enumerate(row):
                shown = ch.upper() if self._capitals() else ch
                self._keys.addWidget(self._key(shown, ch), r, c * 2 + offset, 1, 2)
        if self._mode == "latin":
            self._keys.addWidget(self._word_key("shift", "keyboard.shift", "⇧"), 2, 0, 1, 2)
        last = len(rows)
        # the reference layer's third row is full: its backspace goes on the last row
        back_row = last - 1 if self._mode == "reference" else 2
        self._keys.addWidget(self._word_key("backspace", "keyboard.backspace"), back_row, width - 4, 1, 4)
        if self._mode == "reference":
            return  # no spaces and nothing to switch to in a reference: four rows, as the others
        col = 0
        for m in (m for m in MODES if m != self._mode):
            self._keys.addWidget(self._word_key(m, _MODE_WORDS[m]), last, col, 1, 3)
            col += 3
        self._keys.addWidget(self._word_key("left", "keyboard.left", "◀"), last, col, 1, 2)
        self._keys.addWidget(self._word_key("right", "keyboard.right", "▶"), last, col + 2, 1, 2)
        col += 4
        self._keys.addWidget(self._word_key("space", "keyboard.space"), last, col, 1, width - col)

    def _build_url_keys(self) -> None:
        """Eleven keys a row (two columns each); backspace closes the short last row."""
        for r, row in enumerate(URL_ROWS):
            for c, ch in enumerate(row):
                self._keys.addWidget(self._key(ch, ch), r, c * 2, 1, 2)
        last = len(URL_ROWS) - 1
        used = 2 * len(URL_ROWS[last])
        self._keys.addWidget(self._word_key("backspace", "keyboard.backspace"), last, used, 1, 22 - used)

    def _place_box(self, *, beside_pad: bool) -> None:
        """The typed-text box across the keyboard, or right of the pad (a landscape display)."""
        self._outer.removeWidget(self._shown_frame)
        if beside_pad:
            self._outer.addWidget(self._shown_frame, 0, 1)
        else:
            self._outer.addWidget(self._shown_frame, 0, 0, 1, 2)
        # the keys' row takes the pad's height (its keys grow to it); else the height left is under them
        self._outer.setRowStretch(1, 1 if self._mode == "handwriting" else 0)
        self._outer.setRowStretch(2, 0 if self._mode == "handwriting" else 1)

    def _build_pad(self, width: int) -> None:
        """The pad on the left, as large as the editor's fit allows; the keys in the column right of
        it, grown to its height: three rows beside a landscape pad, two keys across in four rows
        beside a portrait one (the pad takes the width there)."""
        from ui.handwriting_pad import HandwritingPad  # QPainter work only when writing by hand

        self.pad = HandwritingPad(self._pad_px, self.strokes_written, self._word("keyboard.pad"))
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if self._pad_beside_box:
            self._place_box(beside_pad=True)
            self._outer.addWidget(self.pad, 0, 0, 2, 1, top)
        else:
            self._place_box(beside_pad=False)
            self._outer.addWidget(self.pad, 1, 0, 1, 1, top)
        modes = [(m, _MODE_WORDS[m]) for m in MODES if m != self._mode]
        if self._pad_beside_box:
            keys = [
                (0, 0, 6, "clear_pad", "keyboard.clear_pad", None),
                (0, 6, 6, "backspace", "keyboard.backspace", None),
                *((1, 4 * i, 4, m, w, None) for i, (m, w) in enumerate(modes)),
                (2, 0, 3, "left", "keyboard.left", "◀"),
                (2, 3, 3, "right", "keyboard.right", "▶"),
                (2, 6, 6, "space", "keyboard.space", None),
            ]
        else:
            (m1, w1), (m2, w2), (m3, w3) = modes
            keys = [
                (0, 0, 1, "clear_pad", "keyboard.clear_pad", None),
                (0, 1, 1, "backspace", "keyboard.backspace", None),
                (1, 0, 1, m1, w1, None),
                (1, 1, 1, m2, w2, None),
                (2, 0, 1, m3, w3, None),
                (2, 1, 1, "space", "keyboard.space", None),
                (3, 0, 1, "left", "keyboard.left", "◀"),
                (3, 1, 1, "right", "keyboard.right", "▶"),
            ]
        for row, col, span, key, word_key, text in keys:
            b = self._word_key(key, word_key, text)
            b.setProperty("fit", "pad_key")  # not one row high: as high as the pad shares out
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            self._keys.addWidget(b, row, col, 1, span)

    def _refresh(self) -> None:
        text, at = self._buffer.text, self._buffer.cursor
        self._page_limit = self._pad_limit if self._mode == "handwriting" else self._limit
        composing = ""
        if self._composer is not None and self._composer.composing:
            composing = self._composer.preedit()
        elif self._pending:
            composing = self._pending
        if not text and not composing and self._placeholder:
            self._shown.show_hint(f"{CURSOR}{self._placeholder}")
        elif composing:
            # letters longer than a third of the line: half the candidates a page, so that the
            # letters keep the room to show whole (walk 6, M3: four candidates left 388 px of 1,232).
            # Each letter, backspace or choice turns back to the first page, so a page never
            # changes its size under the resident.
            long = self._shown.title_advance(f"[{composing}]{CURSOR}")
            if self._mode == "pinyin" and long > self._shown_frame.width() // 3:
                self._page_limit = max(2, self._limit // 2)
            self._shown.show_composing(text[:at], f"[{composing}]{CURSOR}", text[at:])
        else:
            self._shown.show_text(f"{text[:at]}{CURSOR}{text[at:]}", at + 1)  # the cursor's line
        self._shown.setAccessibleName(text + (f" {composing}" if composing else ""))
        waiting = self._mode == "pinyin" and bool(self._pending)
        missing = (self._mode == "pinyin" and self._engines.loaded and self._engines.pinyin is None) or (
            self._mode == "handwriting" and self._engines.handwriting is None
        )
        if missing:
            self._status.setText(self._word("keyboard.engine_missing"))
        elif waiting:
            self._status.setText(self._word("keyboard.engine_starting"))
        self._status.setVisible(missing or waiting)
        clear_layout(self._candidate_row)
        # an invisible key keeps the box a key high even while empty, so it does not grow with the
        # first letter and move the keys
        placeholder = button("字", lambda: None, name="candidate_placeholder", role="key")
        placeholder.setProperty("fit", "candidate")
        policy = placeholder.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        placeholder.setSizePolicy(policy)
        placeholder.setFixedWidth(1)
        placeholder.hide()
        self._candidate_row.addWidget(placeholder)
        items, more = self._page_items()
        if self._page > 0:
            self._candidate_row.addWidget(self._word_key("page_up", "keyboard.page_up", "‹"))
        for i, (chars, _index) in enumerate(items):
            # the highlighted one is what OK takes while letters are open: drawn as selected
            highlighted = i == 0 and self._page == 0 and self._mode == "pinyin"
            b = button(
                chars,
                lambda i=i: self.choose(i),
                name=f"candidate:{i}",
                role="selected" if highlighted else "key",
                accessible=self._word("keyboard.candidate", text=chars),
            )
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setProperty("fit", "candidate")
            self._candidate_row.addWidget(b)
        if more:
            self._candidate_row.addWidget(self._word_key("page_down", "keyboard.page_down", "›"))
        self.text_changed.emit(text)
