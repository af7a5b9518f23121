"""Build the configured card reader: `build_card_reader(config.card_reader, health)`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from drivers.card.config import CardReaderConfig
from drivers.card.model import CardReader
from drivers.card.profile import get_profile
from drivers.errors import DriverConfigError
from drivers.health import HealthBoard


def build_card_reader(
    config: CardReaderConfig, health: HealthBoard | None = None, today: Callable[[], date] = date.today
) -> CardReader:
    """A PcscCardReader ("pcsc") or SimulatedCardReader ("simulated") reading `config.profiles`.

    Profiles are registered names or "package.module:ATTRIBUTE". Raises DriverConfigError for an unknown
    kind or profile, or an empty profile list. Call start() on the result.
    """
    if not config.profiles:
        raise DriverConfigError("card_reader.profiles is empty: no card could be read")
    profile_list = [get_profile(name) for name in config.profiles]
    if config.kind == "pcsc":
        from drivers.card.pcsc import PcscCardReader  # imports pyscard only when a real reader is used

        return PcscCardReader(
            profile_list,
            reader_name=config.reader_name,
            health=health,
            read_timeout_s=config.read_timeout_s,
            today=today,
        )
    if config.kind == "simulated":
        from drivers.card.simulated import SimulatedCardReader

        return SimulatedCardReader(profile_list, health=health, today=today)
    raise DriverConfigError(f"card_reader.kind must be pcsc or simulated, got {config.kind!r}")
