"""The sender's limits on a simulated clock: even pace, no bursts, per-chat spacing, holds."""

from __future__ import annotations

from bot.services.ratelimit import HEADROOM, ChatSpacing, Pace


class FakeClock:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def most_in_one_second(times: list[float]) -> int:
    """The largest number of events inside any closed one-second window."""
    return max(sum(1 for t in times if start <= t <= start + 1.0) for start in times)


async def test_the_pace_never_allows_the_rate_inside_any_second():
    clock = FakeClock()
    pace = Pace(30, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(300):
        await pace.acquire()
        times.append(clock.now)
    assert most_in_one_second(times) <= 30
    spacing = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(spacing) >= 1 / 30 and max(spacing) < 1 / (30 * HEADROOM) + 1e-9
    assert 300 / (times[-1] - times[0]) > 0.95 * 30  # evenly at the configured rate, nearly


async def test_idle_time_does_not_bank_a_burst():
    clock = FakeClock()
    pace = Pace(10, clock=clock, sleep=clock.sleep)
    await pace.acquire()
    clock.now += 60  # a quiet minute
    times = []
    for _ in range(5):
        await pace.acquire()
        times.append(clock.now)
    assert times[1] - times[0] >= 0.1  # the first goes at once, the rest keep the pace


async def test_a_hold_delays_the_next_send():
    clock = FakeClock()
    pace = Pace(10, clock=clock, sleep=clock.sleep)
    await pace.acquire()
    pace.hold_until(clock.now + 5)
    start = clock.now
    await pace.acquire()
    assert clock.now - start >= 5


def test_chat_spacing_is_per_chat():
    clock = FakeClock()
    spacing = ChatSpacing(1.0, clock=clock)
    assert spacing.is_ready(1) and spacing.is_ready(2)
    spacing.sent(1)
    assert not spacing.is_ready(1) and spacing.is_ready(2)
    clock.now += 1.0
    assert not spacing.is_ready(1)  # a little more than the interval, for jitter
    clock.now += 0.05
    assert spacing.is_ready(1)
    assert ChatSpacing(0, clock=clock).interval == 0
