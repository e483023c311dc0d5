"""Taste commands: like, follow, settings, prefs, forget, similar, search.

Seeds (`like`, `follow`) teach both the channel's profile and the member's own profile.
`settings` and `forget channel` need channel managers (``CommandSpec.manages_channel``; the use
case also checks ``Requester.can_manage_channel``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId, parse_arxiv_id
from bot.commands.args import is_count, parse_count
from bot.commands.base import CommandSpec, register
from bot.commands.discussion import describe_thread_mode, parse_thread_mode, set_thread_mode
from bot.domain import Digest
from bot.errors import PermissionDeniedError, UsageError
from bot.replies import DigestReply, TextReply
from bot.taste.model import AUTHOR, LIKE, TOPIC, member_scope

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester
    from bot.usecases.taste import TasteUseCases

LIKE_USAGE = "/papers like <arXiv id or URL> — a seed paper: more like this, here and for you"
FOLLOW_USAGE = '/papers follow author:"Name" — rank this author\'s papers up'
SETTINGS_USAGE = ('/papers settings [trending:0.3] [include:"kw, kw"] [exclude:"kw"] [include_authors:"Name"] '
                  '[exclude_authors:"Name"] [threshold:0.2] [cap:3] [threads:always|first_reply|never] '
                  '— this channel\'s ranking and discussion threads (managers)')
PREFS_USAGE = "/papers prefs — what the bot has learned for this channel and for you"
FORGET_USAGE = "/papers forget me|channel [confirm] — erase your learned data (or the channel's: managers)"
SIMILAR_USAGE = "/papers similar <arXiv id or URL> [count] — stored papers most like this one"
SEARCH_USAGE = "/papers search <query…> [count:N] — semantic search over stored papers"


def _taste(bot: PaperBot) -> TasteUseCases:
    if bot.taste is None:
        raise UsageError("personalization is off (embedding.enabled = false in the configuration).")
    return bot.taste


def _scope(requester: Requester) -> str:
    ch = requester.channel
    return member_scope(ch.platform, ch.workspace, requester.user_id)


def _key_value(arg: str) -> tuple[str, str]:
    match = re.match(r"^([a-z_]+)[:=](.*)$", arg, re.IGNORECASE | re.DOTALL)
    return (match.group(1).lower(), match.group(2).strip()) if match else ("", arg)


def _items(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


@dataclass(frozen=True)
class LikeCommand:
    paper: ArxivId

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        taste = _taste(bot)
        paper = await bot.papers.get(self.paper)
        await taste.vectors([paper])
        await taste.add_signal(requester.channel.key, LIKE, paper.arxiv_id, requester.user_id)
        await taste.add_signal(_scope(requester), LIKE, paper.arxiv_id, requester.user_id)
        return TextReply(f"Noted: more papers like \"{paper.title}\" ({paper.arxiv_id}).", ephemeral=True)


@dataclass(frozen=True)
class FollowCommand:
    author: str

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        taste = _taste(bot)
        await taste.add_signal(requester.channel.key, AUTHOR, self.author, requester.user_id)
        await taste.add_signal(_scope(requester), AUTHOR, self.author, requester.user_id)
        return TextReply(f"Following {self.author}: their papers rank higher here and in your own digest.", ephemeral=True)


SETTING_KEYS = {
    "trending": "trending", "include": "include_keywords", "exclude": "exclude_keywords",
    "include_keywords": "include_keywords", "exclude_keywords": "exclude_keywords",
    "include_authors": "include_authors", "exclude_authors": "exclude_authors", "threshold": "threshold", "cap": "cap",
    "threads": "threads",  # bot.commands.discussion: not a ranking setting, stored on its own
}


def describe_settings(s: Any) -> str:
    parts = [f"trending weight {s.trending:.2f}"]
    for label, value in (("include", s.include_keywords), ("exclude", s.exclude_keywords),
                         ("include authors", s.include_authors), ("exclude authors", s.exclude_authors)):
        if value:
            parts.append(f"{label}: {', '.join(value)}")
    if s.threshold is not None:
        parts.append(f"relevance threshold {s.threshold:g}")
    if s.cap is not None:
        parts.append(f"at most {s.cap} papers a day")
    return "; ".join(parts)


@dataclass(frozen=True)
class SettingsCommand:
    changes: tuple[tuple[str, Any], ...] = ()

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        changes = dict(self.changes)
        mode = changes.pop("threads", None)
        if self.changes and not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can change its settings.")
        parts = []
        if changes or bot.taste is not None:  # threads alone works without personalization
            taste = _taste(bot)
            settings = await (taste.update_settings(requester.channel, **changes) if changes else taste.settings(requester.channel))
            parts.append(describe_settings(settings))
        parts.append(await (set_thread_mode(bot, requester, mode) if mode is not None else describe_thread_mode(bot, requester.channel)))
        return TextReply(f"{'Updated. ' if self.changes else ''}Settings here: {'; '.join(parts)}.")


def _fraction(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{name} must be a number between 0 and 1, not '{value}'") from None
    if not 0 <= number <= 1:
        raise UsageError(f"{name} must be between 0 and 1, not {value}")
    return number


def parse_settings(args: list[str]) -> SettingsCommand:
    changes: list[tuple[str, Any]] = []
    for arg in args:
        key, value = _key_value(arg)
        field = SETTING_KEYS.get(key)
        if field is None:
            raise UsageError(f"'{arg}' is not accepted here: {SETTINGS_USAGE}")
        if field == "trending":
            changes.append((field, _fraction("trending", value)))
        elif field == "threshold":
            changes.append((field, None if value in ("", "none", "off") else _fraction("threshold", value)))
        elif field == "cap":
            changes.append((field, None if value in ("", "none", "off") else parse_count(value, name="cap")))
        elif field == "threads":
            changes.append((field, parse_thread_mode(value)))
        else:
            changes.append((field, _items(value)))
    return SettingsCommand(tuple(changes))


@dataclass(frozen=True)
class PrefsCommand:
    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        taste = _taste(bot)
        lines = []
        for label, prefs in (("This channel", await taste.prefs(requester.channel, None)),
                             ("You", await taste.prefs(None, requester))):
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
        lines.append(f"Settings: {describe_settings(await taste.settings(requester.channel))}.")
        return TextReply("\n".join(lines), ephemeral=True)


@dataclass(frozen=True)
class ForgetCommand:
    target: str  # "me" | "channel"
    confirmed: bool = False

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        taste = _taste(bot)
        if self.target == "channel" and not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can erase what it taught the bot.")
        what = "everything you taught the bot in this workspace" if self.target == "me" else "everything this channel taught the bot"
        if not self.confirmed:
            return TextReply(f"This erases {what} (reactions, thread replies, seed papers, topics, follows"
                             f"{', settings' if self.target == 'channel' else ''}). "
                             f"To go ahead: /papers forget {self.target} confirm", ephemeral=True)
        removed = await (taste.forget_member(requester) if self.target == "me" else taste.forget_channel(requester.channel))
        return TextReply(f"Done: erased {what} ({removed} stored item{'s' if removed != 1 else ''}).", ephemeral=True)


def parse_forget(args: list[str]) -> ForgetCommand:
    words = [a.lower() for a in args]
    target = next((w for w in words if w in ("me", "channel")), "me")
    rest = [w for w in words if w not in ("me", "channel")]
    if any(w not in ("confirm", "yes") for w in rest):
        raise UsageError(f"not accepted here: {FORGET_USAGE}")
    return ForgetCommand(target, confirmed=bool(rest))


def _digest(title: str, items: list) -> DigestReply:
    return DigestReply(Digest(title=f"{title} ({len(items)})", items=tuple(items),
                              note=None if items else "Nothing found: embed the stored papers first (`paperbot embed`)."))


@dataclass(frozen=True)
class SimilarCommand:
    paper: ArxivId
    count: int = 5

    async def execute(self, bot: PaperBot, requester: Requester) -> DigestReply:
        paper = await bot.papers.get(self.paper)
        return _digest(f"Papers similar to {paper.arxiv_id}", await _taste(bot).similar(paper, self.count))


@dataclass(frozen=True)
class SearchCommand:
    query: str
    count: int = 5

    async def execute(self, bot: PaperBot, requester: Requester) -> DigestReply:
        return _digest(f"Search: {self.query}", await _taste(bot).search(self.query, self.count))


def parse_like(args: list[str]) -> LikeCommand:
    if len(args) != 1:
        raise UsageError(f"give exactly one paper: {LIKE_USAGE}. Accepted: {ACCEPTED_FORMS}.")
    return LikeCommand(parse_arxiv_id(args[0]))


def parse_follow(args: list[str]) -> FollowCommand:
    key, value = _key_value(" ".join(args))
    if key not in ("author", "") or not value.strip():
        raise UsageError(f"name the author: {FOLLOW_USAGE}")
    return FollowCommand(" ".join(value.split()))


def parse_similar(args: list[str]) -> SimilarCommand:
    count = 5
    ids = []
    for arg in args:
        if is_count(arg):
            count = parse_count(arg)
        else:
            ids.append(arg)
    if len(ids) != 1:
        raise UsageError(f"give exactly one paper: {SIMILAR_USAGE}")
    return SimilarCommand(parse_arxiv_id(ids[0]), count)


def parse_search(args: list[str]) -> SearchCommand:
    count = 5
    words = []
    for arg in args:
        key, value = _key_value(arg)
        if key == "count":
            count = parse_count(value)
        else:
            words.append(arg)
    query = " ".join(" ".join(words).split())
    if not query:
        raise UsageError(f"what should I search for? {SEARCH_USAGE}")
    return SearchCommand(query, count)


def _no_args(command: Any, usage: str):
    def parse(args: list[str]) -> Any:
        if args:
            raise UsageError(f"takes no arguments: {usage}")
        return command()
    return parse


register(CommandSpec("like", LIKE_USAGE, parse_like))
register(CommandSpec("follow", FOLLOW_USAGE, parse_follow))
register(CommandSpec("settings", SETTINGS_USAGE, parse_settings, manages_channel=True))
register(CommandSpec("prefs", PREFS_USAGE, _no_args(PrefsCommand, PREFS_USAGE)))
register(CommandSpec("forget", FORGET_USAGE, parse_forget))
register(CommandSpec("similar", SIMILAR_USAGE, parse_similar))
register(CommandSpec("search", SEARCH_USAGE, parse_search))


async def save_topics(bot: PaperBot, requester: Requester, topics: tuple[str, ...]) -> None:
    """Topic phrases given at subscribe time: positive signals of the channel's profile."""
    if bot.taste is None:
        return
    for topic in topics:
        await bot.taste.add_signal(requester.channel.key, TOPIC, topic, requester.user_id)
