"""Block Kit rendering within limits, neutralisation of untrusted text, reaction names → emoji."""
from __future__ import annotations

import json

from adapters.slack.blocks import MAX_BLOCKS, digest_blocks, digest_fallback
from adapters.slack.emoji import emoji_from_slack
from adapters.slack.mrkdwn import link, neutralise, safe_url
from bot.domain import Digest, Paper, RankedPaper


def big_paper(i: int) -> Paper:
    return Paper(
        arxiv_id=f"2511.{i:05d}", title="T" * 400 + f" <!here> {i}", abstract="word " * 2000,
        authors=tuple(f"Author {n}" for n in range(40)), upvotes=i, github_stars=10 * i,
        github_repo="https://github.com/x/y", thumbnail_url="https://cdn.example/t.png?a=1&b=2", categories=("cs.LG",),
    )


def test_a_25_paper_digest_fits_block_kit_limits() -> None:
    digest = Digest(title="Top papers " + "x" * 300, items=tuple(RankedPaper(big_paper(i), 1.0, "why " * 100) for i in range(25)), note="n" * 1000)
    blocks = digest_blocks(digest)
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= 150
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 25 and all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert len(json.dumps(blocks)) < 40_000
    assert sum(len(s["text"]["text"]) for s in sections) < 12_000
    assert sections[0]["accessory"]["image_url"] == "https://cdn.example/t.png?a=1&b=2"
    fallback = digest_fallback(digest)
    assert len(fallback) <= 3000 and "<!here>" not in fallback


def test_neutralise_disarms_every_control_sequence() -> None:
    text = neutralise("<!channel> <!here> <!everyone> <@U1> <#C1> <!subteam^S1> <http://x|y> a & b @channel *b* _i_ ~s~ `c`")
    assert "<" not in text and ">" not in text
    assert "&amp;" in text and "@channel" not in text
    for mark in ("*b*", "_i_", "~s~", "`c`"):
        assert mark not in text


def test_links_accept_only_plain_http_urls() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x.org/a|<!channel>") is None
    assert link("https://x.org/?a=1&b=2", "a <b> | c") == "<https://x.org/?a=1&amp;b=2|a &lt;b&gt; ¦ c>"


def test_slack_reaction_names_map_to_unicode() -> None:
    assert emoji_from_slack("+1") == emoji_from_slack("thumbsup") == "👍"
    assert emoji_from_slack("thumbsup::skin-tone-2") == "👍"
    assert emoji_from_slack("heart") == "❤️" and emoji_from_slack("fire") == "🔥"
    assert emoji_from_slack("-1") == "👎"
    assert emoji_from_slack("partyparrot") == ":partyparrot:"


def test_escaping_heavy_text_stays_within_the_per_paper_budget() -> None:
    paper = Paper(arxiv_id="2511.00001", title="<&>" * 100, abstract="<b>&amp;</b> " * 300, authors=("A&B",))
    digest = Digest(title="t", items=tuple(RankedPaper(paper, 1.0, "<why>") for _ in range(25)))
    sections = [b for b in digest_blocks(digest) if b["type"] == "section"]
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert "<b>" not in json.dumps(sections)
