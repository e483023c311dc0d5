"""``bot.scheduling.seen.SeenStore`` for :class:`storage.store.SqlStore` (a mixin): what each channel
and member already saw or rated, for one planning pool's papers, in two or three queries per chunk of ids.

``seen_ids`` is ``fold(seen_among(…))`` without the marks: a planning pass over 10,000 channels
needs only which ids each key met, so it reads distinct (key, id) pairs and builds no objects."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import ChannelRef
from bot.scheduling.seen import POSTED, REACTED, SEEDED, SeenMark, member_seen_key
from bot.taste.model import LIKE
from storage.chunked import chunks
from storage.models import PostRow, ReactionRow, TasteSignalRow
from storage.sessions import SessionScope

# at most this many keys are filtered in SQL (an on-demand digest: a channel and a member); a planning
# pass's thousands of members would make one clause per member, so their rows are filtered here instead
SQL_KEY_FILTER = 20


def _member_filter(keys: list[str]) -> ColumnElement[bool]:
    """Reactions by the members among ``keys`` (``member:<platform>:<workspace>:<user>``), in their workspace."""
    clauses: list[ColumnElement[bool]] = [ReactionRow.channel_key.in_([k for k in keys if not k.startswith("member:")])]
    for key in keys:
        if key.startswith("member:"):
            platform, workspace, user = key.split(":", 3)[1:]
            clauses.append(and_(ReactionRow.user_id == user,
                                ReactionRow.channel_key.startswith(f"{platform}:{workspace}:", autoescape=True)))
    return or_(*clauses)


class SeenStoreMixin(SessionScope):
    async def seen_among(self, arxiv_ids: Iterable[str], keys: Iterable[str] | None = None) -> list[SeenMark]:
        ids = sorted(set(arxiv_ids))
        wanted = sorted(set(keys)) if keys is not None else None
        out: list[SeenMark] = []
        async with self._begin() as session:
            for chunk in chunks(ids):
                posts = select(PostRow.channel_key, PostRow.arxiv_id, PostRow.posted_at).where(PostRow.arxiv_id.in_(chunk))
                reactions = select(ReactionRow.channel_key, ReactionRow.user_id, ReactionRow.arxiv_id,
                                   ReactionRow.emoji, ReactionRow.created_at).where(ReactionRow.arxiv_id.in_(chunk))
                seeds = select(TasteSignalRow.scope, TasteSignalRow.value, TasteSignalRow.created_at).where(
                    TasteSignalRow.kind == LIKE, TasteSignalRow.value.in_(chunk))
                if wanted is not None and len(wanted) <= SQL_KEY_FILTER:
                    posts = posts.where(PostRow.channel_key.in_(wanted))
                    reactions = reactions.where(_member_filter(wanted))
                    seeds = seeds.where(TasteSignalRow.scope.in_(wanted))
                out += [SeenMark(key, arxiv_id, POSTED, at) for key, arxiv_id, at in (await session.execute(posts)).all()]
                for key, user, arxiv_id, emoji, at in (await session.execute(reactions)).all():
                    channel = ChannelRef.parse(key)
                    out.append(SeenMark(key, arxiv_id, REACTED, at, emoji))
                    out.append(SeenMark(member_seen_key(channel.platform, channel.workspace, user), arxiv_id, REACTED, at, emoji))
                out += [SeenMark(scope, arxiv_id, SEEDED, at) for scope, arxiv_id, at in (await session.execute(seeds)).all()]
        if wanted is not None:
            keep = set(wanted)
            out = [m for m in out if m.key in keep]
        return out

    async def seen_ids(self, arxiv_ids: Iterable[str], keys: Iterable[str] | None = None) -> dict[str, set[str]]:
        ids = sorted(set(arxiv_ids))
        wanted = sorted(set(keys)) if keys is not None else None
        # a channel planning pass asks for channel keys only: no member key to build for each reaction row
        members_wanted = wanted is None or any(k.startswith("member:") for k in wanted)
        out: defaultdict[str, set[str]] = defaultdict(set)
        members: dict[str, str] = {}  # channel key → its members' seen-key prefix

        async with self._begin() as session:
            for chunk in chunks(ids):
                posts = select(PostRow.channel_key, PostRow.arxiv_id).where(PostRow.arxiv_id.in_(chunk))
                reactions = select(ReactionRow.channel_key, ReactionRow.user_id, ReactionRow.arxiv_id).where(
                    ReactionRow.arxiv_id.in_(chunk)).distinct()
                seeds = select(TasteSignalRow.scope, TasteSignalRow.value).where(
                    TasteSignalRow.kind == LIKE, TasteSignalRow.value.in_(chunk))
                if wanted is not None and len(wanted) <= SQL_KEY_FILTER:
                    posts = posts.where(PostRow.channel_key.in_(wanted))
                    reactions = reactions.where(_member_filter(wanted))
                    seeds = seeds.where(TasteSignalRow.scope.in_(wanted))
                if members_wanted:  # a member rated what they reacted to in any channel of the workspace
                    for key, user, arxiv_id in (await session.execute(reactions)).all():
                        prefix = members.get(key)
                        if prefix is None:
                            channel = ChannelRef.parse(key)
                            prefix = members[key] = member_seen_key(channel.platform, channel.workspace, "")
                        out[prefix + user].add(arxiv_id)
                # a channel's reactions need no read of their own: each is on one of its posts (the
                # foreign key to ``posts`` on (channel_key, message_id, arxiv_id)), so the posts read
                # below names every (channel, paper) it rated. UNION ALL: the sets here drop repeats
                # (a UNION sorted or hashed the 200,000 pairs of a 100,000-channel pass again in SQL)
                met = union_all(posts, seeds)
                for key, arxiv_id in (await session.execute(met)).all():
                    out[key].add(arxiv_id)
        if wanted is not None:
            keep = set(wanted)
            return {k: v for k, v in out.items() if k in keep}
        return dict(out)
