"""Rows ↔ domain objects: the one place that knows both shapes.

The store hands out only what these functions build, never ORM rows.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain import ChannelRef, Paper, Post, PostKind, Reaction, Subscription
from storage.models import PaperRow, PostRow, ReactionRow, SubscriptionRow


def paper_values(paper: Paper, *, first_seen_at: datetime, last_seen_at: datetime) -> dict[str, Any]:
    """Column values for one ``papers`` row (a dict, so a batch can be one executemany)."""
    return {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "published_at": paper.published_at,
        "updated_at": paper.updated_at,
        "announced_on": paper.announced_on,
        "thumbnail_url": paper.thumbnail_url,
        "upvotes": paper.upvotes,
        "num_comments": paper.num_comments,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords),
        "sources": sorted(paper.sources),
        "first_seen_at": first_seen_at,
        "last_seen_at": last_seen_at,
    }


def to_paper(row: PaperRow) -> Paper:
    return Paper(
        arxiv_id=row.arxiv_id,
        title=row.title,
        abstract=row.abstract,
        version=row.version,
        authors=tuple(row.authors or ()),
        categories=tuple(row.categories or ()),
        published_at=row.published_at,
        updated_at=row.updated_at,
        announced_on=row.announced_on,
        thumbnail_url=row.thumbnail_url,
        upvotes=row.upvotes,
        num_comments=row.num_comments,
        github_repo=row.github_repo,
        github_stars=row.github_stars,
        project_page=row.project_page,
        ai_summary=row.ai_summary,
        ai_keywords=tuple(row.ai_keywords or ()),
        sources=frozenset(row.sources or ()),
    )


def subscription_values(subscription: Subscription, *, created_at: datetime) -> dict[str, Any]:
    channel = subscription.channel
    return {
        "channel_key": channel.key,
        "platform": channel.platform,
        "workspace": channel.workspace,
        "channel": channel.channel,
        "post_time": subscription.post_time,
        "timezone": subscription.timezone,
        "count": subscription.count,
        "created_by": subscription.created_by,
        "created_at": subscription.created_at or created_at,
    }


def to_subscription(row: SubscriptionRow | Any) -> Subscription:
    """From the ORM object or a plain row of its columns (``scheduled_subscriptions`` reads thousands)."""
    return Subscription(
        channel=ChannelRef(row.platform, row.workspace, row.channel),
        post_time=row.post_time,
        timezone=row.timezone,
        count=row.count,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def post_values(post: Post, *, posted_at: datetime) -> dict[str, Any]:
    channel = post.channel
    return {
        "channel_key": channel.key,
        "platform": channel.platform,
        "workspace": channel.workspace,
        "channel": channel.channel,
        "message_id": post.message_id,
        "arxiv_id": post.arxiv_id,
        "kind": PostKind(post.kind).value,
        "digest_day": post.digest_day,
        "position": post.position,
        "posted_at": post.posted_at or posted_at,
        "root_message_id": post.root_message_id,
    }


def to_post(row: PostRow) -> Post:
    return Post(
        channel=ChannelRef(row.platform, row.workspace, row.channel),
        message_id=row.message_id,
        arxiv_id=row.arxiv_id,
        kind=PostKind(row.kind),
        digest_day=row.digest_day,
        position=row.position,
        posted_at=row.posted_at,
        root_message_id=row.root_message_id,
    )


def reaction_values(reaction: Reaction, *, created_at: datetime) -> dict[str, Any]:
    return {
        "channel_key": reaction.channel.key,
        "message_id": reaction.message_id,
        "arxiv_id": reaction.arxiv_id,
        "user_id": reaction.user_id,
        "emoji": reaction.emoji,
        "created_at": reaction.created_at or created_at,
    }


def to_reaction(row: ReactionRow, channel: ChannelRef) -> Reaction:
    """Reactions keep only the channel key, so the caller's reference (the one queried) is reused."""
    return Reaction(
        channel=channel,
        message_id=row.message_id,
        arxiv_id=row.arxiv_id,
        user_id=row.user_id,
        emoji=row.emoji,
        created_at=row.created_at,
    )
