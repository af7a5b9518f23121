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
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session_view import FieldView, SessionView, Step
from ui.editor_fit import KEY_GAP_PX, EditorFit, editor_px, fit_editor
from ui.screens.base import Screen, flow_step_keys
from ui.screens.editors import ChoiceEditor, FieldEditor, editor_for, has_aids, is_text
from ui.theme import FONT_FAMILIES, Theme
from ui.widgets import button, label, panel, tile


class FormScreen(Screen):
    step = Step.FORM

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.editing: str | None = None
        self._form_serial: int | None = None
        self.editor: FieldEditor | None = None
        self._advance_after: str | None = None
        self.today = date.today
        self._first_error: tuple[QWidget, QWidget] | None = None
        self._open_refused = False  # "next" was tapped: open the first field the session refused
        self._tried: set[str] = set()  # fields the resident gave a value or was sent to by "next"
        # (field id, draft, language) of the editor open when the screen is built again
        self._kept: tuple[str, object, str] | None = None

    def render(self, view: SessionView, theme) -> None:
        self._kept = self._draft_to_keep(view)
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

    def forget(self) -> None:
        self.editing = self._service_id = self._advance_after = None
        self._open_refused = False

    def build(self, view: SessionView) -> None:
        if view.form_serial != self._form_serial:
            # another form: nothing of the last one's editor, attempts or open field carries over
            self._form_serial, self.editing, self._kept = view.form_serial, None, None
            self._tried, self._advance_after, self._open_refused = set(), None, False
            # fewer taps: with one field left to fill (the rest from the card), open it at once
            empty = [f for f in view.fields if f.required and not f.has_value and not f.locked]
            if len(empty) == 1 and not view.profile_offer:
                self.editing = empty[0].id
        if self._advance_after is not None:
            self.editing = self._next_empty(view, self._advance_after)
            self._advance_after = None
        if self._open_refused:
            # a marked list only said what was missing; its editor open is one tap less and in view
            self._open_refused = False
            refused = next((f for f in view.fields if f.error_key and not f.locked), None)
            if refused is not None:
                self.editing = refused.id
                self._tried.add(refused.id)  # sent there: its message says why
        self.editor = None
        field = next((f for f in view.fields if f.id == self.editing), None)
        if field is not None:
            self._build_editor(view, field)
        else:
            self.title(view.service.title if view.service else "", flow_titles=review_title(self, view))
            self._build_list(view)
        self._kept = None  # taken by the editor it was for, or of no use

    # --- the list of fields ---------------------------------------------------------------------------

    def _build_list(self, view: SessionView) -> None:
        self._first_error = None
        content = QWidget()
        box = QVBoxLayout(content)
        box.setSpacing(self.theme.spacing_px)
        if view.profile_offer:
            box.addWidget(self._profile_offer(view))
        for f in view.fields:
            need = self.t("form.required") if f.required else self.t("form.optional")
            if f.locked:
                shown = f"{f.display}  ({self.t('form.from_card')})"
            elif f.has_value:
                shown = f.display
                if f.prefilled_from == "hub":
                    shown += f"  ({self.t('form.from_hub')})"
            else:
                shown = self.t("form.tap_to_fill")
            row = tile(
                f"{f.label}（{need}）" if view.language == "zh" else f"{f.label} ({need})",
                [shown],
                lambda fid=f.id: self.open_editor(fid),
                name=f"field:{f.id}",
                enabled=not f.locked,
                accessible=f"{f.label}, {need}, {shown}",
                min_height=int(self.theme.target_px * 1.3),
            )
            box.addWidget(row)
            if f.error_key:
                error = label(self.t(f.error_key), "field_error", name=f"error:{f.id}")
                box.addWidget(error)
                if self._first_error is None:
                    self._first_error = (row, error)
        box.addStretch(1)
        self.scroll(content)
        self.action_row(
            self.primary(self.t("nav.next"), self._next, "nav.next", enabled=not view.busy)
        )

    def _next(self) -> None:
        self._open_refused = True
        self.session.next()
        if self.session.step is not Step.FORM:  # accepted: nothing to open when the form returns
            self._open_refused = False

    @property
    def nav_hidden(self) -> bool:
        return self.editing is not None

    def after_render(self) -> None:
        if self.editing is None and self._first_error is not None:
            # a message below the fold would say nothing: show the first field the session refused
            QTimer.singleShot(0, self, self._show_first_error)

    def _show_first_error(self) -> None:
        if self._first_error is None or self.editing is not None:
            return
        row, error = self._first_error
        try:
            self.area.ensureWidgetVisible(row, 0, 0)
            self.area.ensureWidgetVisible(error, 0, self.theme.spacing_px if self.theme else 0)
        except RuntimeError:  # the list was rebuilt in between: its widgets are gone
            pass

    def _profile_offer(self, view: SessionView) -> QWidget:
        """ "Use the details on file?" — in the form, not a pop-up; the values shown masked."""
        frame, inner = panel("card", "profile_offer")
        inner.addWidget(label(self.t("prefill.question"), "title", name="prefill.question"))
        colon = "：" if view.language == "zh" else ": "
        for field_label, masked in view.profile_offer:
            inner.addWidget(label(f"{field_label}{colon}{masked}", name="prefill.value"))
        row = QHBoxLayout()
        # two equal answers: the screen's one main action stays "next" in the bottom bar
        row.addWidget(button(self.t("prefill.use"), lambda: self.session.use_profile(True), name="prefill.use"))
        row.addWidget(button(self.t("prefill.own"), lambda: self.session.use_profile(False), name="prefill.own"))
        inner.addLayout(row)
        return frame

    def open_editor(self, field_id: str) -> None:
        self.ctx.touch()
        self.editing = field_id
        if self.view is not None and self.theme is not None:
            self.render(self.view, self.theme)
            self.ctx.on_screen_changed(self)

    # --- one field's editor ----------------------------------------------------------------------------

    def _build_editor(self, view: SessionView, field: FieldView) -> None:
        index = next(i for i, f in enumerate(view.fields) if f.id == field.id)
        heading = label(field.label, "tile_title", name="title")
        where = label(self.t("form.step", n=index + 1, count=len(view.fields)), "muted", wrap=False)
        # the field's name stays over its keys (docked, never scrolled); hint and error scroll
        header = QHBoxLayout()
        header.addWidget(heading, 1)
        header.addWidget(where)
        # nothing there yet: there is nothing to keep, the button just goes back to the list
        keep_key = "form.keep" if field.has_value else "form.back_to_list"
        keep = button(self.t(keep_key), self.close_editor, name="form.keep")
        if field.alert:  # an emergency number: large and coloured, over the choices, never grey
            frame, inner = panel("warning", "field_alert")
            inner.addWidget(label(field.alert, "title", name="field_alert_text"))
            self.root.addWidget(frame)
        hint = None
        if field.hint and not field.quick_phrases:  # with phrases, the hint leads their row (room)
            hint = label(field.hint, "muted")
            self.root.addWidget(hint)
        error = None
        # a field's message once it was tried, not on every field after one early "next"
        if field.error_key and field.id in self._tried:
            error = label(self.t(field.error_key), "field_error", name=f"error:{field.id}")
            self.root.addWidget(error)

        def edited() -> None:
            self.ctx.touch()
            if error is not None:
                # the message was about the value before this edit; OK has the session check again
                error.hide()

        theme = self.theme
        window = self.window()
        if window.width() < window.height():  # narrow: choices get the width for their words
            theme = replace(theme, choice_columns=max(1, theme.choice_columns - 1), narrow=True)
        fit = aids_room = None
        if is_text(field):
            # keys as large as the display allows; on a short one the name goes to the top bar
            aids = has_aids(field, view.places)
            fit = fit_editor(self.dock_room(), theme, aids=aids)
            if fit.fold_header:
                self.bar_heading = (field.label, where.text())
            if aids:
                aids_room = self._aids_room(fit, theme)
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
            aids_room=aids_room,
        )
        kept, self._kept = self._kept, None
        if kept is not None and kept[0] == field.id:
            self.editor.restore(kept[1], same_language=kept[2] == view.language)
        if isinstance(self.editor, ChoiceEditor):
            # choices read from the top, under the field's name, and scroll when there are many
            self.root.insertLayout(0, header)
            self.root.addWidget(self.editor)
            self.root.addStretch(1)
        else:
            # keys never scroll: docked at the bottom with the field's name, over OK, within reach;
            # the hint and the error sit right above them
            self.root.insertStretch(0, 1)
            if self.bar_heading is None:
                self.dock.addLayout(header)
                # (not on a short display in elder mode: its larger pad leaves no line to spare)
                if hint is not None and not is_text(field) and (not self.elder or window.height() >= 1000):
                    # a number pad or a date leaves room: the hint under the name it explains
                    # (walk: on the phone step it stood over the name, apart from it)
                    self.dock.addWidget(hint)
            else:
                for part in (heading, where):
                    part.deleteLater()
            self.dock.addWidget(self.editor)
        if isinstance(self.editor, ChoiceEditor):  # a choice is taken by its tap
            self.action_row(keep)
        else:
            editor = self.editor
            self.action_row(
                keep,
                self.primary(self.t("form.ok"), lambda: self.finish(field.id, editor.value()), "form.ok"),
            )

    def _aids_room(self, fit: EditorFit, theme: Theme) -> int | None:
        """The height the chips over the keys may take on a display with room to spare (portrait,
        1920x1080): their least (a lead line and a row) and what is left over the docked editor and
        the hint and error above it; None when that is not a row more (1280x800, 1366x768)."""
        above = 0
        width = self.window().width() - 2 * theme.spacing_px
        for i in range(self.root.count()):
            part = self.root.itemAt(i).widget()
            if part is not None:
                part.ensurePolished()
                above += part.heightForWidth(width) if part.hasHeightForWidth() else part.sizeHint().height()
                above += self.root.spacing()
        spare = self.dock_room() - editor_px(fit, theme, aids=True) - above - 2 * theme.spacing_px
        if spare < fit.row_px + KEY_GAP_PX:
            return None
        return fit.aids_px(theme) + spare

    def finish(self, field_id: str, value: str) -> None:
        """OK: the value goes to the session (which validates it); then the next empty field opens
        (a tap saved per field; optional ones wait in the list), or the list when none is left or the
        value was refused."""
        self.editing = None
        self._advance_after = field_id
        self._tried.add(field_id)
        self.session.set_field(field_id, value)

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
        self.editing = None
        if self.view is not None and self.theme is not None:
            self.render(self.view, self.theme)
            self.ctx.on_screen_changed(self)

    def spoken(self, view: SessionView) -> str:
        field = next((f for f in view.fields if f.id == self.editing), None)
        if field is not None:
            return self.t("speak.form", label=field.label)
        missing = next((f for f in view.fields if not f.has_value and f.required), None)
        return self.t("speak.form", label=missing.label) if missing else self.t("speak.review")


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
        change = button(self.t("review.change"), self.session.back, name="review.change")
        submit = self.primary(self.t("nav.submit"), self.session.next, "nav.submit", enabled=not view.busy)
        self.action_row(change, submit)
        self._submit, self._busy = submit, view.busy
        self.more_below(self.t("review.more_below"), self._gate)

    def _gate(self) -> None:
        """ "Submit" only once every value was on the display: at once when the list fits."""
        cue = self.cue
        try:
            self._submit.setEnabled(not self._busy and (cue is None or not cue.overflows or cue.seen_end))
        except RuntimeError:  # the page was rebuilt: its button is gone
            pass
