"""The on-screen keyboard: pinyin (Chinese), latin letters and digits, sized by the theme.

It edits its own text buffer; the form screen reads `text()` when the resident taps OK. Pinyin:
letters build a composition shown above the keys; tapping a candidate (or space, for the first one)
puts the hanzi in the text. See ui/pinyin.py for why this is not Qt Virtual Keyboard.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ui import pinyin
from ui.widgets import button, clear_layout, label, panel

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
DIGIT_ROWS = ("123", "456", "789", "-0#")
MODES = ("pinyin", "latin", "digits")


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
        on_activity: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__()
        self.setObjectName("keyboard")
        self.setAccessibleName(word("keyboard.pinyin"))
        self._word = word
        self._text = initial
        self._composition = ""
        self._mode = mode if mode in MODES else "pinyin"
        self._max = max_length
        self._limit = candidate_limit
        self._on_activity = on_activity
        self._upper = False  # latin mode: shift
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        shown_frame, shown_box = panel("card", "keyboard_display")
        shown_frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        shown_box.setContentsMargins(4, 4, 4, 4)  # the keys need the height more than the frame
        self._shown = label(self._text or " ", "title", name="keyboard_text")
        # the candidates sit in the text's own box, right of the text: a row of their own appearing
        # with the first letter would push every key down under the resident's finger, and one
        # reserved while empty would not fit a 1280x800 window
        shown_line = QHBoxLayout()
        shown_line.addWidget(self._shown, 1)
        self._candidate_row = QHBoxLayout()
        shown_line.addLayout(self._candidate_row)
        shown_box.addLayout(shown_line)
        outer.addWidget(shown_frame)
        self._keys = QGridLayout()
        self._keys.setSpacing(4)
        outer.addLayout(self._keys)
        outer.addStretch(1)
        self._build_keys()
        self._refresh()

    # --- what the form reads --------------------------------------------------------------------

    def text(self) -> str:
        """The text so far; a pending composition is committed as its first candidate first."""
        self._commit_first()
        return self._text

    @property
    def composition(self) -> str:
        return self._composition

    @property
    def mode(self) -> str:
        return self._mode

    # --- taps --------------------------------------------------------------------------------------

    def press(self, key: str) -> None:
        """A key tap: a letter or digit, or "space", "backspace", "shift", or a mode name."""
        self._on_activity()
        if key == "shift":
            self._upper = not self._upper
            self._build_keys()
        elif key in MODES:
            self._commit_first()
            self._mode = key
            self._build_keys()
        elif key == "backspace":
            if self._composition:
                self._composition = self._composition[:-1]
            else:
                self._text = self._text[:-1]
        elif key == "space":
            if self._composition:
                self._commit_first()
            else:
                self._append(" ")
        elif self._mode == "pinyin" and key.isalpha() and key.isascii():
            self._composition += key
        else:
            self._append(key.upper() if self._upper and self._mode == "latin" else key)
        self._refresh()

    def choose(self, index: int) -> None:
        """Tap on candidate `index`: its hanzi go into the text, the letters it used leave the composition."""
        self._on_activity()
        options = pinyin.candidates(self._composition, self._limit)
        if 0 <= index < len(options):
            chars, used = options[index]
            self._append(chars)
            self._composition = self._composition[used:]
        self._refresh()

    # --- internals ---------------------------------------------------------------------------------

    def _append(self, chars: str) -> None:
        if self._max is not None and len(self._text) + len(chars) > self._max:
            return
        self._text += chars

    def _commit_first(self) -> None:
        while self._composition:
            options = pinyin.candidates(self._composition, 1)
            if not options:
                self._append(self._composition)  # letters no syllable starts with stay as letters
                self._composition = ""
                break
            chars, used = options[0]
            self._append(chars)
            self._composition = self._composition[used:]

    def _key(self, text: str, key: str, role: str = "key", accessible: str | None = None) -> QWidget:
        b = button(
            text,
            lambda: self.press(key),
            name=f"key:{key}",
            role=role,
            accessible=accessible or self._word("keyboard.key", name=text),
        )
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _build_keys(self) -> None:
        clear_layout(self._keys)
        rows = DIGIT_ROWS if self._mode == "digits" else LETTER_ROWS
        for r, row in enumerate(rows):
            offset = r if self._mode != "digits" else 0
            for c, ch in enumerate(row):
                shown = ch.upper() if self._upper and self._mode == "latin" else ch
                self._keys.addWidget(self._key(shown, ch), r, c * 2 + offset, 1, 2)
        if self._mode == "latin":
            self._keys.addWidget(self._key("⇧", "shift", accessible=self._word("keyboard.shift")), 2, 0, 1, 2)
        last = len(rows)
        width = 20 if self._mode != "digits" else 6
        self._keys.addWidget(
            self._key(
                self._word("keyboard.backspace"), "backspace", accessible=self._word("keyboard.backspace")
            ),
            last - 1,
            width - 4 if self._mode != "digits" else 6,
            1,
            4,
        )
        modes = [m for m in MODES if m != self._mode]
        words = {"pinyin": "keyboard.pinyin", "latin": "keyboard.latin", "digits": "keyboard.digits"}
        col = 0
        for m in modes:
            self._keys.addWidget(
                self._key(self._word(words[m]), m, accessible=self._word(words[m])), last, col, 1, 3
            )
            col += 3
        self._keys.addWidget(
            self._key(self._word("keyboard.space"), "space", accessible=self._word("keyboard.space")),
            last,
            col,
            1,
            max(4, width - col),
        )

    def _refresh(self) -> None:
        shown = self._text + (f" [{self._composition}]" if self._composition else "")
        self._shown.setText(shown or " ")
        self._shown.setAccessibleName(shown)
        clear_layout(self._candidate_row)
        # an invisible key keeps the box a key high even while empty, so it does not grow with the
        # first letter and move the keys
        placeholder = button("字", lambda: None, name="candidate_placeholder", role="key")
        policy = placeholder.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        placeholder.setSizePolicy(policy)
        placeholder.setFixedWidth(1)
        placeholder.hide()
        self._candidate_row.addWidget(placeholder)
        if self._composition:
            for i, (chars, _used) in enumerate(pinyin.candidates(self._composition, self._limit)):
                b = button(
                    chars,
                    lambda i=i: self.choose(i),
                    name=f"candidate:{i}",
                    role="key",
                    accessible=self._word("keyboard.candidate", text=chars),
                )
                b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                self._candidate_row.addWidget(b)
        self.text_changed.emit(self._text)
