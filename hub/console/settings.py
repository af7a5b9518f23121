"""The staff console's settings: fleet colours, alert thresholds, sessions and lock-out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsoleSettings:
    # a terminal reports every heartbeat_interval_s; it turns yellow after more than grace_missed
    # intervals without one and red after more than red_missed
    heartbeat_interval_s: float = 60.0
    grace_missed: int = 2
    red_missed: int = 10
    backlog_alert_s: float = 3600.0  # alert when a terminal's oldest pending item is older
    session_idle_s: float = 30 * 60  # a staff session ends after this long without a request
    max_failures: int = 5  # wrong passwords in a row before the account is locked
    lock_s: float = 15 * 60
    poll_s: float = 5.0  # how often the worklist and fleet pages ask for news
    timezone: str = "Asia/Shanghai"  # hours in the figures are local to the street office
