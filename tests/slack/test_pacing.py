"""A digest's messages go out at Slack's pace for one channel (~1/s), not as a burst; other
channels do not wait. The pacer on a fake clock, then the real client against the fake Slack."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.slack.app import build_client
from adapters.slack.pacing import DEFAULT_MESSAGES_PER_SECOND, ChannelPacer
from adapters.slack.platform import SlackPlatform
from bot.config import config_from_dict
from bot.domain import ChannelRef, Digest, Paper, RankedPaper
from tests.harness.slack_fake import FakeSlack
from tests.harness.transport_calls import send_digest, send_text


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


async def test_a_channels_next_message_leaves_an_interval_after_the_last_one_was_answered() -> None:
    clock = FakeTime()
    pacer = ChannelPacer(2.0, monotonic=clock.monotonic, sleep=clock.sleep)
    async with pacer.turn("C1"):
        clock.now += 0.3  # Slack took 0.3 s to answer
    async with pacer.turn("C2"):  # another channel: no wait
        pass
    async with pacer.turn("C1"):
        pass
    assert clock.slept == [0.5]  # 0.5 s after the answer, not after the request left
    clock.now += 10  # long after: no debt carried over
    async with pacer.turn("C1"):
        pass
    assert clock.slept == [0.5]
    with pytest.raises(ValueError, match="must be positive"):
        ChannelPacer(0)


async def test_concurrent_messages_to_one_channel_take_turns() -> None:
    pacer = ChannelPacer(20.0)  # 50 ms apart
    inside: list[str] = []
    done: list[float] = []

    async def send(name: str) -> None:
        async with pacer.turn("C1"):
            inside.append(name)
            assert len(inside) == 1  # never two at once in one channel
            await asyncio.sleep(0.01)
            inside.remove(name)
            done.append(asyncio.get_running_loop().time())

    await asyncio.gather(*(send(f"m{i}") for i in range(4)))
    assert all(b - a >= 0.05 for a, b in zip(done, done[1:]))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


async def test_a_digest_goes_out_at_the_channels_pace_through_the_real_client(fake: FakeSlack) -> None:
    config = config_from_dict({"slack": {"bot_token": "xoxb-x", "base_url": fake.base_url}}, environ={})
    platform = SlackPlatform(build_client(config.slack))  # the default pace
    papers = [Paper(f"2511.0000{i}", f"Paper {i}", abstract="A result.") for i in (1, 2)]
    digest = Digest("Today", tuple(RankedPaper(p, 1.0, "why") for p in papers))
    await asyncio.gather(send_digest(platform, ChannelRef("slack", "T1", "C1"), digest),
                         send_text(platform, ChannelRef("slack", "T1", "C2"), "elsewhere"))
    posts = fake.calls_to("chat.postMessage")
    c1 = [c.at for c in posts if c.params["channel"] == "C1"]
    c2 = [c.at for c in posts if c.params["channel"] == "C2"]
    assert len(c1) == 3 and len(c2) == 1  # the digest message and one reply per paper
    gaps = [b - a for a, b in zip(c1, c1[1:])]
    assert all(gap >= 1 / DEFAULT_MESSAGES_PER_SECOND for gap in gaps), gaps  # as Slack sees them
    assert c2[0] - c1[0] < 0.5  # C2 did not queue behind C1
