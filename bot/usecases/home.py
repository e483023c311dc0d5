"""A member's own page (Slack's App Home; any surface that shows one): what the bot learned from
them, what they saved, their DM digest, and the buttons that change those.

The core decides what the page says and which actions it offers, as plain data (:class:`HomeView`:
sections of lines, paper items and buttons); an adapter only renders it (``adapters.slack.home``:
Block Kit) and hands a pressed button back to :meth:`HomeUseCases.act`. Every text in the view —
ours and a paper's — is to be shown as written: adapters neutralise all of it.

Saved papers are the member's 🔖 reactions on posted papers (the shared decision for "save"): no
table of their own, and read through the saved feature's own query (``SavedUseCases.saved``: the
one definition `/papers saved` and `/papers export` use too); unsaving removes those reactions from
the store, through the same unit of work as a reaction removed on the platform.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from enum import Enum

from bot.arxiv_ids import try_parse_arxiv_id
from bot.clock import Clock, utc_now
from bot.commands.params import parse_timezone
from bot.domain import Paper, Reaction, Requester
from bot.emoji import normalise_emoji
from bot.errors import UsageError
from bot.plural import counted
from bot.ports import Store
from bot.scheduling.personal_ports import DmSubscription
from bot.taste.model import AUTHOR, TOPIC, member_scope
from bot.taste.signals import DEFAULT_EMOJI, SAVE_EMOJI, EmojiTable
from bot.text import clean_text, shorten
from bot.usecases.personal_digests import PersonalDigestUseCases, describe_dm
from bot.usecases.saved import SavedPapers, SavedUseCases
from bot.usecases.taste import TasteUseCases

LINK_EMOJI = "🔗"  # a pasted link's interest: a signal, not a like

MAX_SAVED = 20  # saved papers listed with an "unsave" button (the rest are counted)
MAX_LIKED = 5  # recently liked papers listed
MAX_TOPICS = 8  # topics learned, listed
MAX_TOPIC = 40  # characters of one topic (a paper's keyword: untrusted)
MAX_TITLE = 200  # characters of a title in an item
DM_ON_TIME = time(9, 0)  # the "turn on" button's time; the zone is the member's own when the surface knows it


class HomeAction(str, Enum):
    """What a button on the page asks for (its id on every surface)."""

    DM_ON = "dm_on"
    DM_OFF = "dm_off"
    FORGET = "forget"
    UNSAVE = "unsave"


TITLE = "Your papers"  # the page's header, also over a page that could not be built

@dataclass(frozen=True)
class Confirm:
    """A "are you sure?" dialog in front of a button."""

    title: str
    text: str
    yes: str
    no: str = "Cancel"


@dataclass(frozen=True)
class Button:
    action: HomeAction
    label: str
    value: str = ""  # what the action acts on (a paper's id); the member is always the one who pressed it
    style: str | None = None  # "primary" | "danger" | None
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Item:
    """One paper on the page: its title (linked) and, maybe, a button next to it."""

    title: str
    url: str | None = None
    detail: str = ""
    button: Button | None = None


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()
    items_title: str = ""  # a heading over the items ("Recently liked"), when they need one
    items: tuple[Item, ...] = ()
    more: str = ""  # "…and 3 more": what the list leaves out
    actions: tuple[Button, ...] = ()


@dataclass(frozen=True)
class HomeView:
    title: str
    sections: tuple[Section, ...]
    notice: str = ""  # what the last button did ("Your personal digest is off.")


@dataclass(frozen=True)
class SavedPaper:
    arxiv_id: str
    paper: Paper


class HomeUseCases:
    def __init__(self, store: Store, personal: PersonalDigestUseCases, taste: TasteUseCases | None, *,
                 emoji: EmojiTable = DEFAULT_EMOJI, clock: Clock = utc_now, saved: SavedUseCases | None = None) -> None:
        self._store = store
        self._saved_papers = saved or SavedUseCases(store, clock=clock)
        self._personal = personal
        self._taste = taste
        self._emoji = emoji
        self._clock = clock

    # reading -----------------------------------------------------------------------------------

    async def saved_papers(self, requester: Requester, limit: int = MAX_SAVED) -> list[SavedPaper]:
        """The member's saved papers (their 🔖 in this workspace), most recently saved first, each once."""
        return _listed(await self._saved_papers.saved(requester, limit=limit))

    async def view(self, requester: Requester, notice: str = "") -> HomeView:
        """The member's page, as the core words it."""
        ch = requester.channel
        reactions = await self._store.reactions_by_member(ch.platform, ch.workspace, requester.user_id)
        saved = await self._saved_papers.saved(requester, limit=MAX_SAVED)
        dm = await self._personal.dm(requester)
        sections = (await self._taste_section(requester, reactions, saved.total), _saved_section(saved),
                    _dm_section(dm), self._forget_section())
        return HomeView(TITLE, sections, notice)

    async def _taste_section(self, requester: Requester, reactions: Sequence[Reaction], saved: int) -> Section:
        rated = [(r, self._emoji.weight(r.emoji)) for r in reactions if not _is(r, SAVE_EMOJI) and not _is(r, LINK_EMOJI)]
        liked = list(dict.fromkeys(r.arxiv_id for r, w in reversed(rated) if w > 0))
        disliked = {r.arxiv_id for r, w in rated if w < 0}
        papers = await self._store.get_papers(liked)
        ch = requester.channel
        explicit = await self._store.signals(member_scope(ch.platform, ch.workspace, requester.user_id))
        lines = [f"👍 {len(liked)} liked · 👎 {len(disliked)} not for you · {SAVE_EMOJI} {saved} saved"]
        topics = _topics([papers[a] for a in liked if a in papers])
        if topics:
            lines.append(f"Topics in what you liked: {', '.join(topics)}")
        chosen = [s.value for s in explicit if s.kind == TOPIC]
        if chosen:
            lines.append(f"Topics you chose: {', '.join(shorten(clean_text(t), MAX_TOPIC) for t in chosen[:MAX_TOPICS])}")
        authors = [s.value for s in explicit if s.kind == AUTHOR]
        if authors:
            lines.append(f"Following: {', '.join(shorten(clean_text(a), MAX_TOPIC) for a in authors[:MAX_TOPICS])}")
        if not liked and not disliked and not explicit:
            lines.append("Nothing learned yet: react 👍 or 👎 to the papers the bot posts, "
                         "or /papers like <arXiv id> in a channel.")
        if self._taste is None:
            lines.append("Personal ranking is off on this bot, so this does not change your digests yet.")
        items = tuple(_item(papers[a]) for a in liked[:MAX_LIKED] if a in papers)
        return Section("What the bot learned from you", tuple(lines), "Recently liked" if items else "", items)

    def _forget_section(self) -> Section:
        if self._taste is None:
            return Section("Forget me", ("Personal ranking is off on this bot: it keeps nothing to forget but "
                                         "your reactions' counts.",))
        confirm = Confirm("Forget everything?", "This erases everything you taught the bot in this workspace: "
                          "reactions, saved papers, thread replies, seed papers, topics, follows and your DM "
                          "digest's ranking settings. It cannot be undone.", "Erase it")
        return Section("Forget me", ("Erase what the bot learned from you in this workspace.",),
                       actions=(Button(HomeAction.FORGET, "Forget me", style="danger", confirm=confirm),))

    # acting ------------------------------------------------------------------------------------

    async def act(self, requester: Requester, action: HomeAction | str, value: str = "",
                  timezone: str | None = None) -> str:
        """Do what a button asks, for the member who pressed it; returns what happened, in words
        (shown on the republished page). ``timezone``: the member's own, if the surface knows it (the
        DM digest is switched on at 09:00 there, else UTC). UsageError for a value that is not ours."""
        try:
            action = HomeAction(action)
        except ValueError:
            raise UsageError("that button is not one of paperbot's; reopen the page and try again.") from None
        if action is HomeAction.DM_ON:  # a paused digest resumes at its own time; a new one starts at 09:00
            current = await self._personal.dm(requester)
            at, zone = (current.post_time, current.timezone) if current else (DM_ON_TIME, _zone(timezone))
            sub, _ = await self._personal.dm_on(requester, at, zone)
            return "On. " + describe_dm(sub)
        if action is HomeAction.DM_OFF:
            removed = await self._personal.dm_off(requester)
            return "Your personal digest is off." if removed else "You had no personal digest."
        if action is HomeAction.FORGET:
            if self._taste is None:
                return "Personal ranking is off on this bot: there is nothing to forget."
            erased = await self._taste.forget_member(requester)
            return f"Done: erased everything you taught the bot in this workspace ({counted(erased, 'stored item')})."
        return await self.unsave(requester, value)

    async def unsave(self, requester: Requester, paper: str) -> str:
        """Remove the member's 🔖 from every post of ``paper`` in this workspace, in one unit of work."""
        parsed = try_parse_arxiv_id(paper[:100])
        if parsed is None:
            raise UsageError("that is not a saved paper's id; reopen the page and try again.")
        arxiv_id, ch, removed = parsed.id, requester.channel, 0
        async with self._store.transaction() as tx:
            for r in await tx.reactions_by_member(ch.platform, ch.workspace, requester.user_id):
                if r.arxiv_id == arxiv_id and _is(r, SAVE_EMOJI):
                    removed += await tx.remove_reaction(r.channel, r.message_id, requester.user_id, r.emoji)
        return f"Unsaved {arxiv_id}." if removed else f"{arxiv_id} was not saved."


def _is(reaction: Reaction, emoji: str) -> bool:
    return normalise_emoji(reaction.emoji) == normalise_emoji(emoji)


def _zone(timezone: str | None) -> str:
    if not timezone:
        return "UTC"
    try:
        return parse_timezone(timezone)
    except UsageError:
        return "UTC"


def _topics(papers: Sequence[Paper]) -> list[str]:
    """The categories and keywords most common among liked papers (most recent liked first on ties)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for n, paper in enumerate(papers):
        for word in dict.fromkeys(clean_text(w) for w in (*paper.categories, *paper.ai_keywords)):
            if word:
                counts[word.lower()] += 1
                first.setdefault(word.lower(), n)
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w]))
    return [shorten(w, MAX_TOPIC) for w in ranked[:MAX_TOPICS]]


def _item(paper: Paper, button: Button | None = None) -> Item:
    return Item(shorten(clean_text(paper.title), MAX_TITLE) or paper.arxiv_id, paper.abs_url, paper.arxiv_id, button)


def _listed(saved: SavedPapers) -> list[SavedPaper]:
    return [SavedPaper(paper.arxiv_id, paper) for paper, _ in saved.papers]


def _saved_section(saved: SavedPapers) -> Section:
    if not saved.total:
        return Section("Saved papers", (f"Nothing saved yet: react {SAVE_EMOJI} to a paper the bot posts to keep it here.",))
    items = tuple(_item(s.paper, Button(HomeAction.UNSAVE, "Unsave", value=s.arxiv_id)) for s in _listed(saved)[:MAX_SAVED])
    left = saved.total - len(items)
    return Section("Saved papers", items=tuple(items), more=f"…and {left} more." if left > 0 else "")


def _dm_section(dm: DmSubscription | None) -> Section:
    change = "Change its time, days or size: /papers dm on HH:MM Area/City [days] [count]"
    if dm is None:
        return Section("Your DM digest", ("Off: no personal digest by direct message.", change),
                       actions=(Button(HomeAction.DM_ON, f"Turn on ({DM_ON_TIME:%H:%M}, Mon–Fri)", style="primary"),))
    off = Button(HomeAction.DM_OFF, "Turn off")
    actions = (Button(HomeAction.DM_ON, "Resume", style="primary"), off) if dm.paused else (off,)
    return Section("Your DM digest", (describe_dm(dm).replace("Run /papers dm on again", "Resume it here or run "
                                                              "/papers dm on again"), change), actions=actions)
