"""One screen class per kind of step; the data of the SessionView makes the differences."""

from __future__ import annotations

from kiosk.session_view import Step
from ui.screens.base import Screen, ScreenContext
from ui.screens.choose import ChooseScreen
from ui.screens.form import FormScreen, ReviewScreen
from ui.screens.outcome import ReceiptScreen, ResultScreen
from ui.screens.simple import AttractScreen, IdentifyScreen, OutOfServiceScreen, SubmittingScreen

SCREEN_CLASSES: dict[Step, type[Screen]] = {
    Step.ATTRACT: AttractScreen,
    Step.IDENTIFY: IdentifyScreen,
    Step.CHOOSE: ChooseScreen,
    Step.FORM: FormScreen,
    Step.REVIEW: ReviewScreen,
    Step.SUBMITTING: SubmittingScreen,
    Step.RECEIPT: ReceiptScreen,
    Step.RESULT: ResultScreen,
    Step.OUT_OF_SERVICE: OutOfServiceScreen,
}

__all__ = ["SCREEN_CLASSES", "Screen", "ScreenContext"]
