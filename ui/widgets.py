"""Small widgets every screen uses: buttons with accessible names, labels with a style role, a QR
code, and the on-screen receipt preview."""

from __future__ import annotations

import functools
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from drivers.printer.model import Barcode, Footer, KeyValue, Line, QrCode, ReceiptDocument, Rule, Title
from kiosk.punctuation import labelled
from ui.line_breaks import no_lone_last


def button(
    text: str,
    on_tap: Callable[[], None] | None,
    *,
    name: str,
    role: str = "",
    accessible: str | None = None,
    enabled: bool = True,
) -> QPushButton:
    """A touch button. `name` is its objectName (tests find it by that); its accessible name is
    `accessible` or its text, so a screen reader says what it does."""
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAccessibleName(accessible or text.replace("\n", " "))
    if role:
        b.setProperty("role", role)
    b.setEnabled(enabled)
    # no keyboard focus: a touch button with the focus ring took a barcode scanner's Enter (or a
    # physical Space) and toggled the language; the accessible name still reaches a screen reader
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    if on_tap is not None:
        b.clicked.connect(lambda _checked=False: on_tap())
    return b


def tile(
    title: str,
    lines: list[str],
    on_tap: Callable[[], None],
    *,
    name: str,
    accessible: str,
    min_height: int,
    enabled: bool = True,
) -> QPushButton:
    """A big button holding a bold title and wrapped lines of text (a service, a form field)."""
    b = button("", on_tap, name=name, role="tile", accessible=accessible, enabled=enabled)
    box = QVBoxLayout(b)
    heading = label(title, "tile_title")
    heading.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    box.addWidget(heading)
    for line in lines:
        text = label(line, "tile_text")
        text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(text)
    box.addStretch(1)
    b.setMinimumHeight(max(min_height, box.sizeHint().height()))
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
    return b


def service_tile(
    title: str,
    line: str,
    badges: list[tuple[str, str]],
    pictogram: QWidget,
    on_tap: Callable[[], None],
    *,
    name: str,
    accessible: str,
    min_height: int,
    max_height: int,
    spacing: int,
    beside: bool = False,
) -> QPushButton:
    """A large service tile: the pictogram on top, the title, one short line, and small badges
    (pictogram name, words) at the bottom; `beside`: the pictogram left of the words, which then
    stand left-aligned (a short display: two rows of tiles fit its height). Every part lets the
    tap through to the tile."""
    b = button("", on_tap, name=name, role="tile", accessible=accessible)
    outer = QHBoxLayout(b) if beside else None
    box = QVBoxLayout() if beside else QVBoxLayout(b)
    across = Qt.AlignmentFlag.AlignLeft if beside else Qt.AlignmentFlag.AlignHCenter
    box.setSpacing(spacing // 2)
    box.addStretch(1)
    if outer is not None:
        outer.setSpacing(spacing)
        outer.addWidget(pictogram, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(box, 1)
    else:
        box.addWidget(pictogram, 0, Qt.AlignmentFlag.AlignHCenter)
    heading = label(title, "tile_title")
    heading.setAlignment(across)
    parts: list[QWidget] = [heading]
    if line:
        # never one character alone on the last line ("…公共设施问" over "题": walk 12)
        text = label(no_lone_last(line), "tile_text")
        text.setAlignment(across)
        parts.append(text)
    for part in parts:
        part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(part)
    box.addStretch(1)
    if badges:
        row = QHBoxLayout()
        row.setSpacing(spacing // 2)
        if not beside:
            row.addStretch(1)
        for role, words in badges:
            badge = label(words, role, wrap=False)
            badge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            row.addWidget(badge)
        row.addStretch(1)
        box.addLayout(row)
    b.setMinimumHeight(max(min_height, b.layout().sizeHint().height()))
    # tiles share the room the screen has, up to a height where the pictogram still fills them
    b.setMaximumHeight(max(b.minimumHeight(), max_height))
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return b


def step_indicator(names: list[str], current: int, accessible: str) -> QWidget:
    """选择 → 填写 → 确认 → 完成: the steps done (✓), the current one marked, the ones to come muted."""
    strip = QWidget()
    strip.setObjectName("steps")
    strip.setAccessibleName(accessible)
    row = QHBoxLayout(strip)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for i, name in enumerate(names):
        if i:
            row.addWidget(label("→", "step_arrow", wrap=False))
        mark = "✓" if i < current else str(i + 1)
        role = "step_done" if i < current else ("step_current" if i == current else "step_next")
        row.addWidget(label(f"{mark} {name}", role, name=f"step:{i}", wrap=False))
    return strip


def label(text: str, role: str = "", *, name: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)  # texts may come from the hub: never rich text
    if role:
        lab.setProperty("role", role)
    if name:
        lab.setObjectName(name)
    lab.setAccessibleName(text)
    return lab


def panel(role: str, name: str = "") -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", role)
    if name:
        frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    return frame, layout


def touch_scroll_area(content: QWidget, *, name: str = "") -> QScrollArea:
    """A vertical scroll area a finger can drag (kinetic scrolling) holding `content`.

    Qt keeps one scroller gesture per widget (a second grab replaces the first), so the viewport
    grabs the left-button gesture: a touch screen's finger reaches widgets that do not take touch
    events as a left mouse button, so the same drag scrolls with a finger or a mouse, and a tap
    without a drag still reaches the button under it."""
    area = QScrollArea()
    if name:
        area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    scroller = kinetic_drag(area.viewport())
    props = scroller.scrollerProperties()
    # a tap goes to its button at once: a held-back press lost fast taps on the on-screen keyboard
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    # no rubber band past the ends: the content stays where the layout put it
    props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0)
    scroller.setScrollerProperties(props)
    return area


_drag_gesture: list = []  # (the application, the one flick gesture type all viewports grab)


def kinetic_drag(viewport: QWidget) -> QScroller:
    """Let a finger (or the left mouse button) drag `viewport` kinetically; returns its scroller.

    All viewports share one flick recognizer. `QScroller.grabGesture` registers a new recognizer
    with Qt at every call, under a new gesture type that is never given back (the recognizer stays
    in Qt's gesture manager after the widget is gone), and PySide adds each new type's value to
    `Qt.GestureType` for good: ~3.7 KB kept per scroll area ever built (~1 KB native, ~2.6 KB
    Python), and the screens build new ones at every render: the soak's steady growth. The
    recognizer makes each widget's gesture for that widget's own scroller, so one serves all: it
    is registered once on a QObject that lives as long as the application, and each viewport grabs
    its type. The scroller is made first: the gesture finds it when Qt creates it."""
    app = QCoreApplication.instance()
    if not _drag_gesture or _drag_gesture[0] is not app:
        # the recognizer's owner: never a widget, so it grabs nothing itself. Owned by Python, not
        # parented to the application: its scroller must go while Qt's gesture manager still exists
        # (PySide deletes the objects Python owns before the application at exit; a child of the
        # application went after the manager, and the process aborted in free())
        anchor = QObject()
        anchor.setObjectName("kinetic_drag_anchor")
        gesture = QScroller.grabGesture(anchor, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        _drag_gesture[:] = [app, gesture, anchor]
        app.aboutToQuit.connect(_release_drag)
    scroller = QScroller.scroller(viewport)
    viewport.grabGesture(_drag_gesture[1])
    return scroller


def _release_drag() -> None:
    """The application is quitting: give the shared recognizer back while Qt can take it."""
    if _drag_gesture:
        anchor = _drag_gesture.pop()
        _drag_gesture.clear()
        if shiboken6.isValid(anchor):
            shiboken6.delete(anchor)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete everything in `layout` (nested layouts too).

    `takeAt` hands the item to the caller and nothing else ever deletes it: the QWidgetItem around
    a widget and the QSpacerItem of a stretch are not QObjects and PySide does not own them, so each
    one left behind was ~40 bytes of native memory lost at every re-render (the bars and the attract
    screen at every session end: most of the soak's unexplained growth). Deleted here, explicitly."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        child = item.layout()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        if child is not None:
            clear_layout(child)
            child.deleteLater()  # a QObject: deleted with the widgets, once control is back in the loop
        else:
            shiboken6.delete(item)  # the item only: its widget goes with deleteLater above


@functools.lru_cache(maxsize=16)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of a QR code of `data` (quiet zone included), dark = True. Kept for the last few
    codes: the receipt screen is built again as the receipt prints and the centre acknowledges it,
    and each build would otherwise encode the same reference again (≈ 8 ms of CPU per code here,
    most of it `qrcode`'s mask search; the screen and its paper preview have one each). A tuple:
    nobody can change what the next widget gets."""
    import qrcode  # only screens with a QR code need it; keeps it off the start-up path

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    return tuple(tuple(bool(dark) for dark in row) for row in qr.get_matrix())


class QrCodeWidget(QWidget):
    """Paints a QR code of `data`, black on white with a quiet zone, at the widget's size."""

    def __init__(self, data: str, size_px: int, accessible: str) -> None:
        super().__init__()
        self.data = data
        self._matrix = qr_matrix(data)
        self._size = size_px
        self.setFixedSize(size_px, size_px)
        self.setObjectName("qr")
        self.setAccessibleName(accessible)

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        n = len(self._matrix)
        cell = self._size / n
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(int(x * cell), int(y * cell), int(cell) + 1, int(cell) + 1)
        painter.end()


class ReceiptPreview(QFrame):
    """The receipt as it prints, on screen: a white paper strip with the document's blocks."""

    def __init__(self, document: ReceiptDocument, width_px: int, body_px: int, *, qr: bool = True) -> None:
        super().__init__()
        self.setObjectName("receipt_preview")
        self.setStyleSheet(
            "QFrame#receipt_preview { background: #FFFFFF; border: 1px solid #888888; }"
            f" QLabel {{ color: #000000; background: #FFFFFF; font-size: {body_px}px; }}"
        )
        self.setFixedWidth(width_px)
        layout = QVBoxLayout(self)
        spoken: list[str] = []
        for block in document.blocks:
            widget: QWidget
            if isinstance(block, Title):
                widget = label(block.text)
                widget.setStyleSheet(f"font-size: {int(body_px * 1.4)}px; font-weight: bold;")
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                spoken.append(block.text)
            elif isinstance(block, Line):
                widget = label(block.text)
                if block.bold:
                    widget.setStyleSheet("font-weight: bold;")
                align = {"center": Qt.AlignmentFlag.AlignCenter, "right": Qt.AlignmentFlag.AlignRight}
                widget.setAlignment(align.get(block.align, Qt.AlignmentFlag.AlignLeft))
                spoken.append(block.text)
            elif isinstance(block, KeyValue):
                widget = label(labelled(block.key, block.value, document.language))
                spoken.append(f"{block.key} {block.value}")
            elif isinstance(block, Rule):
                widget = QFrame()
                widget.setFrameShape(QFrame.Shape.HLine)
            elif isinstance(block, QrCode) and not qr:
                continue  # the screen shows its own beside it: one code to scan, not two
            elif isinstance(block, QrCode):
                widget = QrCodeWidget(block.data, min(width_px // 2, 220), "QR")
            elif isinstance(block, Barcode):
                widget = label(f"|| {block.data} ||")
            elif isinstance(block, Footer):
                widget = label(block.text)
                spoken.append(block.text)
            else:  # a block kind this preview does not know yet: show nothing rather than fail
                continue
            layout.addWidget(
                widget, 0, Qt.AlignmentFlag.AlignHCenter if isinstance(block, QrCode) else Qt.AlignmentFlag(0)
            )
        layout.addStretch(1)
        self.spoken_text = "。".join(spoken)
        self.setAccessibleName(self.spoken_text)
