"""Taste commands: like, follow, settings, prefs, forget, similar, search.

Seeds (`like`, `follow`) teach both the channel's profile and the member's own profile.
`settings` changes and `forget channel` need channel managers (declared with
``manages_channel``; the use cases also check ``Requester.can_manage_channel``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId
from bot.commands.params import Author, Authors, Choice, Clearable, Count, Flag, Items, Number, Paper, Param, Text
from bot.commands.spec import command
from bot.discussion.threads import LinkMode, ThreadMode
from bot.domain import Digest, RankedPaper, Requester
from bot.errors import PermissionDeniedError, UsageError
from bot.plural import counted
from bot.replies import DigestReply, TextReply
from bot.taste.ranking import TasteSettings
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.papers import PaperLookup
from bot.usecases.taste import TasteUseCases, answering_now

MODE_WORDS = {
    ThreadMode.ALWAYS: "a thread is opened under every posted paper",
    ThreadMode.FIRST_REPLY: "a thread is opened when someone first replies under a posted paper",
    ThreadMode.NEVER: "no threads are opened",
}


def require(taste: TasteUseCases | None) -> TasteUseCases:
    if taste is None:
        raise UsageError("personalization is off ([embedding] enabled = false in the configuration).")
    return taste


def paper_param(help_text: str = "an arXiv id or URL, e.g. 2511.01234") -> Param:
    return Param("paper", Paper(), help_text, required=True,
                 missing=f"give exactly one paper (an arXiv id or URL). Accepted: {ACCEPTED_FORMS}.")


# The ranking settings a channel (`/papers settings`) or a member's DM digest (`/papers dm settings`) takes.
RANKING_SETTINGS = (
    Param("trending", Number(0, 1, "0.3"), "weight of trending against your taste, 0–1", positional=False),
    Param("include", Items("kw, kw"), "keywords a paper must mention", positional=False, keys=("include_keywords",),
          field="include_keywords"),
    Param("exclude", Items("kw"), "keywords that leave a paper out", positional=False, keys=("exclude_keywords",),
          field="exclude_keywords"),
    Param("include_authors", Authors(), "authors whose papers are always kept", positional=False),
    Param("exclude_authors", Authors(), "authors whose papers are left out", positional=False),
    Param("threshold", Clearable(Number(0, 1, "0.2")), "post only papers this relevant (off: no threshold)",
          positional=False),
    Param("cap", Clearable(Count(placeholder="3")), "at most this many papers a day (off: no cap)", positional=False),
)
THREADS = Param("threads", Choice([m.value for m in ThreadMode]), "when posted papers get a discussion thread",
                positional=False)
LINKS = Param("links", Choice([m.value for m in LinkMode]), "a pasted paper link: thread opens its discussion, quiet only counts it",
              positional=False)
LINK_WORDS = {
    LinkMode.THREAD: "a pasted paper link opens the paper's discussion thread",
    LinkMode.QUIET: "a pasted paper link counts as interest, nothing is posted",
}


def setting_changes(values: dict[str, Any], params: tuple[Param, ...]) -> tuple[tuple[str, Any], ...]:
    """(setting field, value) in the order given: what `/papers settings` changes."""
    fields = {p.name: p.attribute for p in params}
    modes: dict[str, type[ThreadMode] | type[LinkMode]] = {"threads": ThreadMode, "links": LinkMode}
    return tuple((fields[name], modes[name](value) if name in modes else value) for name, value in values.items())


def describe_settings(s: TasteSettings) -> str:
    parts = [f"trending weight {s.trending:.2f}"]
    for label, value in (("include", s.include_keywords), ("exclude", s.exclude_keywords),
                         ("include authors", s.include_authors), ("exclude authors", s.exclude_authors)):
        if value:
            parts.append(f"{label}: {', '.join(value)}")
    if s.threshold is not None:
        parts.append(f"relevance threshold {s.threshold:g}")
    if s.cap is not None:
        parts.append(f"at most {counted(s.cap, 'paper')} a day")
    return "; ".join(parts)


@command("like", "a seed paper: more like this, here and for you", order=60, params=(paper_param(),))
@dataclass(frozen=True)
class LikeCommand:
    paper: ArxivId

    async def execute(self, requester: Requester, taste: TasteUseCases | None, papers: PaperLookup) -> TextReply:
        paper = await papers.get(self.paper)
        with answering_now():
            await require(taste).like(requester, paper)
        return TextReply(f"Noted: more papers like \"{paper.title}\" ({paper.arxiv_id}).", ephemeral=True)


@command("follow", "rank this author's papers up", order=70, params=(
    Param("author", Author(),
          "the author's name, e.g. Ada Lovelace", required=True, missing='name the author: /papers follow author:"Name"'),
))
@dataclass(frozen=True)
class FollowCommand:
    author: str

    async def execute(self, requester: Requester, taste: TasteUseCases | None) -> TextReply:
        await require(taste).follow(requester, self.author)
        return TextReply(f"Following {self.author}: their papers rank higher here and in your own digest.", ephemeral=True)


@command("settings", "this channel's ranking and discussion threads (managers)", order=80,
         manages_channel=lambda c: bool(c.changes), params=(*RANKING_SETTINGS, THREADS, LINKS),
         build=lambda values: SettingsCommand(setting_changes(values, (*RANKING_SETTINGS, THREADS, LINKS))))
@dataclass(frozen=True)
class SettingsCommand:
    changes: tuple[tuple[str, Any], ...] = ()

    async def execute(self, requester: Requester, taste: TasteUseCases | None,
                      discussions: DiscussionUseCases) -> TextReply:
        changes = dict(self.changes)
        mode = changes.pop("threads", None)
        links = changes.pop("links", None)
        if self.changes and not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can change its settings.")
        parts = []
        if changes or taste is not None:  # threads alone works without personalization
            cases = require(taste)
            settings = await (cases.update_settings(requester.channel, **changes) if changes
                              else cases.settings(requester.channel))
            parts.append(describe_settings(settings))
        if mode is not None:
            await discussions.set_thread_mode(requester.channel, mode)
        if links is not None:
            await discussions.set_link_mode(requester.channel, links)
        current = await discussions.thread_mode(requester.channel)
        parts.append(f"threads: {current.value} ({MODE_WORDS[current]})")
        link_mode = await discussions.link_mode(requester.channel)
        parts.append(f"links: {link_mode.value} ({LINK_WORDS[link_mode]})")
        return TextReply(f"{'Updated. ' if self.changes else ''}Settings here: {'; '.join(parts)}.")


@command("prefs", "what the bot has learned for this channel and for you", order=90)
@dataclass(frozen=True)
class PrefsCommand:
    async def execute(self, requester: Requester, taste: TasteUseCases | None) -> TextReply:
        cases = require(taste)
        lines = []
        for label, prefs in (("This channel", await cases.prefs(requester.channel, None)),
                             ("You", await cases.prefs(None, requester))):
            line = f"{label}: {prefs.likes} 👍, {prefs.dislikes} 👎"
            if prefs.topics:
                line += f"; topics: {', '.join(prefs.topics)}"
            if prefs.authors:
                line += f"; following: {', '.join(prefs.authors)}"
            if prefs.seeds:
                line += f"; seed papers: {', '.join(prefs.seeds)}"
            if prefs.top_liked:
                line += "; recently liked: " + "; ".join(f'"{t}"' for t in prefs.top_liked)
            lines.append(line + ".")
        lines.append(f"Settings: {describe_settings(await cases.settings(requester.channel))}.")
        return TextReply("\n".join(lines), ephemeral=True)


@command("forget", "erase your learned data (or the channel's: managers)", order=100,
         manages_channel=lambda c: c.target == "channel", params=(
             Param("target", Choice(["me", "channel"]), "whose data: yours (me) or this channel's"),
             Param("confirm", Flag(["confirm", "yes"]), "really erase it", field="confirmed"),
         ))
@dataclass(frozen=True)
class ForgetCommand:
    target: str = "me"  # "me" | "channel"
    confirmed: bool = False

    async def execute(self, requester: Requester, taste: TasteUseCases | None) -> TextReply:
        cases = require(taste)
        if self.target == "channel" and not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can erase what it taught the bot.")
        what = "everything you taught the bot in this workspace" if self.target == "me" else "everything this channel taught the bot"
        if not self.confirmed:
            return TextReply(f"This erases {what} (reactions, thread replies, seed papers, topics, follows"
                             f"{', settings' if self.target == 'channel' else ''}). "
                             f"To go ahead: /papers forget {self.target} confirm", ephemeral=True)
        removed = await (cases.forget_member(requester) if self.target == "me" else cases.forget_channel(requester.channel))
        return TextReply(f"Done: erased {what} ({counted(removed, 'stored item')}).", ephemeral=True)


def _digest(title: str, items: list[RankedPaper]) -> DigestReply:
    return DigestReply(Digest(title=f"{title} ({len(items)})", items=tuple(items),
                              note=None if items else "Nothing found: embed the stored papers first (`paperbot embed`)."))


@command("similar", "stored papers most like this one", order=110, concerns_thread=True, params=(
    paper_param(), Param("count", Count(), "how many papers (1–25)"),
))
@dataclass(frozen=True)
class SimilarCommand:
    paper: ArxivId
    count: int = 5

    async def execute(self, requester: Requester, taste: TasteUseCases | None, papers: PaperLookup) -> DigestReply:
        paper = await papers.get(self.paper)
        with answering_now():
            return _digest(f"Papers similar to {paper.arxiv_id}", await require(taste).similar(paper, self.count))


@command("search", "semantic search over stored papers", order=120, concerns_thread=True, params=(
    Param("query", Text("query…", max_length=300, accepts="what to look for, at most 300 characters"),
          "what to look for, e.g. video generation", required=True,
          missing="what should I search for? /papers search <query…> [count:N]"),
    Param("count", Count(), "how many papers (1–25)", positional=False),
))
@dataclass(frozen=True)
class SearchCommand:
    query: str
    count: int = 5

    async def execute(self, requester: Requester, taste: TasteUseCases | None) -> DigestReply:
        with answering_now():
            return _digest(f"Search: {self.query}", await require(taste).search(self.query, self.count))
