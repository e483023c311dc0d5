"""A reaction says what it taught: more like this, fewer, or nothing (an emoji not in ``[taste]``).

The core's use case returns the meaning with the outcome (real store on SQLite, the bundled sample);
the console answers a neutral one honestly instead of "recorded".
"""
from __future__ import annotations

from adapters.console.render import render_stored_reaction
from bot.app import PaperBot
from bot.domain import ReactionEvent
from bot.taste.signals import EmojiTable
from bot.usecases.reactions import ReactionMeaning, ReactionOutcome
from tests.harness.builders import record_digest
from tests.harness.sample import CHANNEL, NOW


async def posted(bot: PaperBot, member) -> None:
    digest = (await bot.handle(member, "today 3")).digest
    await record_digest(bot.store, CHANNEL, digest, ["100", "101", "102"])


async def test_each_reaction_says_what_it_teaches(bot: PaperBot, member) -> None:
    await posted(bot, member)
    results = {emoji: await bot.on_reaction(ReactionEvent(CHANNEL, "101", "U1", emoji, True)) for emoji in ("👍", "👎", "🤷", "❤️")}
    assert {e: (r.outcome, r.meaning) for e, r in results.items()} == {
        "👍": (ReactionOutcome.STORED, ReactionMeaning.POSITIVE),
        "👎": (ReactionOutcome.STORED, ReactionMeaning.NEGATIVE),
        "🤷": (ReactionOutcome.STORED, ReactionMeaning.NEUTRAL),
        "❤️": (ReactionOutcome.STORED, ReactionMeaning.POSITIVE),
    }
    again = await bot.on_reaction(ReactionEvent(CHANNEL, "101", "U1", "🤷", True))
    assert (again.outcome, again.meaning) == (ReactionOutcome.DUPLICATE, ReactionMeaning.NEUTRAL)


async def test_the_configured_taste_table_decides_not_the_defaults(store, sample_papers, member) -> None:
    from bot.usecases.ingest import store_papers

    await store_papers(store, sample_papers)
    bot = PaperBot(store, clock=lambda: NOW, taste_options={"emoji": EmojiTable.of(["🤷"], ["👍"])})
    await posted(bot, member)
    assert (await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "🤷", True))).meaning is ReactionMeaning.POSITIVE
    assert (await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True))).meaning is ReactionMeaning.NEGATIVE
    assert (await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "🔥", True))).meaning is ReactionMeaning.NEUTRAL


async def test_the_console_answers_a_neutral_reaction_honestly(bot: PaperBot, member) -> None:
    await posted(bot, member)
    shrug = await bot.on_reaction(ReactionEvent(CHANNEL, "102", "you", "🤷", True))
    assert render_stored_reaction(shrug, "you", "2", bot.reactions.emoji) == (
        "🤷 noted — it doesn't change what you see. 👍 ❤ 🔥 … bring more like this, 👎 😴 🙈 fewer.")
    up = await bot.on_reaction(ReactionEvent(CHANNEL, "102", "you", "👍", True))
    assert render_stored_reaction(up, "you", "2", bot.reactions.emoji) == (
        "👍 from you recorded on post 2: more papers like this one.")
    down = await bot.on_reaction(ReactionEvent(CHANNEL, "102", "you", "👎", True))
    assert render_stored_reaction(down, "you", "2", bot.reactions.emoji).endswith(": fewer papers like this one.")
