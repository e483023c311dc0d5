"""Which forum a channel is a post of, for a reaction known by channel id only: a channel Discord
refuses to show (403) or does not know (404) is asked once, not at every reaction on it; a passing
failure (5xx) is asked again next time."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from adapters.discord.forum import Forums


class _Client:
    """Only what Forums.forum_of reads: nothing cached, and a fetch that fails as told."""

    def __init__(self, error: type[discord.HTTPException]) -> None:
        self.error, self.fetches = error, 0

    def get_channel(self, channel_id: int) -> None:
        return None

    async def fetch_channel(self, channel_id: int) -> Any:
        self.fetches += 1
        raise self.error(SimpleNamespace(status=403, reason="refused"), "refused")  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [discord.Forbidden, discord.NotFound])
async def test_a_channel_discord_will_not_show_is_fetched_once(error: type[discord.HTTPException]) -> None:
    client = _Client(error)
    forums = Forums(client)  # type: ignore[arg-type]
    assert await forums.forum_of(42) is None
    assert await forums.forum_of(42) is None
    assert client.fetches == 1


async def test_a_passing_failure_is_asked_again() -> None:
    client = _Client(discord.DiscordServerError)
    forums = Forums(client)  # type: ignore[arg-type]
    assert await forums.forum_of(42) is None
    assert await forums.forum_of(42) is None
    assert client.fetches == 2
