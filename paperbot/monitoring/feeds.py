"""Open feeds on the monitoring port: ``/feeds/<token>.json`` (JSON Feed 1.1) and ``/feeds/<token>.atom`` (Atom 1.0).

What a feed holds is the core's (``bot.usecases.feeds``); this module only writes the two formats,
with the standard library: ``json`` and ``xml.etree.ElementTree`` escape every value, and the
text was already cleaned of the control characters XML cannot carry. A wrong, replaced or absent
token is a plain 404, the same as a path that was never a feed, so a URL tells nothing about which
feeds exist. Responses are marked private and not to be indexed: the URL is the secret.
"""
from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Protocol

from aiohttp import web

from bot.errors import StoreSchemaError, StoreUnavailableError, store_words
from bot.feeds import Feed
from bot.usecases.feeds import FEED_PATH

_log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_TYPE = "application/feed+json"
ATOM_TYPE = "application/atom+xml"
PRIVATE = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff"}
NOT_FOUND = "not found\n"
NOT_SERVED = "this feed cannot be served"  # what a database failure meant (bot.errors.store_words)


class FeedReader(Protocol):
    async def feed(self, token: str) -> Feed | None: ...


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def json_feed(feed: Feed, feed_url: str) -> str:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): version, title and items, each with an id."""
    items = []
    for item in feed.items:
        entry: dict[str, object] = {
            "id": item.url, "url": item.url, "title": item.title, "content_text": item.summary or item.title,
            "date_published": _iso(item.published),
        }
        if item.summary:
            entry["summary"] = item.summary
        if item.authors:
            entry["authors"] = [{"name": name} for name in item.authors]
        items.append(entry)
    document = {"version": JSON_FEED_VERSION, "title": feed.title, "feed_url": feed_url,
                "description": "Papers as paperbot posted them, newest first, in ranked order.", "items": items}
    return json.dumps(document, ensure_ascii=False, indent=1)


def atom_feed(feed: Feed, feed_url: str) -> bytes:
    """Atom 1.0 (RFC 4287): feed id, title, updated, a feed author (entries may have none), entries."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(root, "id", feed.id)
    sub(root, "title", feed.title)
    sub(root, "updated", _iso(feed.updated))
    sub(root, "link", rel="self", type=ATOM_TYPE, href=feed_url)
    sub(sub(root, "author"), "name", "paperbot")
    sub(root, "generator", "paperbot")
    for item in feed.items:
        entry = sub(root, "entry")
        sub(entry, "id", item.url)
        sub(entry, "title", item.title)
        sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        sub(entry, "published", _iso(item.published))
        sub(entry, "updated", _iso(item.published))
        for name in item.authors:
            sub(sub(entry, "author"), "name", name)
        if item.summary:
            sub(entry, "summary", item.summary, type="text")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def add_feed_routes(app: web.Application, feeds: FeedReader, base_url: str) -> None:
    """Serve the feeds on ``app``; ``base_url`` (``[monitoring] public_url``) makes their self links."""

    async def serve(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        token, _, kind = name.rpartition(".")
        if kind not in ("json", "atom") or not token:
            return web.Response(text=NOT_FOUND, status=404)
        try:
            feed = await feeds.feed(token)
        except StoreSchemaError as exc:  # no wait fixes it: a server error, not "retry after"
            _log.error("feed: %s", exc.detail)
            return web.Response(text=store_words(exc, NOT_SERVED, name_missing=False) + "\n", status=500)
        except StoreUnavailableError as exc:
            _log.warning("feed: the database did not answer: %s", exc.detail)
            return web.Response(text=store_words(exc, NOT_SERVED) + "\n", status=503, headers={"Retry-After": "30"})
        if feed is None:
            return web.Response(text=NOT_FOUND, status=404)
        url = f"{base_url.rstrip('/')}{FEED_PATH}/{name}"
        if kind == "json":
            return web.Response(text=json_feed(feed, url), content_type=JSON_FEED_TYPE, charset="utf-8", headers=PRIVATE)
        return web.Response(body=atom_feed(feed, url), content_type=ATOM_TYPE, charset="utf-8", headers=PRIVATE)

    app.router.add_get(f"{FEED_PATH}/{{name}}", serve)
