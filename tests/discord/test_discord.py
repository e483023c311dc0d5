"""The issue-5 scenarios: the real discord.py against the fake Discord, through `paperbot run`'s wiring."""
from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest

from adapters.discord.embeds import MAX_DESCRIPTION, MAX_EMBEDS, MAX_TITLE, MAX_TOTAL
from adapters.discord.platform import DiscordPlatform
from bot.domain import ChannelRef, Digest, Paper, RankedPaper
from bot.errors import ChannelUnavailableError
from paperbot import platforms
from paperbot.compose import build_bot, database_url, open_store
from tests.harness.builders import record_digest
from tests.harness.discord_fake import (
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    OTHER_USER,
    FakeDiscord,
)
from tests.harness.running_discord import Running, discord_config
from tests.harness.transport_calls import send_digest, send_text
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
NONE_ALLOWED = {"parse": []}


def embed_chars(embed: dict) -> int:
    """Discord's count: title, description, field names and values, footer text, author name."""
    return (len(embed.get("title") or "") + len(embed.get("description") or "")
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
            + len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or ""))


def assert_within_limits(body: dict) -> None:
    embeds = body.get("embeds") or []
    assert len(embeds) <= MAX_EMBEDS
    assert sum(embed_chars(e) for e in embeds) <= MAX_TOTAL
    for e in embeds:
        assert len(e.get("title") or "") <= MAX_TITLE
        assert len(e.get("description") or "") <= MAX_DESCRIPTION
        assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in e.get("fields", []))
    assert len(body.get("content") or "") <= 2000


async def test_commands_are_synced_to_the_dev_guild(running: Running) -> None:
    [sync] = running.fake.find("PUT", f"/applications/900000000000000002/guilds/{GUILD_ID}/commands")
    [papers] = [c for c in sync.body if c.get("type", 1) == 1]  # beside it: the "Add to paperbot" message command
    assert papers["name"] == "papers"
    subcommands = {o["name"]: o for o in papers["options"]}
    assert {"today", "week", "paper", "subscribe", "unsubscribe", "help"} <= set(subcommands)
    today = {o["name"]: o for o in subcommands["today"]["options"]}
    assert today["count"]["type"] == 4 and today["count"]["min_value"] == 1 and today["count"]["max_value"] == 25
    assert today["count"]["autocomplete"] is True
    subscribe = {o["name"]: o for o in subcommands["subscribe"]["options"]}
    assert subscribe["timezone"]["autocomplete"] is True
    assert not running.fake.find("PUT", "/applications/900000000000000002/commands")  # not global


async def test_today_is_deferred_at_once_then_edited_with_embeds(running: Running) -> None:
    fake = running.fake
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 15}])
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 15)
    [callback] = it.responses
    assert callback.body["type"] == 5 and callback.at - it.created < 3.0
    edits = fake.webhook_calls(it.token)
    assert edits[0].method == "PATCH" and edits[0].path.endswith("/messages/@original")
    assert edits[0].at >= callback.at
    assert "Top 15 papers" in edits[0].body["content"]
    for request in edits:
        assert request.body["allowed_mentions"] == NONE_ALLOWED
        assert len(request.body["embeds"]) == 1  # one paper per message: a reaction means one paper
        assert_within_limits(request.body)
    first = edits[0].body["embeds"][0]
    assert first["url"].startswith("https://arxiv.org/abs/") and first["title"].startswith("1. ")
    assert {f["name"] for f in first["fields"]} >= {"Authors", "Links"}
    # every message is recorded, one paper each
    ids = [m for m in fake.messages if fake.messages[m]["embeds"]]
    await eventually(lambda: running.bot.store.posts_for_message(CHANNEL, ids[-1]))
    for message_id in ids:
        assert len(await running.bot.store.posts_for_message(CHANNEL, message_id)) == 1


async def test_subscribe_needs_manage_channels(running: Running) -> None:
    fake = running.fake
    it = await fake.slash("subscribe", [{"name": "at", "type": 3, "value": "08:30"}])
    await eventually(lambda: fake.webhook_calls(it.token))
    assert fake.find("DELETE", f"{it.token}/messages/@original")  # the public "thinking…" is removed
    [followup] = fake.webhook_calls(it.token)
    assert followup.body["flags"] & 64  # ephemeral
    assert "manage this channel" in followup.body["content"]
    assert await running.bot.store.get_subscription(CHANNEL) is None

    for permissions in (MANAGE_CHANNELS, 1 << 5):  # Manage Channels, or Manage Server
        it = await fake.slash("subscribe", [{"name": "at", "type": 3, "value": "08:30"},
                                            {"name": "timezone", "type": 3, "value": "europe/berlin"}],
                              permissions=MEMBER_PERMISSIONS | permissions)
        await eventually(lambda: fake.webhook_calls(it.token))
        [edit] = fake.webhook_calls(it.token)
        assert edit.method == "PATCH" and "08:30 Europe/Berlin" in edit.body["content"]
    subscription = await running.bot.store.get_subscription(CHANNEL)
    assert subscription is not None and subscription.timezone == "Europe/Berlin"


async def test_a_bad_option_is_answered_ephemerally_with_what_is_accepted(running: Running) -> None:
    fake = running.fake
    it = await fake.slash("subscribe", [{"name": "timezone", "type": 3, "value": "Mars/Olympus"}],
                          permissions=MANAGE_CHANNELS)
    await eventually(lambda: it.responses)
    [callback] = it.responses
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] & 64
    assert "is not a time zone" in callback.body["data"]["content"]
    assert callback.body["data"]["allowed_mentions"] == NONE_ALLOWED


async def test_reactions_on_bot_posts_are_stored_and_removed(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 2}])
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 2)
    message_id = [m for m in fake.messages if fake.messages[m]["embeds"]][0]
    await eventually(lambda: store.posts_for_message(CHANNEL, message_id))

    await fake.react(message_id, "👍", author_id=BOT_ID)
    await eventually(lambda: store.reactions_for_message(CHANNEL, message_id))
    [reaction] = await store.reactions_for_message(CHANNEL, message_id)
    assert reaction.user_id == OTHER_USER and reaction.emoji == "👍"

    await fake.react(message_id, "👍", added=False)
    await eventually(lambda: _empty(store.reactions_for_message(CHANNEL, message_id)))

    # the bot's own reaction, and someone else's message, are ignored
    await fake.react(message_id, "🔥", user_id=BOT_ID, author_id=BOT_ID)
    await fake.react("123456789012345678", "👍", author_id=OTHER_USER)
    await fake.react(message_id, "❤️", author_id=BOT_ID)  # a marker processed after the two above
    await eventually(lambda: store.reactions_for_message(CHANNEL, message_id))
    assert [r.emoji for r in await store.reactions_for_message(CHANNEL, message_id)] == ["❤"]
    assert await store.reactions_for_message(CHANNEL, "123456789012345678") == []


async def _empty(awaitable) -> bool:
    return not await awaitable


async def test_everyone_in_a_title_is_neutralised_and_mentions_none_allowed(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    await store.upsert_papers([Paper(
        arxiv_id="2511.99999", title="@everyone read this <@123> <@&456> <#789> **now** @here",
        abstract="Ping @everyone. [click](https://evil.example) and <@!42>.", authors=("@here Smith",),
        announced_on=date(2025, 11, 8), sources=frozenset({"sample"}),
    )])
    it = await fake.slash("today")
    await eventually(lambda: fake.webhook_calls(it.token))
    [edit] = fake.webhook_calls(it.token)
    assert edit.body["allowed_mentions"] == NONE_ALLOWED
    text = json.dumps(edit.body, ensure_ascii=False)
    for raw in ("@everyone", "@here", "<@123>", "<@&456>", "<#789>", "<@!42>", "**now**", " [click](https"):
        assert raw not in text, raw
    assert "@\u200beveryone" in edit.body["embeds"][0]["title"]
    assert "\\[click](" in edit.body["embeds"][0]["description"]  # a masked link, escaped

    # the scheduler's path too
    platform = running.runner.platform
    await send_text(platform, CHANNEL, "hello @everyone <@1>")
    [post] = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert post.body["allowed_mentions"] == NONE_ALLOWED and "@everyone" not in post.body["content"]


def _long_paper(n: int) -> Paper:
    return Paper(arxiv_id=f"2511.{n:05d}", title="A very long title " * 30, abstract="Long abstract sentence. " * 400,
                 ai_summary="summary " * 700, authors=tuple(f"Author {i}" for i in range(50)),
                 upvotes=n, github_stars=n * 10, announced_on=date(2025, 11, 7))


async def test_a_digest_over_6000_characters_is_split(running: Running) -> None:
    fake = running.fake
    digest = Digest(title="Top 12 papers", items=tuple(RankedPaper(_long_paper(n), 1.0, "trending " * 100) for n in range(12)))
    ids = await send_digest(running.runner.platform, CHANNEL, digest)
    posts = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert len(posts) == 12 and len(set(ids)) == 12 and ids == [fake.messages[i]["id"] for i in ids]
    assert sum(embed_chars(e) for p in posts for e in p.body["embeds"]) > MAX_TOTAL
    for post in posts:
        assert_within_limits(post.body)
        assert post.body["allowed_mentions"] == NONE_ALLOWED
    assert posts[0].body["content"].startswith("**Top 12 papers**")


async def test_a_429_with_via_and_retry_after_is_waited_out(running: Running) -> None:
    fake = running.fake
    fake.rate_limit_next[f"/channels/{CHANNEL_ID}/messages"] = 0.2
    message_id = await send_text(running.runner.platform, CHANNEL, "digest coming")
    posts = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert len(posts) == 2 and posts[1].at - posts[0].at >= 0.2
    assert message_id in fake.messages


async def test_a_channel_the_bot_cannot_post_in_is_unavailable(running: Running) -> None:
    running.fake.forbidden_channels.add(CHANNEL_ID)
    with pytest.raises(ChannelUnavailableError):
        await send_text(running.runner.platform, CHANNEL, "hello")


async def test_a_late_first_response_gets_10062_and_the_bot_carries_on(running: Running, caplog) -> None:
    fake = running.fake
    late = await fake.slash("today", age=5.0)
    await eventually(lambda: fake.find("POST", f"{late.token}/callback"))
    await asyncio.sleep(0.2)
    assert late.responses == [] and fake.webhook_calls(late.token) == []
    assert "expired" in caplog.text
    it = await fake.slash("help")
    await eventually(lambda: fake.webhook_calls(it.token))
    assert fake.webhook_calls(it.token)[0].body["flags"] & 64  # help is ephemeral
    assert not running.runner.client.is_closed()


async def test_sharded_client_through_platforms_start_all(fake: FakeDiscord, tmp_path: Path) -> None:
    config = discord_config(fake, tmp_path, shard_count=1, shard_ids=[0], sync_commands=False)
    async with open_store(database_url(config)) as store:
        bot = build_bot(config, store)
        [task] = platforms.start_all(config, bot)
        try:
            # the scheduler's send path, taken right away: it waits for the connection
            platform = platforms.chat_platforms()["discord"]
            assert isinstance(platform, DiscordPlatform)
            message_id = await asyncio.wait_for(send_text(platform, CHANNEL, "good morning"), 10)
            assert fake.messages[message_id]["content"] == "good morning"
            assert fake.identifies[0]["shard"] == [0, 1]  # AutoShardedClient identifies as shard 0 of 1
            assert not fake.find("PUT", "/commands")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _paper_answer_url(running: Running, value: str) -> str:
    """`/papers paper <value>` through the fake: the URL of the embed it answers with."""
    it = await running.fake.slash("paper", [{"name": "paper", "type": 3, "value": value}])
    await eventually(lambda: running.fake.webhook_calls(it.token))
    [edit] = running.fake.webhook_calls(it.token)
    url: str = edit.body["embeds"][0]["url"]
    return url


async def test_paper_posts_one_reactable_embed_and_unknown_ids_are_ephemeral(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    known = (await store.papers_announced_between(date(2025, 11, 7), date(2025, 11, 7)))[0]
    url = await _paper_answer_url(running, f"https://arxiv.org/abs/{known.arxiv_id}")
    assert url == f"https://arxiv.org/abs/{known.arxiv_id}"
    message_id = [m for m in fake.messages if fake.messages[m]["embeds"]][0]
    await eventually(lambda: store.posts_for_message(CHANNEL, message_id))

    it = await fake.slash("paper", [{"name": "paper", "type": 3, "value": "not-an-id"}])
    await eventually(lambda: it.responses)
    assert it.responses[0].body["type"] == 4 and it.responses[0].body["data"]["flags"] & 64


async def test_invite_url_looks_up_the_application_id_with_the_token(running: Running, capsys) -> None:
    from paperbot.discord_runner import print_invite_url

    assert await print_invite_url(running.config, None) == 0
    assert "client_id=900000000000000002&scope=bot+applications.commands" in capsys.readouterr().out


async def test_a_rejected_token_stops_with_a_config_error(fake: FakeDiscord, tmp_path: Path) -> None:
    from bot.errors import ConfigError

    fake.token = "another-token"
    config = discord_config(fake, tmp_path, sync_commands=False)
    async with open_store(database_url(config)) as store:
        [task] = platforms.start_all(config, build_bot(config, store))
        with pytest.raises(ConfigError, match=r"rejected \[discord\] token"):
            await asyncio.wait_for(task, 10)


async def test_a_scheduled_digest_through_the_platform_is_recorded_and_reactable(running: Running) -> None:
    from bot.domain import PostKind

    fake, bot = running.fake, running.bot
    digest = await bot.scheduled_digest(CHANNEL, 3)
    ids = await send_digest(running.runner.platform, CHANNEL, digest)
    assert len(ids) == len(digest.items) == 3 and len(set(ids)) == 3
    await record_digest(bot.store, CHANNEL, digest, ids, kind=PostKind.SCHEDULED)
    await fake.react(ids[1], "🔥", author_id=BOT_ID)
    await eventually(lambda: bot.store.reactions_for_message(CHANNEL, ids[1]))
    [reaction] = await bot.store.reactions_for_message(CHANNEL, ids[1])
    assert reaction.arxiv_id == digest.items[1].paper.arxiv_id


async def test_a_paper_id_pasted_with_a_zero_width_space_is_the_paper(running: Running) -> None:
    """Discord's typed option values are read as seen, as the text parser reads a line."""
    known = (await running.bot.store.papers_announced_between(date(2025, 11, 7), date(2025, 11, 7)))[0]
    assert await _paper_answer_url(running, f"\u200b{known.arxiv_id}\u200b") == f"https://arxiv.org/abs/{known.arxiv_id}"
