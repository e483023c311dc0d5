"""`/papers stats` on Slack: the chart is uploaded with files.upload v2 (real slack_sdk against the fake's
files.getUploadURLExternal → upload URL → files.completeUploadExternal) and drawn by matplotlib."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Reaction
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, running_slack
from tests.harness.sample import NOW
from tests.harness.slack_fake import TEAM

PIL = pytest.importorskip("PIL.Image", reason="matplotlib (the [stats] extra) brings Pillow")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CH = ChannelRef("slack", TEAM, CHANNEL)


async def test_stats_uploads_a_png_chart_to_the_channel(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        assert (await h.command("today 3"))[0] == 200
        await h.fake.wait_for(lambda: len(h.fake.calls_to("chat.postMessage")) >= 4)
        posts = await h.bot.store.recent_posts(CH)
        assert posts
        for n, emoji in enumerate(["👍", "👍", "👎"]):
            post = posts[n % len(posts)]
            await h.bot.store.add_reaction(Reaction(CH, post.message_id, post.arxiv_id, f"U{n}", emoji,
                                                    created_at=NOW - timedelta(minutes=n)))

        assert (await h.command("stats"))[0] == 200
        await h.fake.wait_for(lambda: h.fake.shared_files)

        assert [c.params.get("filename") for c in h.fake.calls_to("files.getUploadURLExternal")] == [
            h.fake.shared_files[0]["title"]]
        [shared] = h.fake.shared_files
        assert shared["channel"] == CHANNEL
        assert "3 papers posted" in shared["initial_comment"] and "2 👍" in shared["initial_comment"]
        data = shared["data"]
        assert data.startswith(PNG_SIGNATURE)
        assert len(data) > 10_000  # drawn, not an empty canvas
        image = PIL.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == (1000, 700)
        assert not h.fake.responses  # nothing else to say: the chart is the answer


async def test_stats_of_a_quiet_channel_says_so_privately(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        assert (await h.command("stats 4"))[0] == 200
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert response["response_type"] == "ephemeral"
        assert "last 4 weeks" in response["text"]
        assert not h.fake.calls_to("files.getUploadURLExternal")


async def test_stats_weeks_out_of_range_is_refused_in_words(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        assert (await h.command("stats 99"))[0] == 200
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert "1 to 52" in response["text"]


async def test_an_upload_slack_refuses_is_answered_in_plain_words(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        assert (await h.command("today 2"))[0] == 200
        await h.fake.wait_for(lambda: len(h.fake.calls_to("chat.postMessage")) >= 3)
        h.fake.failures["files.getUploadURLExternal"] = [(200, {}, {"ok": False, "error": "missing_scope",
                                                                     "needed": "files:write"})]
        assert (await h.command("stats"))[0] == 200
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert response["response_type"] == "ephemeral"
        assert "files:write scope" in response["text"] and "reinstall" in response["text"]
        assert "missing_scope" not in response["text"] and "Traceback" not in response["text"]
        assert not h.fake.shared_files
