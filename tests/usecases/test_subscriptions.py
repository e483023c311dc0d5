from datetime import time

import pytest

from bot.errors import PermissionDeniedError
from tests.harness.sample import CHANNEL


async def test_subscribe_update_unsubscribe(bot, manager, store) -> None:
    reply = await bot.handle(manager, "subscribe 09:00 Europe/Berlin")
    assert reply.text == "Subscribed: this channel gets the top 5 papers on Mon–Fri at 09:00 Europe/Berlin."
    sub = await store.get_subscription(CHANNEL)
    assert (sub.post_time, sub.timezone, sub.count, sub.created_by) == (time(9), "Europe/Berlin", 5, "U-admin")

    reply = await bot.handle(manager, "subscribe 7:30 america/new_york 3")
    assert reply.text.startswith("Updated the subscription:") and "07:30 America/New_York" in reply.text
    sub = await store.get_subscription(CHANNEL)
    assert (sub.post_time, sub.timezone, sub.count, sub.created_by) == (time(7, 30), "America/New_York", 3, "U-admin")
    assert [s.channel for s in await store.list_subscriptions()] == [CHANNEL]

    assert (await bot.handle(manager, "unsubscribe")).text.startswith("Unsubscribed")
    assert await store.get_subscription(CHANNEL) is None
    assert (await bot.handle(manager, "unsubscribe")).text == "This channel was not subscribed."


async def test_only_channel_managers_subscribe(bot, member, manager, store) -> None:
    with pytest.raises(PermissionDeniedError, match="manage this channel"):
        await bot.handle(member, "subscribe 09:00 UTC")
    assert await store.get_subscription(CHANNEL) is None
    await bot.handle(manager, "subscribe")
    with pytest.raises(PermissionDeniedError):
        await bot.handle(member, "unsubscribe")
    assert await store.get_subscription(CHANNEL) is not None
    # Anyone may still ask for papers.
    assert (await bot.handle(member, "today")).digest.items
