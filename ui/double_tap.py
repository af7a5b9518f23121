"""One tap, not two: the second press of a fast double tap that changed the screen is dropped.

Walk 5, finding M8: a fast double tap on a service tile also tapped the first field of the form
that replaced it (its editor opened, and the resident never saw the "use the details on file?"
offer a single tap shows). As touch kiosks do, a press that lands on a screen which appeared less
than `window_s` earlier, within a finger's width of the press that changed it, is part of that
tap; a deliberate tap elsewhere, or a bit later, goes through. No Qt here: the window hands in
the points, the clock is injectable (the tests' finger moves at its own pace).
"""

from __future__ import annotations

import time
from collections.abc import Callable

DOUBLE_TAP_S = 0.4  # a second press sooner than this after the screen changed is the same tap
FINGER_PX = 48  # a finger's width on the display, and a jittered second press lands within it
_CAUSE_S = 1.0  # a press this recent before a new screen is the one that changed it (a slow tap too)


class DoubleTapGuard:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, window_s: float = DOUBLE_TAP_S, finger_px: int = FINGER_PX
    ) -> None:
        self.clock = clock
        self.window_s = window_s
        self.finger_px = finger_px
        self._last_press: tuple[float, float, float] | None = None  # when, x, y
        self._changed: tuple[float, float, float] | None = None  # when the screen changed, the press's x, y
        self.dropped = 0  # presses dropped so far (the technician's counters, tests)

    def pressed(self, x: float, y: float) -> bool:
        """A press at (x, y) of the window: True when it is to be dropped (the same tap again)."""
        now = self.clock()
        changed = self._changed
        if changed is not None and now - changed[0] < self.window_s:
            if abs(x - changed[1]) <= self.finger_px and abs(y - changed[2]) <= self.finger_px:
                self.dropped += 1
                return True
        self._last_press = (now, x, y)
        return False

    def screen_changed(self) -> None:
        """Another screen is on show. The press that changed it is the last one, when it was just
        before (a screen a hub answer brings seconds later was changed by no press)."""
        now = self.clock()
        press = self._last_press
        if press is not None and now - press[0] < _CAUSE_S:
            self._changed = (now, press[1], press[2])
        else:
            self._changed = None
