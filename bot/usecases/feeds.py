"""Open feeds: a channel's posts (and, opt-in, a member's ranking of them) outside chat, behind a token.

A token is ``secrets.token_urlsafe(32)``, shown once in the answer to `/papers feed`; only its
sha256 digest is stored, and a lookup compares digests with :func:`hmac.compare_digest`. Making a
new one (`/papers feed reset`) replaces the digest, so the old URL is refused at once. Whoever
holds a URL reads that feed and nothing else: a wrong token and a missing feed look the same.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, utc_now
from bot.domain import Paper, Post, Requester
from bot.errors import PermissionDeniedError, StoreUnavailableError
from bot.feeds import Feed, FeedItem, FeedLinks, FeedScope
from bot.ports import Store
from bot.replies import TextReply
from bot.text import clean_text
from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

FEED_PATH = "/feeds"
FEED_SIZE = 50  # posts a feed carries (newest publications first)
SUMMARY_CHARS = 1000
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def feed_links(base_url: str, token: str) -> FeedLinks:
    base = f"{base_url.rstrip('/')}{FEED_PATH}/{token}"
    return FeedLinks(json_url=f"{base}.json", atom_url=f"{base}.atom")


@dataclass(frozen=True)
class FeedRequest:
    """What one `/papers feed` asked: whose feed, and whether to make a new address."""

    mine: bool = False
    reset: bool = False


class FeedUseCases:
    def __init__(self, store: Store, *, base_url: str, taste: TasteUseCases | None = None, clock: Clock = utc_now,
                 size: int = FEED_SIZE) -> None:
        """``base_url``: where people reach the bot's HTTP port (``[monitoring] public_url``)."""
        self._store = store
        self._base_url = base_url
        self._taste = taste
        self._clock = clock
        self._size = size

    # chat -------------------------------------------------------------------------------------

    async def links(self, requester: Requester, request: FeedRequest) -> TextReply:
        """Make the feed (or a new address for it) and show its URLs to the one who asked; an existing
        feed's address cannot be shown again (only its digest is kept), so the answer says how to renew it."""
        scope = FeedScope(requester.channel, requester.user_id if request.mine else None)
        whose = "Your feed (this channel's papers, ranked for you)" if request.mine else "This channel's feed"
        if not request.mine and not requester.can_manage_channel:
            raise PermissionDeniedError("Only a channel manager can make or reset this channel's feed; "
                                        "/papers feed mine makes your own.")
        existed = await self._store.has_feed_token(scope)
        again = "/papers feed mine reset" if request.mine else "/papers feed reset"
        if existed and not request.reset:
            return TextReply(f"{whose} already exists. Its address was shown once, when it was made, and is not kept "
                             f"(only a fingerprint of it is). {again} makes a new address; the old one stops working "
                             "at once.", ephemeral=True)
        token = secrets.token_urlsafe(32)
        await self._store.save_feed_token(scope, token_hash(token), self._clock())
        links = feed_links(self._base_url, token)
        made = "has a new address (the old one no longer works)" if existed else "is ready"
        return TextReply(f"{whose} {made}. Keep these addresses private: whoever has one can read the feed.\n"
                         f"JSON Feed: {links.json_url}\nAtom: {links.atom_url}\n"
                         f"They are shown only now (served while paperbot runs); a new address: {again}", ephemeral=True)

    # HTTP -------------------------------------------------------------------------------------

    async def scope_of(self, token: str) -> FeedScope | None:
        """The feed ``token`` opens; None for a malformed, unknown or replaced token (all alike)."""
        if not _TOKEN.fullmatch(token):
            return None
        digest = token_hash(token)
        found = await self._store.feed_scope_by_hash(digest)
        if found is None or not hmac.compare_digest(found[1], digest):
            return None
        return found[0]

    async def feed(self, token: str) -> Feed | None:
        """What the feed URL of ``token`` serves (None: nothing is there, as far as the caller may know)."""
        scope = await self.scope_of(token)
        if scope is None:
            return None
        posts = _in_ranked_order(await self._store.recent_posts(scope.channel, self._size))
        papers = await self._store.get_papers(p.arxiv_id for p in posts)
        posted = [(post, papers[post.arxiv_id]) for post in posts if post.arxiv_id in papers]
        if scope.user_id is not None and self._taste is not None and posted:
            try:
                posted = await self._ranked_for(scope, posted)
            except StoreUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001 - the model not ready or broken: the channel's order still serves
                _log.warning("feed of %s: not ranked for the member (%s); the channel's order is served",
                             scope.channel, type(exc).__name__)
        now = self._clock()
        items = tuple(_item(post, paper, now) for post, paper in posted)
        updated = max((i.published for i in items), default=now)
        title = (f"paperbot: papers of {scope.channel.channel}, ranked for {scope.user_id}" if scope.user_id
                 else f"paperbot: papers posted in {scope.channel.channel}")
        return Feed(id=f"tag:paperbot,2025:feed/{scope.key}", title=clean_text(title), updated=updated, items=items)

    async def _ranked_for(self, scope: FeedScope, posted: list[tuple[Post, Paper]]) -> list[tuple[Post, Paper]]:
        """The member's feed: the same posts, in the order of the member's taste."""
        assert self._taste is not None and scope.user_id is not None
        member = Requester(scope.channel, scope.user_id)
        ranked = await self._taste.rank([p for _, p in posted], self._clock().date(), len(posted),
                                        channel=scope.channel, member=member)
        by_id = {paper.arxiv_id: (post, paper) for post, paper in posted}
        order = [by_id[r.paper.arxiv_id] for r in ranked if r.paper.arxiv_id in by_id]
        seen = {paper.arxiv_id for _, paper in order}
        return order + [pp for pp in posted if pp[1].arxiv_id not in seen]


def _in_ranked_order(posts: list[Post]) -> list[Post]:
    """Newest publication first; within one, the order it was posted in (its ranking); each paper once."""
    def key(post: Post) -> tuple[float, int]:
        at = post.posted_at.timestamp() if post.posted_at else 0.0
        return (-at, post.position)

    seen: set[str] = set()
    out: list[Post] = []
    for post in sorted(posts, key=key):
        if post.arxiv_id not in seen:
            seen.add(post.arxiv_id)
            out.append(post)
    return out


def _item(post: Post, paper: Paper, now: datetime) -> FeedItem:
    summary = clean_text(paper.ai_summary or paper.abstract or "")
    if len(summary) > SUMMARY_CHARS:
        summary = summary[: SUMMARY_CHARS - 1].rstrip() + "…"
    return FeedItem(arxiv_id=paper.arxiv_id, title=clean_text(paper.title), url=paper.abs_url,
                    authors=tuple(clean_text(a) for a in paper.authors), summary=summary,
                    published=post.posted_at or now)
