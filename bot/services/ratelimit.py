"""Rate limits for sending: a global pace and a per-chat spacing, on an injectable clock.

Telegram allows about 30 messages a second per bot and about one a second per chat, and
counts what *arrives*. Requests leave evenly spaced but can reach the server bunched up (a
busy event loop, a network hiccup), so the limits here aim a little under the configured
rate (`HEADROOM`) instead of exactly at it: at exactly 30/s the 31st message of a second
lands inside the server's one-second window half of the time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Fraction of the configured rate actually used; 3% under absorbs ~30 ms of bunching at 30/s.
HEADROOM = 0.97

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pace:
    """Spaces acquisitions evenly at `rate` per second with no bursts (a token bucket of one).

    Without a burst allowance, any one-second window holds at most `rate` acquisitions plus
    the one that opens it, which `HEADROOM` keeps under the server's count.
    """

    def __init__(
        self,
        rate: float,
        *,
        headroom: float = HEADROOM,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / (rate * headroom)
        self._clock, self._sleep = clock, sleep
        self._next = float("-inf")
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Waits until the next send is allowed and books it."""
        async with self._lock:
            now = self._clock()
            if self._next > now:
                await self._sleep(self._next - now)
                # Booked from the schedule, not from when the sleep ended: a timer firing a
                # millisecond late on every send would otherwise cost 3% of the rate at 30/s.
                start = self._next
            else:
                start = now  # idle time does not bank a burst
            self._next = start + self.interval

    def hold_until(self, moment: float) -> None:
        """Allows nothing before `moment` (on this clock), e.g. after a 429."""
        self._next = max(self._next, moment)


class ChatSpacing:
    """Keeps at least `interval` seconds (stretched by `HEADROOM`) between sends to one chat."""

    def __init__(
        self, interval: float, *, headroom: float = HEADROOM, clock: Clock = time.monotonic
    ) -> None:
        self.interval = interval / headroom if interval > 0 else 0.0
        self._clock = clock
        self._next: dict[int, float] = {}

    def ready_at(self, chat_id: int) -> float:
        """Returns the earliest moment (on this clock) a message may go to `chat_id`."""
        return self._next.get(chat_id, float("-inf"))

    def is_ready(self, chat_id: int) -> bool:
        return self.ready_at(chat_id) <= self._clock()

    def sent(self, chat_id: int) -> None:
        """Records a send to `chat_id` now."""
        now = self._clock()
        if len(self._next) > 10_000:  # forget chats whose spacing has long passed
            self._next = {chat: t for chat, t in self._next.items() if t > now}
        self._next[chat_id] = now + self.interval
