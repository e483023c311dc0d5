"""Saved papers through the core: 🔖 saves, removing it unsaves, `/papers saved` lists, `/papers export` files.

Real store on a SQLite file with the bundled sample; reactions go through ``PaperBot.on_reaction``
exactly as the adapters send them; the ranking check runs with the hash embedder and the real model.
"""
from __future__ import annotations

from datetime import timedelta

import bibtexparser
import numpy as np
import pytest
import rispy

from bot.app import PaperBot
from bot.config import config_from_dict
from bot.domain import ChannelRef, Digest, RankedPaper, ReactionEvent, Requester
from bot.errors import ConfigError, UsageError
from bot.paging import page_text
from bot.replies import ExportReply, FileReply, PagedReply, Posted, TextReply
from bot.taste.ranking import relevance
from bot.taste.signals import DEFAULT_EMOJI, EmojiTable
from bot.usecases.ingest import store_papers
from bot.usecases.reactions import ReactionMeaning, ReactionOutcome
from bot.usecases.saved import FileRefused, FileSent
from tests.harness.builders import record_digest
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import AGENT, CHANNEL, NOW, OTHER_CHANNEL, VIDEO, VTHINK

ME = Requester(CHANNEL, "U-me")


async def post_today(bot: PaperBot, channel: ChannelRef = CHANNEL, first: int = 100) -> dict[str, str]:
    """Post the sample's top 3 in ``channel`` as messages first, first+1, …; arXiv id → message."""
    digest = (await bot.handle(Requester(channel, "U-poster"), "today 3")).digest
    ids = [str(first + n) for n in range(3)]
    await record_digest(bot.store, channel, digest, ids)
    return {item.paper.arxiv_id: m for item, m in zip(digest.items, ids)}


async def react(bot: PaperBot, message: str, emoji: str = "🔖", *, added: bool = True, user: str = "U-me",
                channel: ChannelRef = CHANNEL, minutes: int = 0) -> ReactionOutcome:
    at = NOW + timedelta(minutes=minutes)
    return (await bot.on_reaction(ReactionEvent(channel, message, user, emoji, added, at=at))).outcome


async def listing(bot: PaperBot, text: str = "saved", who: Requester = ME) -> PagedReply:
    reply = await bot.handle(who, text)
    assert isinstance(reply, PagedReply)
    return reply


async def test_a_bookmark_saves_the_paper_and_removing_it_unsaves(bot: PaperBot) -> None:
    posted = await post_today(bot)
    assert set(posted) >= {VIDEO, VTHINK}
    assert (await listing(bot)).entries == ()
    assert "no saved papers yet" in page_text(await listing(bot), 2000) and "🔖" in page_text(await listing(bot), 2000)
    assert await react(bot, posted[VIDEO]) is ReactionOutcome.STORED
    assert await react(bot, posted[VTHINK], "🔖", minutes=5) is ReactionOutcome.STORED
    assert await react(bot, posted[VIDEO], "👍") is ReactionOutcome.STORED  # not a save
    reply = await listing(bot)
    assert reply.header == "Your saved papers (2):"
    first, second = reply.entries
    assert second.startswith("2. Thinking with Video") and "https://arxiv.org/abs/2511.04570" in second
    assert "Jingqi Tong" in second and "et al." in second and "(2025)" in second
    assert first.startswith("1. V-Thinker") and first.endswith("https://arxiv.org/abs/2511.04460")  # newest save first
    assert await react(bot, posted[VIDEO], added=False) is ReactionOutcome.REMOVED
    assert [e.split(" — ")[0] for e in (await listing(bot)).entries] == ["1. V-Thinker: Interactive Thinking with Images"]
    assert "Thinking with Video" not in page_text(await listing(bot), 2000)


async def test_saves_are_the_members_own_across_the_workspace(bot: PaperBot) -> None:
    here, there = await post_today(bot), await post_today(bot, OTHER_CHANNEL, first=200)
    await react(bot, here[VIDEO])
    await react(bot, there[VIDEO], channel=OTHER_CHANNEL)  # the same paper saved twice: listed once
    await react(bot, there[VTHINK], user="U-other", channel=OTHER_CHANNEL)
    assert len((await listing(bot)).entries) == 1
    assert len((await listing(bot, who=Requester(OTHER_CHANNEL, "U-me"))).entries) == 1  # any channel of the workspace
    assert [e[:14] for e in (await listing(bot, who=Requester(CHANNEL, "U-other"))).entries] == ["1. V-Thinker: "]
    assert (await listing(bot, who=Requester(ChannelRef("slack", "T9", "C1"), "U-me"))).entries == ()


async def test_a_retried_save_is_one_save_and_forget_me_forgets_saves(store, sample_papers) -> None:
    await store_papers(store, sample_papers)
    bot = PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())
    posted = await post_today(bot)
    event = ReactionEvent(CHANNEL, posted[VIDEO], "U-me", "🔖", True, event_id="Ev1")
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.STORED
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.DUPLICATE
    assert len((await listing(bot)).entries) == 1
    await bot.handle(ME, "forget me confirm")
    assert (await listing(bot)).entries == ()


async def test_the_saved_list_is_paged_within_a_limit(bot: PaperBot) -> None:
    posted = await post_today(bot)
    for message in posted.values():
        await react(bot, message)
    reply = await listing(bot)
    one = page_text(reply, 400)
    assert len(one) <= 400 and "Page 1 of " in one and "Next: /papers saved 2" in one
    pages = int(one.split("Page 1 of ")[1].split(" ")[0])
    texts = [page_text(await listing(bot, f"saved {n}"), 400) for n in range(1, pages + 1)]
    assert all(len(t) <= 400 for t in texts)
    assert sum(t.count("https://arxiv.org/abs/") for t in texts) == 3  # every entry on exactly one page
    assert "only" in page_text(await listing(bot, f"saved {pages + 1}"), 400)
    with pytest.raises(UsageError, match="page"):
        await bot.handle(ME, "saved 0")


async def test_export_files_parse_and_carry_the_saved_papers(bot: PaperBot) -> None:
    posted = await post_today(bot)
    await react(bot, posted[VIDEO])
    await react(bot, posted[VTHINK])
    bib = await bot.handle(ME, "export bibtex")
    assert isinstance(bib, ExportReply) and bib.filename == "paperbot-saved-2025-11-09.bib"
    assert bib.summary == "BibTeX export of your 2 saved papers."
    library = bibtexparser.parse_string(bib.data.decode())
    assert not library.failed_blocks
    by_eprint = {e["eprint"]: e for e in library.entries}
    assert set(by_eprint) == {VIDEO, VTHINK}
    video = by_eprint[VIDEO]
    assert video.entry_type == "misc" and video["archivePrefix"] == "arXiv" and video["year"] == "2025"
    assert video["url"] == "https://arxiv.org/abs/2511.04570" and video.key == "tong2025thinking"
    assert video["author"].startswith("Jingqi Tong and Yurong Mou and ")
    assert by_eprint[VTHINK].key == "qiao2025thinker"
    ris = await bot.handle(ME, "export ris")
    assert isinstance(ris, ExportReply) and ris.filename.endswith(".ris")
    records = rispy.loads(ris.data.decode())
    assert {r["urls"][0] for r in records} == {"https://arxiv.org/abs/2511.04570", "https://arxiv.org/abs/2511.04460"}
    assert all(r["type_of_reference"] == "GEN" and r["year"] == "2025" and r["abstract"] for r in records)
    empty = await bot.handle(Requester(CHANNEL, "U-nobody"), "export ris")
    assert isinstance(empty, ExportReply) and empty.data == b"" and "no saved papers" in page_text(empty.inline, 2000)


# ------------------------------------------------------------------------------ handing the file over


class RecordingFiles:
    """A surface's private file delivery (``PrivateFiles``) that keeps what it was given and answers ``answer``."""

    def __init__(self, answer: FileSent | FileRefused) -> None:
        self.answer = answer
        self.sent: list[tuple[Requester, str, bytes, str]] = []

    async def send_privately(self, requester: Requester, filename: str, data: bytes, text: str) -> FileSent | FileRefused:
        self.sent.append((requester, filename, data, text))
        return self.answer


async def _export(bot: PaperBot, text: str = "export bibtex") -> ExportReply:
    posted = await post_today(bot)
    await react(bot, posted[VIDEO])
    await react(bot, posted[VTHINK])
    reply = await bot.handle(ME, text)
    assert isinstance(reply, ExportReply)
    return reply


async def test_an_export_sent_elsewhere_is_a_private_note_saying_where(bot: PaperBot) -> None:
    export = await _export(bot)
    files = RecordingFiles(FileSent(("F1",), where="your DMs with paperbot"))
    note = await bot.saved.deliver(export, ME, files)
    assert note == TextReply(f"Sent to your DMs with paperbot: {export.filename} (2 entries).", ephemeral=True)
    [(who, filename, data, text)] = files.sent
    assert (who, filename, data, text) == (ME, export.filename, export.data, "BibTeX export of your 2 saved papers.")
    assert len(bibtexparser.parse_string(data.decode()).entries) == 2


async def test_an_export_that_is_the_answer_leaves_nothing_to_show(bot: PaperBot) -> None:
    export = await _export(bot, "export ris")
    done = await bot.saved.deliver(export, ME, RecordingFiles(FileSent(("m1",))))
    assert done == Posted(FileReply(export.filename, export.data, export.summary), ("m1",))


async def test_a_refused_file_is_the_inline_page_headed_by_the_reason(bot: PaperBot) -> None:
    export = await _export(bot)
    page = await bot.saved.deliver(export, ME, RecordingFiles(FileRefused("Too large, so here it is inline.")))
    assert isinstance(page, PagedReply) and page.entries == export.inline.entries and page.code
    assert page.header == f"Too large, so here it is inline.\n{export.inline.header}"
    assert page_text(page, 2000).startswith("Too large, so here it is inline.\n")


async def test_nothing_saved_or_a_later_page_is_shown_inline_without_a_file(bot: PaperBot) -> None:
    files = RecordingFiles(FileSent(("F1",), where="your DMs"))
    empty = await bot.handle(Requester(CHANNEL, "U-nobody"), "export bibtex")
    assert isinstance(empty, ExportReply)
    assert await bot.saved.deliver(empty, ME, files) == empty.inline
    second = await _export(bot, "export bibtex 2")
    assert await bot.saved.deliver(second, ME, files) == second.inline
    assert files.sent == []


# ------------------------------------------------------------------------------ the weights of 🔖 and 🔗


def test_bookmark_and_link_weigh_what_taste_says() -> None:
    assert DEFAULT_EMOJI.weight("🔖") == 2.0 and DEFAULT_EMOJI.weight("bookmark") == 2.0
    assert DEFAULT_EMOJI.weight("🔗") == 0.5 and DEFAULT_EMOJI.weight(":link:") == 0.5
    assert DEFAULT_EMOJI.weight("👍") == 1.0
    taste = config_from_dict({"taste": {"save_weight": 3, "link_weight": 0}}, environ={}).taste
    table = EmojiTable.of(taste.positive, taste.negative, save=taste.save_weight, link=taste.link_weight)
    assert (table.weight("🔖"), table.weight("🔗")) == (3.0, 0.0)
    assert config_from_dict({}, environ={}).taste.save_weight == 2.0


@pytest.mark.parametrize(("key", "value", "words"), [
    ("save_weight", 11, "11 is out of range: use a number from 0 to 10"),
    ("save_weight", -0.5, "-0.5 is out of range"),
    ("link_weight", "lots", "must be a number from 0 to 10"),
    ("link_weight", True, "must be a number from 0 to 10"),
])
def test_a_wrong_weight_is_refused_in_words(key: str, value: object, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"taste": {key: value}}, environ={})
    message = str(caught.value)
    assert f"[taste] {key}: " in message and words in message and "👍" in message


async def test_a_link_reaction_is_mild_interest(bot: PaperBot) -> None:
    posted = await post_today(bot)
    result = await bot.on_reaction(ReactionEvent(CHANNEL, posted[VIDEO], "U-me", "🔗", True))
    assert result.meaning is ReactionMeaning.POSITIVE


@pytest.mark.parametrize("model", ["hash", "real"])
async def test_a_bookmark_ranks_similar_papers_higher_than_a_thumbs_up(store, sample_papers, model: str,
                                                                       request: pytest.FixtureRequest) -> None:
    """One member 🔖 one paper and 👍 another: the papers most like the saved one score above those
    most like the liked one; swap the two reactions and the order swaps (the weight decides, not the papers).
    With the hash embedder and with the real all-MiniLM-L6-v2 (skipped, saying why, where it is missing)."""
    await store_papers(store, sample_papers)
    embedder = HashEmbedder() if model == "hash" else request.getfixturevalue("real_embedder")
    bot = PaperBot(store, clock=lambda: NOW, embedder=embedder)
    assert bot.taste is not None
    pool = [p for p in sample_papers if p.arxiv_id not in (VIDEO, AGENT)]
    vectors = await bot.taste.vectors([*pool, *(p for p in sample_papers if p.arxiv_id in (VIDEO, AGENT))])
    matrix = np.stack([vectors[p.arxiv_id] for p in pool])
    near_video = int(np.argmax(matrix @ vectors[VIDEO] - matrix @ vectors[AGENT]))
    near_agent = int(np.argmax(matrix @ vectors[AGENT] - matrix @ vectors[VIDEO]))

    async def scores(saved: str, liked: str, channel: ChannelRef) -> np.ndarray:
        by_id = {p.arxiv_id: p for p in sample_papers}
        for n, (arxiv_id, emoji) in enumerate(((saved, "🔖"), (liked, "👍"))):
            await record_digest(store, channel, Digest("one", (RankedPaper(by_id[arxiv_id], 0.0, ""),)), [f"m{n}"])
            await react(bot, f"m{n}", emoji, channel=channel)
        profile = await bot.taste.channel_profile(channel)  # type: ignore[union-attr]
        assert sorted(s.weight for s in profile.signals) == [1.0, 2.0]
        return relevance(matrix, profile, NOW + timedelta(seconds=1))[0]

    video_saved = await scores(VIDEO, AGENT, CHANNEL)
    agent_saved = await scores(AGENT, VIDEO, OTHER_CHANNEL)
    assert video_saved[near_video] > video_saved[near_agent]
    assert agent_saved[near_agent] > agent_saved[near_video]

