"""Pieces of the Discord adapter that need no connection: text, embeds, invite URL, the command group."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from adapters.discord.commands import papers_group
from adapters.discord.embeds import MAX_TOTAL, digest_messages, pack_embeds, paper_embed
from adapters.discord.invite import invite_url
from adapters.discord.text import fit, neutralise
from bot.commands import REGISTRY, command, unregister
from bot.commands.params import Param, Text
from bot.config import config_from_dict
from bot.domain import Digest, Paper, Requester
from bot.errors import ConfigError
from bot.replies import TextReply
from paperbot.discord_runner import settings_from
from tests.harness.running_discord import fake_discord, start_running
from tests.harness.waiting import eventually


def test_neutralise_breaks_every_mention_and_escapes_markdown() -> None:
    out = neutralise("@everyone @here <@1> <@!2> <@&3> <#4> </cmd:5> **b** __u__ `c` ~~s~~ ||x|| > q")
    for raw in ("@everyone", "@here", "<@1>", "<@!2>", "<@&3>", "<#4>", "</cmd", "**", "__", "`c`", "~~", "||"):
        assert raw not in out


def test_fit_keeps_the_neutralised_text_within_the_limit() -> None:
    text = "*_@everyone_* " * 200
    assert len(fit(text, 256)) <= 256 and fit("short", 256) == "short"


def test_one_embed_stays_within_limits_however_long_the_paper() -> None:
    paper = Paper("2511.00001", title="T" * 5000, abstract="word " * 5000, ai_summary="x " * 5000,
                  authors=tuple("A" * 300 for _ in range(40)), thumbnail_url="javascript:alert(1)",
                  github_repo="https://github.com/a/b) [x](https://evil", project_page="https://ok.example/p")
    embed = paper_embed(paper, "why " * 1000, rank=1)
    assert len(embed) < MAX_TOTAL and len(embed.title) <= 256 and len(embed.description) <= 4096
    assert embed.thumbnail.url is None  # only http(s) thumbnails
    links = embed.fields[-1].value
    assert "evil" not in links and "https://ok.example/p" in links


def test_pack_embeds_respects_ten_embeds_and_6000_chars() -> None:
    embeds = [discord.Embed(title=str(n), description="d" * 1500) for n in range(13)]
    groups = pack_embeds(embeds)
    assert [len(g) for g in groups] == [3, 3, 3, 3, 1]
    assert all(sum(len(e) for e in g) <= MAX_TOTAL for g in groups)
    small = pack_embeds([discord.Embed(title=str(n)) for n in range(23)])
    assert [len(g) for g in small] == [10, 10, 3]


def test_an_empty_digest_is_one_text_message() -> None:
    [message] = digest_messages(Digest(title="Top 0 papers", items=(), note="No papers @everyone"))
    assert message.embeds == [] and "No papers" in message.content and "@everyone" not in message.content


def test_invite_url_has_exactly_the_needed_scopes_and_permissions() -> None:
    query = parse_qs(urlsplit(invite_url(1234)).query)
    assert query["client_id"] == ["1234"]
    assert query["scope"] == ["bot applications.commands"]
    # View Channel, Send Messages, Embed Links, Add Reactions, Read Message History,
    # Create Public Threads, Send Messages in Threads — and nothing else
    expected = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 6) | (1 << 16) | (1 << 35) | (1 << 38)
    assert int(query["permissions"][0]) == expected


def test_shard_ids_need_a_shard_count() -> None:
    with pytest.raises(ConfigError):
        settings_from(config_from_dict({"discord": {"shard_ids": [0]}}, environ={}).discord)
    with pytest.raises(ConfigError):
        settings_from(config_from_dict({"discord": {"shard_ids": [2], "shard_count": 2}}, environ={}).discord)


@pytest.fixture
def echo_spec():
    """A core subcommand declared in one place (the declaration is the whole of it)."""

    @command("echo", "says them back", order=900, params=(
        Param("arguments", Text("words…"), "the words to say back", required=True),
    ))
    @dataclass(frozen=True)
    class EchoCommand:
        arguments: str

        async def execute(self, requester: Requester) -> TextReply:
            return TextReply("echo: " + self.arguments)

    yield REGISTRY["echo"]
    unregister("echo")


def test_a_core_command_declared_once_gets_its_discord_option(echo_spec) -> None:
    group = papers_group()
    echo = group.get_command("echo")
    assert echo is not None and echo.description == "says them back"
    assert [p.name for p in echo.parameters] == ["arguments"]


async def test_the_generic_subcommand_runs_through_the_core(echo_spec, tmp_path: Path) -> None:
    async with fake_discord() as fake, start_running(fake, tmp_path, sync_commands=False) as running:
        it = await fake.slash("echo", [{"name": "arguments", "type": 3, "value": 'a "b c" @everyone'}])
        await eventually(lambda: fake.find("PATCH", it.token))
        [edit] = fake.find("PATCH", it.token)
        # the typed option goes to the command as typed (no round trip through the text parser), neutralised
        assert edit.body["content"].startswith('echo: a "b c" @\u200beveryone')
        assert running.fake is fake


async def test_timezone_and_count_autocomplete() -> None:
    from adapters.discord.commands import count_autocomplete, timezone_autocomplete

    berlin = await timezone_autocomplete(None, "europe/ber")  # type: ignore[arg-type]
    assert [c.value for c in berlin] == ["Europe/Berlin"]
    assert len(await timezone_autocomplete(None, "")) <= 25  # type: ignore[arg-type]
    assert len(await timezone_autocomplete(None, "a")) == 25  # type: ignore[arg-type]
    assert [c.value for c in await count_autocomplete(None, "1")] == [10, 15]  # type: ignore[arg-type]


def test_every_subcommand_fits_discords_rules() -> None:
    import re

    group = papers_group()
    assert 1 <= len(group.commands) <= 25
    for subcommand in group.commands:
        assert re.fullmatch(r"[-_a-z0-9]{1,32}", subcommand.name) and 1 <= len(subcommand.description) <= 100
        assert len(subcommand.parameters) <= 25
        for parameter in subcommand.parameters:
            assert re.fullmatch(r"[-_a-z0-9]{1,32}", parameter.name) and 1 <= len(parameter.description) <= 100


def test_typed_options_go_straight_to_the_core_command() -> None:
    from datetime import time

    from bot.errors import UsageError

    command = REGISTRY["subscribe"].from_options({"at": "8:30", "timezone": "asia/tokyo", "count": 7})
    assert (command.post_time, command.timezone, command.count) == (time(8, 30), "Asia/Tokyo", 7)
    today = REGISTRY["today"].from_options({"count": 3, "day": "2025-11-06", "mine": None})
    assert (today.count, str(today.day)) == (3, "2025-11-06")
    with pytest.raises(UsageError, match="not a time"):
        REGISTRY["subscribe"].from_options({"at": "25:99"})
