"""Touch editors for one form field: choices, numbers, dates and free text (on-screen keyboard)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.catalogue import FieldType
from kiosk.session_view import FieldView
from ui.editor_fit import (
    KEY_GAP_PX,
    AidsShape,
    EditorFit,
    candidate_limit,
    full_row_px,
    rows_sheet,
    tallest_row_px,
)
from ui.keyboard import KeyboardDraft, OnScreenKeyboard, repeat_while_held
from ui.screens.text_aids import PlacePicker, QuickPhrases, aids_shape, joined
from ui.theme import Theme
from ui.widgets import button, label, panel

Word = Callable[..., str]


# the layers a free-text field may open on because the last one was taken on it (never digits:
# a phone's or a house number's keys are not a way of writing)
TEXT_LAYERS_KEPT = ("handwriting", "pinyin", "latin")


class FieldEditor(QWidget):
    """Base: `value()` is what the resident entered, as text for session.set_field. `draft()` is
    what the editor holds beyond that (cursor, keyboard layer, an open building), for the editor
    built in its place when the screen is built again; `restore()` carries on from it."""

    def value(self) -> str:
        raise NotImplementedError

    def draft(self) -> object | None:
        """None: nothing to carry over (a choice is taken by its tap)."""
        return None

    def restore(self, draft: object, *, same_language: bool = True) -> None:
        """Carry on from another editor's `draft()` for the same field."""


class ChoiceEditor(FieldEditor):
    """One button per choice; a tap chooses at once (`on_pick`)."""

    def __init__(
        self, field: FieldView, theme: Theme, on_pick: Callable[[str], None], *, room_px: int = 0
    ) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setSpacing(theme.spacing_px)
        rows = -(-len(field.choices) // theme.choice_columns)
        if theme.narrow and room_px and rows:
            # a portrait display: the choices share two thirds of the room (the name, the hint and
            # a message keep the rest), up to a grown key row each: one column of elder choices a
            # target high stood over 1,000 px of empty screen (fresh-eyes walk)
            high = min(tallest_row_px(theme), (room_px * 2 // 3) // rows - theme.spacing_px)
            if high > theme.target_px:
                self.setStyleSheet(f"QPushButton {{ min-height: {high - 2 * (theme.border_px + 1)}px; }}")
        for i, choice in enumerate(field.choices):
            b = button(
                choice.label,
                lambda v=choice.value: on_pick(v),
                name=f"choice:{field.id}:{choice.value}",
                role="selected" if field.value == choice.value else "",
            )
            grid.addWidget(b, i // theme.choice_columns, i % theme.choice_columns)
        self._value = field.value or ""

    def value(self) -> str:
        return self._value


class DigitEditor(FieldEditor):
    """A number pad for numbers, phone numbers and ID numbers (with X)."""

    def __init__(
        self,
        field: FieldView,
        theme: Theme,
        word: Word,
        on_activity: Callable[[], None],
        *,
        secret: bool = False,
    ) -> None:
        super().__init__()
        self._secret = secret  # a PIN: dots on screen
        self._text = field.value or ""
        self._max = field.max_length or (18 if field.type is FieldType.ID_NUMBER else 20)
        self._on_activity = on_activity
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        frame, inner = panel("card", "digits_display")
        self._shown = label(self._text or " ", "title", name="digits_text")
        inner.setContentsMargins(4, 4, 4, 4)  # the keys need the height more than the frame
        inner.addWidget(self._shown)
        box.addWidget(frame)
        # keys of the floor's height: the field's hint over them is a line the pad must leave room for
        # on a 768 px display in elder mode (it was dropped there, render 8)
        inner = min(theme.key_floor_px, full_row_px(theme)) - 2 * theme.border_px
        if theme.narrow:  # a portrait display: the height to spare goes to the keys (final finding 15)
            inner = tallest_row_px(theme) - 2 * theme.border_px
        self.setStyleSheet(f'QPushButton[role="key"] {{ min-height: {inner}px; max-height: {inner}px; }}')
        grid = QGridLayout()
        # the keyboard's gap: four rows of elder keys with wider gaps grew past a 768 px display
        grid.setSpacing(4)
        extra = "X" if field.type is FieldType.ID_NUMBER else ("-" if field.type is FieldType.PHONE else "")
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", extra, "0", "backspace"]
        for i, key in enumerate(keys):
            if not key:
                continue
            text = word("keyboard.backspace") if key == "backspace" else key
            b = button(
                # the full-width dash: "-" was a dot-like speck on its key (render 8)
                "－" if key == "-" else text,
                lambda k=key: self.press(k),
                name=f"key:{key}",
                role="key",
                accessible=word("keyboard.key", name=text),
            )
            if key == "backspace":  # held, it goes on deleting, as the keyboard's does
                repeat_while_held(b)
            grid.addWidget(b, i // 3, i % 3)
        box.addLayout(grid)

    def press(self, key: str) -> None:
        self._on_activity()
        if key == "backspace":
            self._text = self._text[:-1]
        elif len(self._text) < self._max:
            self._text += key
        self._show()

    def _show(self) -> None:
        shown = "•" * len(self._text) if self._secret else self._text
        self._shown.setText(shown or " ")
        self._shown.setAccessibleName(shown)

    def value(self) -> str:
        return self._text

    def draft(self) -> object | None:
        return self._text

    def restore(self, draft: object, *, same_language: bool = True) -> None:
        if isinstance(draft, str):
            self._text = draft[: self._max]
            self._show()


class DateEditor(FieldEditor):
    """Year, month and day, each with big up/down buttons; starts at the value, the minimum or today."""

    def __init__(
        self, field: FieldView, theme: Theme, word: Word, today: date, on_activity: Callable[[], None]
    ) -> None:
        super().__init__()
        self._on_activity = on_activity
        start = field.value or field.min or today.isoformat()
        try:
            self._date = date.fromisoformat(start)
        except ValueError:
            self._date = today
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        frame, inner = panel("card", "date_display")
        self._shown = label(self._date.isoformat(), "title", name="date_text")
        inner.addWidget(self._shown)
        box.addWidget(frame)
        row = QHBoxLayout()
        row.setSpacing(theme.spacing_px)
        # each column shows its own part between its buttons, its name centred under the value
        # (render 7: three alike columns to map onto one "2026-01-01"); +/- in the title size
        self._parts: dict[str, QLabel] = {}
        for part in ("year", "month", "day"):
            col = QVBoxLayout()
            col.setSpacing(KEY_GAP_PX)
            name = word(f"date.{part}")
            plus = button(
                "+",
                lambda p=part: self.step(p, 1),
                name=f"date:{part}:+",
                accessible=word("date.plus", part=name),
            )
            minus = button(
                "−",
                lambda p=part: self.step(p, -1),
                name=f"date:{part}:-",
                accessible=word("date.minus", part=name),
            )
            value = label("", "title", name=f"date_part:{part}")
            caption = label(name, "muted", name=f"date_name:{part}")
            for b in (plus, minus):
                b.setProperty("glyph", "big")
            for part_label in (value, caption):
                part_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._parts[part] = value
            for w in (plus, value, caption, minus):
                col.addWidget(w)
            row.addLayout(col)
        box.addLayout(row)
        if theme.narrow:  # a portrait display: the height to spare goes to the buttons (finding 15)
            inner = tallest_row_px(theme) - 2 * (theme.border_px + 1)  # inside the button's border
            self.setStyleSheet(f"QPushButton {{ min-height: {inner}px; }}")
        self._show()

    def step(self, part: str, delta: int) -> None:
        self._on_activity()
        d = self._date
        if part == "day":
            d = d + timedelta(days=delta)
        else:
            year, month = d.year, d.month
            if part == "year":
                year += delta
            else:
                month += delta
                year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            day = min(d.day, 28)  # a day that exists in every month
            d = date(year, month, day)
        self._date = d
        self._show()

    def _show(self) -> None:
        self._shown.setText(self._date.isoformat())
        self._shown.setAccessibleName(self._date.isoformat())
        for part, value in self._parts.items():
            value.setText(str(getattr(self._date, part)))

    def value(self) -> str:
        return self._date.isoformat()

    def draft(self) -> object | None:
        return self._date

    def restore(self, draft: object, *, same_language: bool = True) -> None:
        if isinstance(draft, date):
            self._date = draft
            self._show()


class TextEditor(FieldEditor):
    """Free text with the on-screen keyboard (pinyin first in Chinese), the field's quick phrases
    and, for a place in the community, the place picker above it. A reference opens on its own
    layer (capitals, digits, dash)."""

    def __init__(
        self,
        field: FieldView,
        theme: Theme,
        word: Word,
        language: str,
        on_activity: Callable[[], None],
        places: tuple = (),
        fit: EditorFit | None = None,
        layer: str | None = None,
    ) -> None:
        super().__init__()
        fit = fit or EditorFit(full_row_px(theme), fold_header=False)
        # keys, candidates and chips one row high, as the display allows (ui/editor_fit.py)
        self.setStyleSheet(rows_sheet(fit, theme))
        self.fit = fit
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(KEY_GAP_PX)
        # a personal value is never shown unmasked: the resident types it again from empty
        initial = field.value or ""
        if field.input == "reference":
            mode = "reference"  # capitals and digits: pinyin would turn "t" into 他
        elif layer in TEXT_LAYERS_KEPT and (layer == "latin" or language == "zh"):
            mode = layer  # the layer the resident took the form's last text on (walk 8, F4)
        else:
            mode = "pinyin" if language == "zh" else "latin"
        self.keyboard = OnScreenKeyboard(
            word,
            initial=initial,
            mode=mode,
            max_length=field.max_length,
            candidate_limit=candidate_limit(theme, fit.width_px),
            pad_px=fit.pad_px(theme),  # as large as the room allows (ui/editor_fit.py)
            pad_beside_box=not fit.narrow,
            pad_candidate_limit=fit.pad_candidate_limit(theme, candidate_limit(theme, fit.width_px)),
            box_px=fit.typed_box_px(theme),
            placeholder=field.hint if fit.aids is not None and fit.aids.hint_in_box else "",
            on_activity=on_activity,
            steady_text=theme.mode.value == "elder",  # the elder size throughout (walk 3, 11)
        )

        placed: list[str] = []  # the box's text as the place picker left it

        def put(text: str) -> str:
            # a phrase right after a picked place is the place's next part: "Building 8, Entrance
            # 2, stairwell" (walk 8, F17 read "Entrance 2 stairwell")
            after_place = placed == [self.keyboard.text()]
            written = joined(self.keyboard.text(), text, language, after_place=after_place)
            self.keyboard.insert_text(written)
            return written

        def put_place(text: str) -> str:
            written = put(text)
            placed[:] = [self.keyboard.text()]
            return written

        def put_unit(text: str) -> None:
            self.keyboard.insert_text(text)
            placed[:] = [self.keyboard.text()]

        def take_back(written: str) -> None:
            """A building's name the picker put in, out again (the resident picks another)."""
            if self.keyboard.text().endswith(written) and not self.keyboard.composition:
                for _ in written:
                    self.keyboard.press("backspace")

        self.picker: PlacePicker | None = None
        shape = fit.aids
        if shape is not None:
            # laid out in full over the keys (the fit gave them the height): hint, places, phrases
            aids = QWidget()
            aids.setObjectName("text_aids")
            aids_box = QVBoxLayout(aids)
            aids_box.setContentsMargins(0, 0, 0, 0)
            aids_box.setSpacing(KEY_GAP_PX)
            if field.hint and field.quick_phrases and not shape.hint_in_box:  # else the form shows it
                aids_box.addWidget(label(field.hint, "muted", name="field_hint"))
            picker_rows, phrase_rows = shape.rows
            if field.picker == "address" and places:
                place = (shape.lead_px, shape.room_px, picker_rows, fit.row_px)
                self.picker = PlacePicker(
                    places, word, language, put_place, theme, place, put_unit, take_back
                )
                if shape.merged:  # one row for both: the phrases a page after the buildings
                    self.picker.extra = [
                        (p, lambda p=p: put(p), f"phrase:{i}", word("form.quick_phrase", text=p))
                        for i, p in enumerate(field.quick_phrases)
                    ]
                    self.picker.show_buildings()
                aids_box.addWidget(self.picker)
            if field.quick_phrases and not shape.merged:
                place = (shape.lead_px, shape.room_px, phrase_rows, fit.row_px)
                aids_box.addWidget(QuickPhrases(field.quick_phrases, word, put, theme, place))
            box.addWidget(aids)
        box.addWidget(self.keyboard)

    def value(self) -> str:
        return self.keyboard.text()

    def draft(self) -> object | None:
        return TextDraft(self.keyboard.draft(), self.picker.building if self.picker is not None else None)

    def restore(self, draft: object, *, same_language: bool = True) -> None:
        if not isinstance(draft, TextDraft):
            return
        # after a language switch the keyboard opens on the new language's layer
        self.keyboard.restore(draft.keyboard, layer=same_language)
        if self.picker is not None and draft.building is not None:
            self.picker.reopen(draft.building)


@dataclass(frozen=True)
class TextDraft:
    """A text editor's typing (kept by the keyboard) and the building its place picker had open."""

    keyboard: KeyboardDraft
    building: int | None = None


def editor_for(
    field: FieldView,
    theme: Theme,
    word: Word,
    language: str,
    on_pick: Callable[[str], None],
    on_activity: Callable[[], None],
    today: date,
    places: tuple = (),
    fit: EditorFit | None = None,
    room_px: int = 0,
    layer: str | None = None,
) -> FieldEditor:
    if field.type is FieldType.CHOICE:
        return ChoiceEditor(field, theme, on_pick, room_px=room_px)
    if field.type in (FieldType.NUMBER, FieldType.PHONE, FieldType.ID_NUMBER):
        return DigitEditor(field, theme, word, on_activity)
    if field.type is FieldType.DATE:
        return DateEditor(field, theme, word, today, on_activity)
    return TextEditor(field, theme, word, language, on_activity, places, fit, layer=layer)


def is_text(field: FieldView) -> bool:
    """The field opens the keyboard (editor_for's last case)."""
    return field.type not in (
        FieldType.CHOICE,
        FieldType.NUMBER,
        FieldType.PHONE,
        FieldType.ID_NUMBER,
        FieldType.DATE,
    )


def text_aids(
    field: FieldView, places: tuple, word: Word, theme: Theme, width: int, language: str
) -> AidsShape | None:
    """How the chips over the text editor's keys lay out at `width` (quick phrases, the place
    picker, and the hint that leads them); None: the field has none."""
    shown = places if field.picker == "address" else ()
    hint = field.hint if field.quick_phrases else ""
    return aids_shape(field.quick_phrases, hint, shown, word, theme, width)
