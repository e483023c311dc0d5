from datetime import time

import pytest

from bot.errors import PermissionDeniedError
from tests.harness.sample import CHANNEL


async def test_subscribe_update_unsubscribe(bot, manager, store) -> None:
    reply = await bot.handle(manager, "subscribe 09:00 Europe/Berlin")
    assert reply.text == ("Subscribed: this channel gets the top 5 papers on Mon–Fri at 09:00 Europe/Berlin."
                          " Every day: /papers subscribe 09:00 Europe/Berlin 5 days=daily (or pick days, e.g. days=mon,wed,fri).")
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


async def test_the_confirmation_states_the_days_and_its_hint_changes_only_the_days(bot, manager, store) -> None:
    """The default is Mon–Fri, not "every day": the reply says so and gives the command that changes it,
    with the time, zone and count repeated (a bare `subscribe days=daily` would reset them to 09:00 UTC, 5)."""
    first = (await bot.handle(manager, "subscribe 07:30 Europe/Paris 3")).text
    assert "on Mon–Fri at 07:30 Europe/Paris" in first
    hint = first.split("Every day: ", 1)[1].split(" (", 1)[0]
    assert hint == "/papers subscribe 07:30 Europe/Paris 3 days=daily"
    daily = (await bot.handle(manager, hint)).text
    assert "top 3 papers every day at 07:30 Europe/Paris" in daily  # count, time and zone kept
    assert daily.endswith("Weekdays only: /papers subscribe 07:30 Europe/Paris 3 days=mon-fri.")
    assert (await store.get_schedule(CHANNEL)).weekdays == frozenset(range(1, 8))
    weekly = (await bot.handle(manager, "subscribe 07:30 Europe/Paris weekly")).text
    assert "weekly on Mon" in weekly and "days=" not in weekly
