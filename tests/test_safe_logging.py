import logging

from drivers.card.listeners import ListenerList
from drivers.card.model import CardEvent, CardEventKind

SECRET = "Zhang Wei " + "1101011990" + "03071234"  # split so no source line quotes it whole


def test_a_failing_card_listener_is_logged_by_type_and_frames_not_message(caplog):
    listeners = ListenerList()

    def broken(event):
        raise ValueError(SECRET)

    seen = []
    listeners.add(broken)
    listeners.add(seen.append)
    with caplog.at_level(logging.ERROR):
        listeners.dispatch(CardEvent(CardEventKind.INSERTED, "vpcd 0"))
    assert seen, "the remaining listeners still run"
    assert "ValueError" in caplog.text and "broken" in caplog.text  # type and the failing frame
    assert SECRET not in caplog.text and "03071234" not in caplog.text
