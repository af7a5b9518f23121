"""The current service's form, and the review before sending.

The form lists its fields as big rows; a tap opens that field's touch editor in place of the list
(no pop-up), and OK hands the value to the session, which validates it. The screen keeps only
presentation state, and only for the form on show (`SessionView.form_serial`): which editor is
open, what it holds while the screen is built again (elder mode or the language switched in the
middle of a field), and which fields the resident has tried (a field's message waits until then).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.catalogue import FieldType, ServiceKind
from kiosk.errors import WayForward
from kiosk.punctuation import aside, colon
from kiosk.session_view import FieldView, SessionView, Step
from ui.editor_fit import GROW_SLACK_PX, EditorFit, editor_px, fit_editor, text_px
from ui.field_words import field_hint, field_message
from ui.line_breaks import keep_groups, keep_last_clause, label_with_value
from ui.screens.base import Screen, flow_step_keys
from ui.screens.editors import (
    TEXT_LAYERS_KEPT,
    ChoiceEditor,
    FieldEditor,
    TextDraft,
    editor_for,
    is_text,
    text_aids,
)
from ui.theme import FONT_FAMILIES, Theme
from ui.widgets import button, label, panel, tile


class FormScreen(Screen):
    step = Step.FORM
    way_back_keys = ("form.keep", "form.back_to_list")  # an open editor's (_build_editor)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.editing: str | None = None
        self._form_serial: int | None = None
        self.editor: FieldEditor | None = None
        self._advance_after: str | None = None
        self.today = date.today
        self._first_error: tuple[QWidget, QWidget] | None = None
        self._rows: dict[str, tuple[QWidget, QWidget | None]] = {}  # the list's rows, with their messages
        self._in_view: str | None = None  # the field the list shows when it comes back (the one edited)
        self._scroll_held = False  # a press came before the list's scroll to that field: no scroll
        # what the editor held when OK was refused, by field: reopened, the typo is there to mend
        # (a personal value is not in the view, and typing a whole phone number again was the fix)
        self._refused: dict[str, object] = {}
        # after "use the details on file": what was filled, said where the offer stood
        self._filled_note: tuple[tuple[str, str], ...] | None = None
        self._open_refused = False  # "next" was tapped: open the first field the session refused
        self._empty_refused: str | None = None  # OK on nothing in this required field: it says so
        # what was typed in an empty field left by "back to the list": not its value, but back in
        # its editor when it is opened again (walk 7, N1: it was thrown away without a word)
        self._left: dict[str, tuple[object, str]] = {}
        # the keyboard layer the resident last took a text field's value on (handwriting, pinyin,
        # letters): the next free-text field of the form opens on it (walk 8, F4: an elder who
        # wrote 十 by hand was given the pinyin keys again in the next field)
        self._text_layer: str | None = None
        self._tried: set[str] = set()  # fields the resident gave a value or was sent to by "next"
        # (field id, draft, language) of the editor open when the screen is built again
        self._kept: tuple[str, object, str] | None = None
        self._scroll_tries = 0  # turns waited for the list's scroll range (_show_first_error)
        self._renders = 0  # builds so far: whether the session's answer to OK rebuilt the screen
        # (form, display, mode, language) -> (columns, compact rows) of the list (_fields_in_columns)
        self._columns_for: tuple[tuple, tuple[int, bool]] | None = None

    def render(self, view: SessionView, theme) -> None:
        self._kept = self._draft_to_keep(view)
        self._renders += 1
        super().render(view, theme)

    def _draft_to_keep(self, view: SessionView) -> tuple[str, object, str] | None:
        """What the open editor holds, when the screen is built again for the same form: the
        resident switched elder mode or the language in the middle of a field (walk finding 4).
        Never across forms: a new form (the next resident's, or the same service opened again)
        has another serial, and the editor left over from the last one is not read."""
        before = self.view
        if self.editor is None or self.editing is None or before is None:
            return None
        if view.form_serial is None or view.form_serial != before.form_serial:
            return None
        try:
            draft = self.editor.draft()
        except RuntimeError:  # its widgets are gone already
            return None
        return (self.editing, draft, before.language) if draft is not None else None

    def _take(self, field_id: str, editor: FieldEditor) -> None:
        """OK on an editor: its value to the session; a text field's layer kept for the next."""
        layer = getattr(getattr(editor, "keyboard", None), "mode", None)
        if layer in TEXT_LAYERS_KEPT:
            self._text_layer = layer
        self.finish(field_id, editor.value())

    def forget(self) -> None:
        self.editing = self._service_id = self._advance_after = None
        self._open_refused = False
        self._refused, self._in_view, self._filled_note = {}, None, None
        self._empty_refused = None
        self._left = {}
        self._text_layer = None

    def build(self, view: SessionView) -> None:
        if view.form_serial != self._form_serial:
            # another form: nothing of the last one's editor, attempts or open field carries over
            self._form_serial, self.editing, self._kept = view.form_serial, None, None
            self._tried, self._advance_after, self._open_refused = set(), None, False
            self._refused, self._in_view, self._filled_note = {}, None, None
            self._empty_refused = None
            self._left = {}
            self._text_layer = None
            # fewer taps: with one field left to fill (the rest from the card), open it at once
            empty = [f for f in view.fields if f.required and not f.has_value and not f.locked]
            if len(empty) == 1 and not view.profile_offer:
                self.editing = empty[0].id
        if self._advance_after is not None:
            after, self._advance_after = self._advance_after, None
            done = next((f for f in view.fields if f.id == after), None)
            if done is not None and done.error_key is not None:
                # refused: the editor stays, its message over the keys, the text as it was typed
                self.editing = after
            else:
                self._refused.pop(after, None)
                self._left.pop(after, None)
                self.editing = self._next_empty(view, after)
                self._in_view = after if self.editing is None else None
        if self._open_refused:
            # a marked list only said what was missing; its editor open is one tap less and in view
            self._open_refused = False
            refused = next((f for f in view.fields if f.error_key and not f.locked), None)
            if refused is not None:
                self.editing = refused.id
                self._tried.add(refused.id)  # sent there: its message says why
        self.editor = None
        field = next((f for f in view.fields if f.id == self.editing), None)
        if view.busy and field is not None and field.has_value and field.error_key is None:
            # its value taken and the form on its way (a query sent): the list, under the wait and
            # with the nav bar, whose cancel is there past the deadline; no keys over a disabled screen
            self.editing, field = None, None
        if field is not None:
            self._build_editor(view, field)
        else:
            self.title(view.service.title if view.service else "", flow_titles=review_title(self, view))
            self._build_list(view)
        self._kept = None  # taken by the editor it was for, or of no use

    # --- the list of fields ---------------------------------------------------------------------------

    def _build_list(self, view: SessionView) -> None:
        self._first_error = None
        self._rows = {}
        content = QWidget()
        box = QVBoxLayout(content)
        box.setSpacing(self.theme.spacing_px)
        if view.profile_offer:
            box.addWidget(self._profile_offer(view))
        elif self._filled_note is not None:
            box.addWidget(self._profile_filled(view, self._filled_note))
        if _card_finds_the_cases(view):
            # the card already answers the query: an empty optional field alone did not say that
            # "next" shows all their cases (walk 10, L1: a card holder typed a reference anyway)
            frame, inner = panel("card", "query_card")
            inner.addWidget(label(self.t(_by_card_key(view)), name="query_card_text"))
            box.addWidget(frame)
        for f in view.fields:
            need = self.t("form.required") if f.required else self.t("form.optional")
            if f.locked:
                shown = aside(f.display, self.t("form.from_card"), view.language)
            elif f.has_value:
                shown = f.display
                if f.prefilled_from == "hub":
                    shown = aside(shown, self.t("form.from_hub"), view.language)
            else:
                shown = self.t("form.tap_to_fill")
            message = field_message(self.t, f)
            row = tile(
                aside(f.label, need, view.language),
                [shown],
                lambda fid=f.id: self.open_editor(fid),
                name=f"field:{f.id}",
                enabled=not f.locked,
                accessible=f"{f.label}, {need}, {message}, {shown}" if message else f"{f.label}, {need}, {shown}",
                min_height=int(self.theme.target_px * 1.3),
            )
            box.addWidget(row)
            error = None
            if message:
                # under its own field's name, inside its row: below the row it read as the next
                # field's message (walk 3, finding 5)
                error = label(message, "field_error", name=f"error:{f.id}")
                error.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                row.layout().insertWidget(1, error)
                row.setMinimumHeight(max(row.minimumHeight(), row.layout().sizeHint().height()))
                if self._first_error is None:
                    self._first_error = (row, error)
            self._rows[f.id] = (row, error)
        box.addStretch(1)
        self.scroll(content)
        self._fields_in_columns(box, [row for row, _error in self._rows.values()])
        # an answer refused for want of the network says its ways forward (ticket, try again, staff)
        # over the list: a "next" beside them would only ask again and fail again (final review 1)
        retry_offered = view.error is not None and WayForward.RETRY in view.error.ways_forward
        if not retry_offered:
            self.action_row(
                self.primary(self.t("nav.next"), self._next, "nav.next", enabled=not view.busy)
            )

    def _fields_in_columns(self, box: QVBoxLayout, rows: list[QWidget]) -> None:
        """A list taller than the screen on a landscape display larger than the reference one: its
        rows in two columns, down the first and on down the second, where that makes it fit whole
        (final finding 14: the elder form scrolled at 1920x1080, "Contact name" cut, beside half a
        screen of empty width); rows as tall as their words and a target where that is what it
        takes (English elder words at 1920x1080). Decided once per form and display, on the rows
        as the form opens: a message or an answered offer later never moves a row to the other
        column under the finger. The reference displays keep their one column (checked there)."""
        window = self.window()
        key = (self.view.form_serial, window.width(), window.height(), self.view.mode, self.view.language)
        if self._columns_for is None or self._columns_for[0] != key:
            self._columns_for = (key, self._columns_that_fit(box, rows))
        columns = self._columns_for[1]
        if columns[0] == 2:
            self._lay_out_in_columns(box, rows, compact=columns[1])

    def _columns_that_fit(self, box: QVBoxLayout, rows: list[QWidget]) -> tuple[int, bool]:
        """(columns, compact rows) for the list: one where it fits or on a reference display."""
        window = self.window()
        if self.theme.scale <= 1 or len(rows) < 2 or window.width() < window.height():
            return 1, False
        others = [box.itemAt(i).widget() for i in range(box.count())]
        others = [w for w in others if w is not None and w not in rows]
        for other in others:  # the offer over the rows comes and goes: the rows decide
            other.hide()
        try:
            if self.fits():
                return 1, False
            kept = [(r.layout().contentsMargins(), r.layout().spacing(), r.minimumHeight()) for r in rows]
            for compact in (False, True):
                grid = self._lay_out_in_columns(box, rows, compact=compact)
                fits = self.fits()
                self._back_in_one_column(box, rows, grid)
                for row, (margins, spacing, least) in zip(rows, kept, strict=True):
                    row.layout().setContentsMargins(margins)
                    row.layout().setSpacing(spacing)
                    row.setMinimumHeight(least)
                if fits:
                    return 2, compact
            return 1, False
        finally:
            for other in others:
                other.show()

    def _lay_out_in_columns(self, box: QVBoxLayout, rows: list[QWidget], *, compact: bool) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(self.theme.spacing_px)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        down = (len(rows) + 1) // 2
        at = box.indexOf(rows[0])
        pad = self.theme.spacing_px // 2
        for i, row in enumerate(rows):
            box.removeWidget(row)
            grid.addWidget(row, i % down, i // down)
            if compact:
                row.layout().setContentsMargins(pad, pad // 2, pad, pad // 2)
                row.layout().setSpacing(0)
                row.setMinimumHeight(max(self.theme.target_px, row.layout().sizeHint().height()))
        box.insertLayout(at, grid)
        _sizes_changed(box)
        return grid

    def _back_in_one_column(self, box: QVBoxLayout, rows: list[QWidget], grid: QGridLayout) -> None:
        at = box.indexOf(grid)
        for i, row in enumerate(rows):
            grid.removeWidget(row)
            box.insertWidget(at + i + 1, row)
        box.removeItem(grid)
        grid.setParent(None)
        _sizes_changed(box)

    def _next(self) -> None:
        self._open_refused = True
        self.session.next()
        if self.session.step is not Step.FORM:  # accepted: nothing to open when the form returns
            self._open_refused = False

    @property
    def nav_hidden(self) -> bool:
        return self.editing is not None

    def after_render(self) -> None:
        if self.editing is None and (self._first_error is not None or self._in_view in self._rows):
            # a message below the fold would say nothing: show the first field the session refused;
            # back from an editor, the field just edited (the list jumped to its top: walk 3, 6)
            self._scroll_held = False
            QTimer.singleShot(0, self, self._show_first_error)

    def pressed(self) -> None:
        # the list scrolls to its field a few turns after it is built (below); a press in between
        # is on what is on show, and a scroll after it moved the row away from under the finger
        # (the tap after "back to the list" fell on the space the row had left)
        self._scroll_held = True

    def _show_first_error(self) -> None:
        if self.editing is not None or self._scroll_held:
            return
        shown = self._rows.get(self._in_view or "") or self._first_error
        if shown is None:
            return
        row, error = shown
        try:
            # the scroll range follows the list's layout a turn or two later: measured before it,
            # the list never moved (the range still said 0)
            bar = self.area.verticalScrollBar()
            if bar.maximum() == 0 and self.content.sizeHint().height() > self.area.viewport().height():
                if self._scroll_tries < 10:
                    self._scroll_tries += 1
                    QTimer.singleShot(10, self, self._show_first_error)
                return
            self._scroll_tries = 0
            if error is None:
                self.area.ensureWidgetVisible(row, 0, self.theme.spacing_px if self.theme else 0)
                return
            self.area.ensureWidgetVisible(row, 0, 0)
            self.area.ensureWidgetVisible(error, 0, self.theme.spacing_px if self.theme else 0)
        except RuntimeError:  # the list was rebuilt in between: its widgets are gone
            pass

    def _profile_offer(self, view: SessionView) -> QWidget:
        """ "Use the details on file?" — in the form, not a pop-up; the values shown masked."""
        frame, inner = panel("card", "profile_offer")
        inner.addWidget(label(keep_last_clause(self.t("prefill.question")), "title", name="prefill.question"))
        for field_label, masked in view.profile_offer:
            inner.addWidget(label(label_with_value(field_label, colon(view.language), masked), name="prefill.value"))
        row = QHBoxLayout()
        # two equal answers: the screen's one main action stays "next" in the bottom bar
        row.addWidget(button(self.t("prefill.use"), lambda: self._use_profile(view), name="prefill.use"))
        row.addWidget(button(self.t("prefill.own"), lambda: self.session.use_profile(False), name="prefill.own"))
        inner.addLayout(row)
        return frame

    def _use_profile(self, view: SessionView) -> None:
        self._filled_note = view.profile_offer
        self.session.use_profile(True)

    def _profile_filled(self, view: SessionView, offered: tuple[tuple[str, str], ...]) -> QWidget:
        """What "use the details on file" filled in, masked as offered (walk 3, finding 3: the offer
        vanished and nothing said the phone number further down had been filled)."""
        filled = {f.label for f in view.fields if f.prefilled_from == "hub"}
        frame, inner = panel("card", "profile_filled")
        inner.addWidget(label(keep_last_clause(self.t("prefill.filled")), "title", name="prefill.filled"))
        for field_label, masked in offered:
            if field_label in filled:
                shown = label_with_value(field_label, colon(view.language), masked)
                inner.addWidget(label(shown, name="prefill.filled_value"))
        # the box as tall as its words, and nothing kept under it: the offer's height kept empty
        # (final review 10: so that no row moved under the finger) was a band of ~120 px that put
        # the elder form's second row half below 1920x1080 (walk 6, L5). A second tap of the finger
        # that used the details is the window's double-tap guard's to drop.
        frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return frame

    def open_editor(self, field_id: str) -> None:
        self.ctx.touch()
        self._empty_refused = None
        self.editing = field_id
        if self.session.view.error is not None:
            # the resident goes to change the value: the answer about the last one has been read (the
            # offline sign stays in the top bar), and the keys get the screen; laid over them it
            # squeezed the field's name and the typed value away (final review, finding 1). OK asks
            # again, and a refusal comes back over the list.
            self.session.dismiss_error()
        self._filled_note = None  # said once, where the offer stood; the rows say it from now on
        self._in_view = None
        if self.view is not None and self.theme is not None:
            self.render(self.view, self.theme)
            self.ctx.on_screen_changed(self)

    # --- one field's editor ----------------------------------------------------------------------------

    def _build_editor(self, view: SessionView, field: FieldView) -> None:
        if self._empty_refused == field.id:  # OK on nothing: the list's words for a missing value
            field = replace(field, error_key="field.required")
        index = next(i for i, f in enumerate(view.fields) if f.id == field.id)
        heading = label(field.label, "tile_title", name="title")
        where = label(self.t("form.step", n=index + 1, count=len(view.fields)), "muted", wrap=False)
        # the field's name stays over its keys (docked, never scrolled); hint and error scroll
        header = QHBoxLayout()
        header.addWidget(heading, 1)
        header.addWidget(where)
        # nothing there yet: there is nothing to keep, the button just goes back to the list
        keep_key = "form.keep" if field.has_value else "form.back_to_list"
        # the editor's one way back, in the bottom bar where "back" always stands: to the list,
        # nothing typed kept; OK keeps it. The flow's "back" (to the services, the whole form
        # wiped) is one more tap, from the list (walk 5, L12: both side by side read alike)
        self.way_back = (self.t(keep_key), self.close_editor, "form.keep")
        if field.alert:  # an emergency number: large and coloured, over the choices, never grey
            frame, inner = panel("warning", "field_alert")
            # "（24小时）" and the number never broken over two lines (walk 3 finding 13)
            inner.addWidget(label(keep_groups(field.alert), "title", name="field_alert_text"))
            self.root.addWidget(frame)
        field = replace(field, hint=field_hint(self.t, field, view.language))
        hint = None
        if field.hint and not field.quick_phrases:  # with phrases, the hint leads their row (room)
            hint = label(field.hint, "muted", name="form.hint")
            self.root.addWidget(hint)
        error = None
        # a field's message once it was tried, not on every field after one early "next"
        if field.error_key and field.id in self._tried:
            error = label(field_message(self.t, field), "field_error", name=f"error:{field.id}")
            # hidden at the next edit, its line stays: the hint over it does not jump (walk 3, 16)
            policy = error.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            error.setSizePolicy(policy)
            window = self.window()
            if self.theme is not None and self.theme.on_reference(window.height()) < 900:
                # a short display: the message in the theme's small size (still the elder one in
                # elder mode) leaves the keys their floor height (the pad was cut at 1366x768)
                error.setStyleSheet(f"font-size: {self.theme.small_px}px;")
            # a choice: under its choices, below; any other editor: docked right over its keys
            # below (in the scroll area over the dock it was out of view on a short display, walk
            # 3, finding 5)

        def edited() -> None:
            self.ctx.touch()
            if error is None or not error.isVisible():
                return
            if hint is not None and hint.isHidden():
                # the message had taken the hint's line over a pad: the hint comes back in it (walk
                # 14: retyping the number, the line stood empty and the guidance was gone)
                error.setText(hint.text())
                error.setProperty("role", "muted")
                error.style().unpolish(error)
                error.style().polish(error)
                return
            # the message was about the value before this edit; OK has the session check again
            error.hide()

        theme = self.theme
        window = self.window()
        # a short display (landscape, 1920x1080 too): every editor's name in the top bar, the height
        # to its keys or choices; a tall one: over them. One place per display, whatever the field
        # (walk 5, L4: 具体位置 in the bar, 问题描述 and 紧急程度 over their keys at 1280x800)
        short = self.theme.on_reference(window.height()) < 900
        # a number pad or a date has room to spare: its name stays right over its hint and keys
        # (walk 3: the phone's hint apart from the name it explains), and moves up only for a message
        pad = not is_text(field) and field.type is not FieldType.CHOICE
        if short and not pad:
            self.bar_heading = (field.label, where.text())
        if window.width() < window.height():  # narrow: choices get the width for their words
            columns = max(1, theme.choice_columns - 1)
            if len(field.choices) * (theme.target_px + theme.spacing_px) <= self.dock_room() * 2 // 3:
                columns = 1  # one column where they fit it: two a row stood over 1,200 px of empty screen
            theme = replace(theme, choice_columns=columns, narrow=True)
        fit = None
        if is_text(field):
            # keys as large as the display allows; on a short one the name goes to the top bar
            width = window.width() - 2 * theme.spacing_px
            aids = text_aids(field, view.places, lambda key, **values: self.t(key, **values), theme, width, view.language)
            room = self.dock_room()
            if error is not None:  # the message's line over the keys comes out of their room
                # (and the gap under it: the line measured alone came out a few px short in elder mode)
                room -= text_px(error.text(), theme.body_px, width, bold=True) + 2 * self.dock.spacing()
            fit = fit_editor(room, theme, aids=aids, width=width)
            fit = self._same_keys_as_the_forms_other_text_fields(view, field, fit, theme, width, room)
            if short and not fit.fold_header:
                # the name goes to the top bar all the same (one place on this display); the keys
                # keep the size they had with it over them, its line goes to the hint above them
                fit = replace(fit, fold_header=True)
            if fit.fold_header:
                self.bar_heading = (field.label, where.text())
        self.editor = editor_for(
            field,
            theme,
            lambda key, **values: self.t(key, **values),
            view.language,
            on_pick=lambda value: self.finish(field.id, value),
            on_activity=edited,
            today=self.today(),
            places=view.places,
            fit=fit,
            room_px=self.dock_room(),
            layer=self._text_layer,
        )
        kept, self._kept = self._kept, None
        if kept is not None and kept[0] == field.id:
            self.editor.restore(kept[1], same_language=kept[2] == view.language)
        elif field.error_key and field.id in self._refused:
            self.editor.restore(self._refused[field.id])
        elif not field.has_value and field.id in self._left:
            draft, language = self._left[field.id]
            self.editor.restore(draft, same_language=language == view.language)
        if self.bar_heading is not None:  # the name is in the top bar: not here as well
            for part in (heading, where):
                part.deleteLater()
        if isinstance(self.editor, ChoiceEditor):
            # choices read from the top, under the field's name, and scroll when there are many
            if self.bar_heading is None:
                self.root.insertLayout(0, header)
            self.root.addWidget(self.editor)
            if error is not None:
                # under the choices, where its line moves none of them: over them it put every
                # choice 43-86 px lower than where the same field opened without it (fresh-eyes
                # walk N3, elder portrait: the chips ~60 px down)
                self.root.addWidget(error)
            self.root.addStretch(1)
        else:
            # keys never scroll: docked at the bottom with the field's name, over OK, within reach;
            # the hint and the error sit right above them
            self.root.insertStretch(0, 1)
            if self.bar_heading is None and error is not None and short:
                # a short display with a message over a pad: the name goes to the top bar, so the
                # pad keeps its keys whole (final review, 1366x768 English elder)
                self.bar_heading = (field.label, where.text())
                for part in (heading, where):
                    part.deleteLater()
            if self.bar_heading is None:
                self.dock.addLayout(header)
            if hint is not None and not is_text(field):
                if error is None:
                    # a number pad or a date: the hint over the pad (under the name it explains
                    # where that is over the keys; walk: on the phone step it stood over the name,
                    # apart from it), in elder mode too (render 8: left in the scroll area over
                    # the dock, it was squashed to a stray bar)
                    self.dock.addWidget(hint)
                elif self.bar_heading is not None:
                    # a short display with a message over a pad: the message says what is needed
                    # and takes the hint's line (both pushed the pad past a 768 px display; left over
                    # the dock, the hint was cut under a squashed scroll bar: final review)
                    hint.hide()
            if error is not None:  # right over the keys: the message is where the resident looks
                self.dock.addWidget(error)
            self.dock.addWidget(self.editor)
        if not isinstance(self.editor, ChoiceEditor):  # a choice is taken by its tap
            editor = self.editor
            self.action_row(
                self.primary(self.t("form.ok"), lambda: self._take(field.id, editor), "form.ok"),
            )

    def _same_keys_as_the_forms_other_text_fields(
        self, view: SessionView, field, fit: EditorFit, theme: Theme, width: int, room: int
    ) -> EditorFit:
        """`fit` with key rows no taller than any other text field of this form would get: the
        chips over some fields' keys (the place picker, quick phrases) take rows, and the keys
        under them came out smaller and higher than the next field's (walk 10, M3: 164 px between
        具体位置 and 问题描述 in English elder portrait). One row height for the form, the keys
        in one place from field to field; the height left over goes where it went before."""
        rows = [fit.row_px]
        for other in view.fields:
            if other.id == field.id or not is_text(other):
                continue
            aids = text_aids(other, view.places, lambda key, **values: self.t(key, **values), theme, width, view.language)
            rows.append(fit_editor(self.dock_room(), theme, aids=aids, width=width).row_px)
        shared = min(rows)
        if shared >= fit.row_px:
            return fit
        smaller = replace(fit, row_px=shared)
        return replace(smaller, spare_px=max(0, room - editor_px(smaller, theme) - GROW_SLACK_PX))

    def finish(self, field_id: str, value: str) -> None:
        """OK: the value goes to the session (which validates it); then the next empty field opens
        (a tap saved per field; optional ones wait in the list), or the list when none is left or the
        value was refused."""
        try:
            draft = self.editor.draft() if self.editor is not None else None
        except RuntimeError:  # its widgets are gone already
            draft = None
        if draft is not None:
            self._refused[field_id] = draft  # dropped again once accepted
        self._empty_refused = None
        field = next((f for f in self.session.view.fields if f.id == field_id), None)
        if field is not None and field.required and not field.locked and not value.strip():
            if not (field.prefilled_from == "hub" and field.has_value):  # (OK on nothing keeps that)
                # OK on nothing where something must be written: the editor stays and says so, as
                # "next" on the list would send the resident back here with the same words (walk 6,
                # L9: portrait elder went on to the next field without a word). The way back to
                # the list stays beside OK for one to fill later.
                self._empty_refused = self.editing = field_id
                self._tried.add(field_id)
                if self.view is not None and self.theme is not None:
                    self.render(self.session.view, self.theme)
                    self.ctx.on_screen_changed(self)
                return
        self.editing = field_id  # the value is checked here, on OK: refused, the editor stays
        self._advance_after = field_id
        self._tried.add(field_id)
        renders = self._renders
        self.session.set_field(field_id, value)
        view = self.session.view
        if renders == self._renders and self.theme is not None and view.step is Step.FORM:
            # the same value refused again leaves the view as it was: the window builds nothing,
            # and the message hidden by the edits before this OK must come back all the same
            self.render(view, self.theme)
            self.ctx.on_screen_changed(self)
        if view.step is Step.FORM and self._only_field(view, field_id):
            # one field to fill and it is taken: a list of one filled row and "next" would check
            # nothing (the review still comes before anything is sent)
            self._next()

    @staticmethod
    def _only_field(view: SessionView, field_id: str) -> bool:
        """`field_id` holds an accepted value and is the one field the resident fills."""
        open_fields = [f for f in view.fields if not f.locked]
        return [f.id for f in open_fields] == [field_id] and open_fields[0].error_key is None

    @staticmethod
    def _next_empty(view: SessionView, after: str) -> str | None:
        """The required field still empty after `after`, else the first one before it (the last
        field done with one skipped further up: that one, not the list), else None."""
        ids = [f.id for f in view.fields]
        if after not in ids or view.fields[ids.index(after)].error_key is not None:
            return None
        at = ids.index(after)
        ordered = (*view.fields[at + 1 :], *view.fields[:at])
        empty = [f for f in ordered if f.required and not f.has_value and not f.locked]
        return empty[0].id if empty else None

    def close_editor(self) -> None:
        self.ctx.touch()
        self._empty_refused = None
        self._keep_what_was_left()
        self._in_view, self.editing = self.editing, None
        if self.view is not None and self.theme is not None:
            self.render(self.view, self.theme)
            self.ctx.on_screen_changed(self)

    def _keep_what_was_left(self) -> None:
        field = next((f for f in self.view.fields if f.id == self.editing), None) if self.view else None
        if field is None or field.has_value or self.editor is None:
            return  # "不改了" on a value: the value stays, and so does the editor's start from it
        try:
            draft = self.editor.draft()
        except RuntimeError:  # its widgets are gone already
            return
        typed = (draft.keyboard.text or draft.keyboard.composing) if isinstance(draft, TextDraft) else draft
        if typed:
            self._left[field.id] = (draft, self.view.language)

    def spoken(self, view: SessionView) -> str:
        field = next((f for f in view.fields if f.id == self.editing), None)
        if field is not None:
            return self.t("speak.form", label=field.label)
        if _card_finds_the_cases(view):
            return self.t(_by_card_key(view))
        missing = next((f for f in view.fields if not f.has_value and f.required), None)
        return self.t("speak.form", label=missing.label) if missing else self.t("speak.review")


def _card_finds_the_cases(view: SessionView) -> bool:
    """A progress query or a rating with a card read and nothing typed: "next" lists the card's
    cases (the rating's form said nothing of it either: walk 12)."""
    service = view.service
    return (
        service is not None
        and service.kind in (ServiceKind.QUERY, ServiceKind.RATING)
        and view.identity is not None
        and not any(f.has_value for f in view.fields)
    )


def _by_card_key(view: SessionView) -> str:
    rating = view.service is not None and view.service.kind is ServiceKind.RATING
    return "form.rate_by_card" if rating else "form.query_by_card"


def _sizes_changed(box: QVBoxLayout) -> None:
    """The list's widget cached its size hints for the rows as they stood: measure them anew."""
    box.invalidate()
    box.parentWidget().updateGeometry()


def review_title(screen: Screen, view: SessionView) -> tuple[str, ...]:
    """The review's title where the flow has one: the form puts its steps where both titles fit."""
    return (screen.t("review.title"),) if "step.confirm" in flow_step_keys(view) else ()


class ReviewScreen(Screen):
    """Check before sending: every value as it will be sent, each field's name and value on one
    line, so that in elder mode on a short display the whole list is in view over "submit"
    (renders findings 10, 26). A list that still does not fit (a long description) has a "more
    below" cue, and "submit" waits until its end has been in view."""

    step = Step.REVIEW

    def build(self, view: SessionView) -> None:
        self.title(self.t("review.title"), flow_titles=(view.service.title if view.service else "",))
        if view.paper_out and view.service is not None:
            # before Submit, not after: no slip will come out (walk 3, finding 23)
            record = view.service.kind is ServiceKind.RECORD
            frame, inner = panel("warning", "review_no_paper")
            inner.addWidget(
                label(
                    self.t("review.no_paper_record" if record else "review.no_paper"),
                    name="review_no_paper_text",
                )
            )
            self.root.addWidget(frame)
        theme = self.theme
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(theme.spacing_px * 2)
        grid.setVerticalSpacing(theme.spacing_px // 2)
        # a long field name wraps in its column rather than squeeze the values
        name_room = int(self.window().width() * 0.4)
        lift = max(0, (theme.body_px - theme.small_px) * 2 // 3)  # the name on the value's line
        font = QFont()
        font.setFamilies(list(FONT_FAMILIES))
        font.setPixelSize(theme.small_px)
        names = QFontMetrics(font)
        row = 0
        for f in view.fields:
            if not f.has_value:
                continue
            name = label(f.label, "muted", name=f"review_label:{f.id}")
            # on one line where the column has room (the label is not styled yet: the theme's font)
            name.setMinimumWidth(min(name_room, names.horizontalAdvance(f.label) + 2))
            name.setMaximumWidth(name_room)
            name.setContentsMargins(0, lift, 0, 0)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(label(f.display, name=f"review:{f.id}"), row, 1, Qt.AlignmentFlag.AlignTop)
            row += 1
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row, 1)
        self.scroll(content)
        # going back is changing here: the bar's back says 修改 / "Change", in its place, and no
        # second button does the same beside 提交 (walk 10, M4: the English elder portrait bar
        # wrapped to two rows, and 取号排队 stood higher than on every other screen)
        self.way_back = (self.t("review.change"), self.session.back, "nav.back")
        submit = self.primary(self.t("nav.submit"), self.session.next, "nav.submit", enabled=not view.busy)
        self.action_row(submit)
        self._submit, self._busy = submit, view.busy
        self.more_below(self.t("review.more_below"), self._gate)

    def _gate(self) -> None:
        """ "Submit" only once every value was on the display: at once when the list fits."""
        cue = self.cue
        try:
            self._submit.setEnabled(not self._busy and (cue is None or not cue.overflows or cue.seen_end))
        except RuntimeError:  # the page was rebuilt: its button is gone
            pass
