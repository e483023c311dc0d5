"""The kinds of kept event, each a core-level event as JSON and the one core handler that applies it.

An adapter builds the platform-neutral event the core's use case takes and hands it over as
``kept_reaction(event, what)`` (and so on); :func:`kept_handlers` maps each kind to the core call
that applies it, in a later try or after a restart. Every handler is safe to run again on an event
that was applied already, because the spool may replay one whose "done" mark a crash lost:
reactions by the store's unique (message, paper, member, emoji) row (a removal is idempotent),
thread messages and Slack events by their event id, Discord's detected links by theirs, clicks by
the interaction id. A payload that does not decode (an edited spool) is refused as a UsageError:
retrying it cannot help.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.arxiv_ids import ArxivId
from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef, ReactionEvent
from bot.errors import UsageError
from bot.kept import KeptEvent
from bot.ports import ChatTransport
from bot.usecases.feedback import Click, Control
from bot.usecases.links import PastedLinks

REACTION, THREAD_MESSAGE, LINKS, CLICK = "reaction", "thread_message", "links", "click"

Handler = Callable[[Mapping[str, Any], ChatTransport | None], Awaitable[object]]


class EventsCore(Protocol):
    """The core calls the kinds apply (``bot.app.PaperBot``'s)."""

    async def on_reaction(self, event: ReactionEvent) -> object: ...

    async def on_click(self, click: Click) -> object: ...

    async def on_links(self, pasted: PastedLinks, transport: ChatTransport) -> object: ...

    async def on_thread_message(self, message: ThreadMessage, transport: ChatTransport) -> object: ...

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None: ...


class NotServedError(Exception):
    """The event's platform has no transport in this process yet (it is still connecting): try later."""


# encoding ---------------------------------------------------------------------------------------

def _channel(channel: ChannelRef) -> dict[str, str]:
    return {"platform": channel.platform, "workspace": channel.workspace, "channel": channel.channel}


def _belongs_to(channel: ChannelRef | None) -> dict[str, str] | None:
    return _channel(channel) if channel is not None else None


def _at(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def kept_reaction(event: ReactionEvent, what: str, *, find_workspace: bool = False) -> KeptEvent:
    """``find_workspace``: the event names no workspace (a Discord DM); the stored post says which, and
    ``event.channel.workspace`` is what counts when none does. Only the latest add or remove of one
    reaction counts."""
    c = event.channel
    return KeptEvent(REACTION, c.platform, {
        "channel": _channel(c), "message_id": event.message_id, "user_id": event.user_id, "emoji": event.emoji,
        "added": event.added, "at": _at(event.at), "event_id": event.event_id, "find_workspace": find_workspace,
        "belongs_to": _belongs_to(event.belongs_to),
    }, what, latest=f"reaction {c.key}/{event.message_id}/{event.user_id}/{event.emoji}")


def kept_thread_message(message: ThreadMessage, what: str) -> KeptEvent:
    return KeptEvent(THREAD_MESSAGE, message.channel.platform, {
        "channel": _channel(message.channel), "thread_id": message.thread_id, "user_id": message.user_id,
        "text": message.text, "mentions_bot": message.mentions_bot, "event_id": message.event_id,
        "root_message_id": message.root_message_id, "message_id": message.message_id, "in_thread": message.in_thread,
    }, what)


def kept_links(pasted: PastedLinks, what: str) -> KeptEvent:
    return KeptEvent(LINKS, pasted.channel.platform, {
        "channel": _channel(pasted.channel), "message_id": pasted.message_id, "user_id": pasted.user_id,
        "papers": [[p.id, p.version] for p in pasted.papers], "explicit": pasted.explicit,
        "event_id": pasted.event_id, "at": _at(pasted.at), "in_thread": pasted.in_thread,
        "belongs_to": _belongs_to(pasted.belongs_to),
    }, what)


def kept_click(click: Click, what: str) -> KeptEvent:
    return KeptEvent(CLICK, click.channel.platform, {
        "channel": _channel(click.channel), "message_id": click.message_id, "user_id": click.user_id,
        "control": click.control.value, "click_id": click.click_id, "arxiv_id": click.arxiv_id, "at": _at(click.at),
        "belongs_to": _belongs_to(click.belongs_to),
    }, what)


# decoding ---------------------------------------------------------------------------------------

def _str(p: Mapping[str, Any], key: str) -> str:
    value = p[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def _opt(p: Mapping[str, Any], key: str) -> str | None:
    value = p.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


def _bool(p: Mapping[str, Any], key: str) -> bool:
    value = p[key]
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not a boolean")
    return value


def _channel_of(p: Mapping[str, Any]) -> ChannelRef:
    c = p["channel"]
    return ChannelRef(_str(c, "platform"), _str(c, "workspace"), _str(c, "channel"))


def _belongs_to_of(p: Mapping[str, Any]) -> ChannelRef | None:
    """The channel a place belongs to; None also for events kept before it was written down."""
    return _channel_of({"channel": p["belongs_to"]}) if p.get("belongs_to") is not None else None


def _at_of(p: Mapping[str, Any]) -> datetime | None:
    text = _opt(p, "at")
    return datetime.fromisoformat(text) if text else None


def reaction_of(p: Mapping[str, Any]) -> tuple[ReactionEvent, bool]:
    """The reaction and whether its workspace is to be found from the stored post."""
    event = ReactionEvent(_channel_of(p), _str(p, "message_id"), _str(p, "user_id"), _str(p, "emoji"),
                          _bool(p, "added"), at=_at_of(p), event_id=_opt(p, "event_id"), belongs_to=_belongs_to_of(p))
    return event, _bool(p, "find_workspace")


def thread_message_of(p: Mapping[str, Any]) -> ThreadMessage:
    return ThreadMessage(_channel_of(p), _str(p, "thread_id"), _str(p, "user_id"), _str(p, "text"),
                         _bool(p, "mentions_bot"), event_id=_opt(p, "event_id"),
                         root_message_id=_opt(p, "root_message_id"), message_id=_opt(p, "message_id"),
                         in_thread=_bool(p, "in_thread"))


def links_of(p: Mapping[str, Any]) -> PastedLinks:
    papers = tuple(ArxivId(str(i), int(v) if v is not None else None) for i, v in p["papers"])
    return PastedLinks(_channel_of(p), _str(p, "message_id"), _str(p, "user_id"), papers, explicit=_bool(p, "explicit"),
                       event_id=_opt(p, "event_id"), at=_at_of(p), in_thread=_bool(p, "in_thread"),
                       belongs_to=_belongs_to_of(p))


def click_of(p: Mapping[str, Any]) -> Click:
    return Click(_channel_of(p), _str(p, "message_id"), _str(p, "user_id"), Control(_str(p, "control")),
                 click_id=_opt(p, "click_id"), arxiv_id=_opt(p, "arxiv_id"), at=_at_of(p), belongs_to=_belongs_to_of(p))


# applying ---------------------------------------------------------------------------------------

def _needs(transport: ChatTransport | None, platform: str) -> ChatTransport:
    if transport is None:
        raise NotServedError(f"{platform} is not connected yet")
    return transport


def kept_handlers(core: EventsCore) -> dict[str, Handler]:
    """Each kind's handler."""

    async def reaction(p: Mapping[str, Any], transport: ChatTransport | None) -> object:
        event, find = _decoded(reaction_of, p)
        if find:  # a DM names no guild: the stored post says which (a store failure is retried like the write)
            c = event.channel
            found = await core.workspace_of_message(c.platform, c.channel, event.message_id)
            event = replace(event, channel=replace(c, workspace=found)) if found else event
        return await core.on_reaction(event)

    async def thread_message(p: Mapping[str, Any], transport: ChatTransport | None) -> object:
        message = _decoded(thread_message_of, p)
        return await core.on_thread_message(message, _needs(transport, message.channel.platform))

    async def links(p: Mapping[str, Any], transport: ChatTransport | None) -> object:
        pasted = _decoded(links_of, p)
        return await core.on_links(pasted, _needs(transport, pasted.channel.platform))

    async def click(p: Mapping[str, Any], transport: ChatTransport | None) -> object:
        return await core.on_click(_decoded(click_of, p))

    return {REACTION: reaction, THREAD_MESSAGE: thread_message, LINKS: links, CLICK: click}


T = TypeVar("T")


def _decoded(decode: Callable[[Mapping[str, Any]], T], payload: Mapping[str, Any]) -> T:
    try:
        return decode(payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"the kept event does not decode ({type(exc).__name__}: {exc})") from None
