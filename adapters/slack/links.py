"""``link_shared`` → the core's pasted links → ``chat.unfurl``: arXiv and HF paper links get a card.

Slack sends ``link_shared`` for links to the app's ``unfurl_domains`` (slack/manifest.yml:
arxiv.org, huggingface.co), never for the app's own messages, and twice for one link: while it
is still in the message box (``source: composer``, no message yet: the card is shown, nothing is
recorded) and once it is posted (``source: conversations_history``: the core records the paper,
the member's message as its post and their 🔗 interest, and opens the thread ``links:thread``
asks for). Only the URLs :func:`bot.links.paper_ids` accepts get a card; any other link of those
domains (arXiv listings, HF models) is left to Slack's own preview.

The event is acknowledged only once the core stored it (:class:`adapters.slack.events.EventGate`):
a database failure leaves it unacknowledged, and Slack delivers it again; the core drops a retry
it applied, by the envelope's ``event_id``, and the card is simply given again (``chat.unfurl`` of
a message replaces its card). A card Slack refuses is logged, never retried.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import Block, paper_section
from adapters.slack.buttons import card_controls
from adapters.slack.errors import CALL_FAILURES, describe
from adapters.slack.events import EventGate, Keep, retry_number
from adapters.slack.limits import CONTEXT_TEXT, fit
from adapters.slack.mrkdwn import link, safe_url
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.domain import ChannelRef, Paper
from bot.errors import ChannelUnavailableError
from bot.links import MAX_LINKS, paper_ids, paper_link
from bot.replies import Discussion
from bot.usecases.kept_kinds import kept_links
from bot.usecases.links import LinkResult, PastedLinks

_log = logging.getLogger(__name__)

MAX_EVENT_LINKS = 20  # links of one event read (Slack sends one entry per link in the message)
CARD_BUDGET = 800  # characters of the card's section: compact (two authors, one summary sentence)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def event_urls(event: Mapping[str, Any]) -> list[str]:
    """The URLs of a ``link_shared`` event (bounded; anything that is not a URL string is skipped)."""
    links = event.get("links")
    if not isinstance(links, list):
        return []
    return [u for u in (_text(item.get("url")) for item in links[:MAX_EVENT_LINKS] if isinstance(item, dict)) if u]


def unfurl_blocks(paper: Paper, result: LinkResult, *, controls: bool = False) -> list[Block]:
    """The compact card: title (linked), two authors, a summary sentence, upvotes and stars, PDF and
    code links; then where its discussion is, when it has one; with ``controls`` (a posted message,
    recorded as the paper's post: not the composer's preview), the 👍 👎 🔖 Save / More like this buttons."""
    blocks: list[Block] = [paper_section(paper, budget=CARD_BUDGET)]
    discussion: Discussion | None = result.discussions.get(paper.arxiv_id)
    if discussion is not None:
        where = link(discussion.url, "in its thread") if safe_url(discussion.url) else "in its earlier thread here"
        note = f"Discussion continues {where}."
    elif result.thread:
        note = "Discussion in this message's thread."
    else:
        note = f"arXiv {paper.arxiv_id}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": fit(note, CONTEXT_TEXT)}]})
    if controls:
        blocks.append(card_controls(paper.arxiv_id))
    return blocks


def unfurls(urls: list[str], result: LinkResult, *, controls: bool = False) -> dict[str, dict[str, Any]]:
    """``chat.unfurl``'s map: each URL (as Slack sent it) of a paper the core found → its card."""
    found = {p.arxiv_id: p for p in result.papers}
    cards: dict[str, dict[str, Any]] = {}
    for url in urls:
        paper_id = paper_link(url)
        paper = found.get(paper_id.id) if paper_id is not None else None
        if paper is not None and url not in cards:
            cards[url] = {"blocks": unfurl_blocks(paper, result, controls=controls)}
    return cards


class LinkUnfurls:
    """The bolt listener for ``link_shared`` (run before bolt acknowledges it)."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform, client: AsyncWebClient,
                 gate: EventGate | None = None) -> None:
        self.bot = bot
        self.platform = platform
        self.client = client
        self.gate = gate or EventGate(bot)

    async def __call__(self, body: dict[str, Any], event: dict[str, Any], context: Any = None,
                       request: Any = None) -> BoltResponse | None:
        urls = event_urls(event)
        ids = paper_ids(urls)
        if not ids:
            return None
        bot_user_id = context.get("bot_user_id") if isinstance(context, dict) else None
        user, channel, ts = _text(event.get("user")), _text(event.get("channel")), _text(event.get("message_ts"))
        if not user or user == bot_user_id:
            return None
        composer = event.get("source") == "composer"
        unfurl_id = _text(event.get("unfurl_id"))
        if composer and not unfurl_id or not composer and not (channel and ts):
            return None
        team = _text(body.get("team_id")) or _text(event.get("team"))
        thread_ts = _text(event.get("thread_ts"))
        pasted = PastedLinks(ChannelRef("slack", team, channel), ts, user, ids[:MAX_LINKS],
                             event_id=_text(body.get("event_id")) or None, in_thread=bool(thread_ts and thread_ts != ts))
        key = pasted.event_id or f"{channel}/{ts or unfurl_id}/links"

        async def card(result: object) -> None:  # now, or when the core's retry applies it (not after a restart)
            if not isinstance(result, LinkResult):
                return
            cards = unfurls(urls, result, controls=not composer)
            if cards:
                try:
                    client = await self.platform.client_for(team) if team else self.client  # several workspaces
                    if composer:
                        await client.chat_unfurl(unfurl_id=unfurl_id, source="composer", unfurls=cards)
                    else:
                        await client.chat_unfurl(channel=channel, ts=ts, unfurls=cards)
                except CALL_FAILURES as exc:
                    _log.warning("Slack did not take the card of %s in %s: %s", ", ".join(cards), channel or "the composer",
                                 describe(exc))
                except ChannelUnavailableError as exc:  # not installed in that workspace (several workspaces)
                    _log.warning("no card for %s: %s", ", ".join(cards), exc)

        async def work() -> object:
            result = await (self.bot.links.preview(ids) if composer else self.bot.on_links(pasted, self.platform))
            await card(result)
            return result

        what = f"link event {key}"
        keep = None if composer else Keep(kept_links(pasted, what), self.platform, then=card)  # a preview stores nothing
        return await self.gate.handle(key, what, work, retry=retry_number(request), keep=keep)
