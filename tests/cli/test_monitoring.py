"""`paperbot run`'s monitoring server, as an operator's probes and Prometheus see it: a real process,
Slack in HTTP mode against the fake Slack, Hugging Face from the local paper server, arXiv at a
closed port (a source error), a real SQLite file, no embedding model."""
from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.app import PaperBot
from bot.config import config_from_dict
from bot.domain import ChannelRef, Requester
from bot.errors import ConfigError
from paperbot.compose import open_store
from tests.harness.databases import sqlite_url
from tests.harness.fixtures_paths import HF_DAY_07
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.paperbot_process import (
    PaperbotProcess,
    monitoring_section,
    quiet_run_config,
    running_paperbot,
    slack_http_section,
)
from tests.harness.running_slack import (
    ADMIN,
    CHANNEL,
    CREATOR,
    MEMBER,
    command_payload,
    free_port,
    reaction_event,
    signed_headers,
)
from tests.harness.sample import load_sample
from tests.harness.slack_fake import TEAM, FakeSlack

METRICS = ("paperbot_papers_fetched", "paperbot_source_errors", "paperbot_digests_planned", "paperbot_digests_sent",
           "paperbot_digests_failed", "paperbot_outbox_oldest_due_age_seconds", "paperbot_reactions_recorded",
           "paperbot_command_latency_seconds", "paperbot_platform_errors")


def fake_slack() -> FakeSlack:
    return FakeSlack(
        users={ADMIN: {"id": ADMIN, "is_admin": True, "is_owner": False},
               MEMBER: {"id": MEMBER, "is_admin": False, "is_owner": False}},
        channels={CHANNEL: {"id": CHANNEL, "name": "general", "creator": CREATOR}},
    )


def config_text(tmp_path: Path, *, slack_url: str, slack_port: int, monitoring_port: int, hf_url: str) -> str:
    return (quiet_run_config(tmp_path, hf_url=hf_url)
            + slack_http_section(slack_url, slack_port, "channel_messages_per_second = 100")
            + monitoring_section(monitoring_port)
            + '\n[discussion]\nthreads = "never"\n[schedule]\ntick_seconds = 0.3\n')


async def subscribed_yesterday(db: Path, at: str) -> None:
    """The bundled sample's papers stored, and the channel subscribed (by its admin) yesterday."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    async with open_store(sqlite_url(db)) as store:
        await load_sample(store)
        bot = PaperBot(store, clock=lambda: yesterday)
        await bot.handle(Requester(ChannelRef("slack", TEAM, CHANNEL), ADMIN, can_manage_channel=True),
                         f"subscribe at={at} days=daily")


async def post_slack(port: int, body: str, content_type: str) -> int:
    headers = signed_headers(body, content_type=content_type)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers) as response:
            return response.status


def samples(text: str) -> dict[str, list[Sample]]:
    """Every family by name, with its samples (parsed as Prometheus parses the text format)."""
    return {family.name: list(family.samples) for family in text_string_to_metric_families(text)}


def value(families: dict[str, list[Sample]], sample_name: str, **labels: str) -> float:
    """The sum of the samples named ``sample_name`` whose labels include ``labels``."""
    return sum(s.value for family in families.values() for s in family
               if s.name == sample_name and labels.items() <= s.labels.items())


async def metrics_of(bot: PaperbotProcess) -> dict[str, list[Sample]]:
    status, text = await bot.get("/metrics")
    assert status == 200, text
    return samples(text)


async def test_health_readiness_and_metrics_of_a_running_bot(tmp_path: Path) -> None:
    slack, papers = fake_slack(), PaperServer()
    await slack.start()
    hf_url = await papers.start()
    papers.route("/api/daily_papers", Reply.file(HF_DAY_07))
    slack_port, monitoring_port = free_port(), free_port()
    config = config_text(tmp_path, slack_url=slack.base_url, slack_port=slack_port, monitoring_port=monitoring_port,
                         hf_url=hf_url)
    due = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%H:%M")
    await subscribed_yesterday(tmp_path / "bot.sqlite3", due)  # papers to post, a subscription older than today
    try:
        async with running_paperbot(tmp_path, config, monitoring_port=monitoring_port) as bot:
            assert await bot.until(lambda: _status(bot, "/healthz", 200), "/healthz answering")
            _, body = await bot.get("/healthz")
            assert body.strip() == "ok"
            status, ready = await bot.until(lambda: _ready(bot), "/readyz 200")
            assert ready == {"ready": True, "parts": {"database": "reachable", "slack": "connected",
                                                      "embedding model": "disabled"}}

            # a fetch (Hugging Face answers, arXiv does not): counted by source
            families = await bot.until(lambda: _with(bot, "paperbot_papers_fetched_total", source="huggingface"),
                                       "papers fetched")
            assert value(families, "paperbot_source_errors_total", source="arxiv", kind="unreachable") >= 1

            # a command (its latency: the subscription made yesterday gets today's time, a minute ago)
            # and the scheduled digest it makes due, delivered now
            body = urlencode(command_payload(f"subscribe at={due} days=daily", response_url=slack.response_url("r1"),
                                             user=ADMIN, team=TEAM, channel=CHANNEL))
            assert await post_slack(slack_port, body, "application/x-www-form-urlencoded") == 200
            await slack.wait_for(lambda: slack.responses, timeout=30)
            assert "Updated the subscription" in json.dumps(slack.responses), slack.responses
            await bot.until(lambda: _now(slack.messages.get(CHANNEL)), "the scheduled digest posted")
            families = await bot.until(lambda: _with(bot, "paperbot_digests_sent_total", platform="slack"), "digest sent")
            assert value(families, "paperbot_digests_planned_total", platform="slack") >= 1
            assert value(families, "paperbot_command_latency_seconds_count", command="subscribe") == 1
            assert value(families, "paperbot_command_latency_seconds_sum", command="subscribe") > 0
            assert value(families, "paperbot_outbox_oldest_due_age_seconds") == 0  # delivered: nothing waits

            # a reaction on the digest's messages
            for number, message in enumerate(slack.messages[CHANNEL]):
                event = reaction_event(f"Ev{number:08d}", message["ts"], "thumbsup", user=MEMBER)
                assert await post_slack(slack_port, json.dumps(event), "application/json") == 200
            families = await bot.until(lambda: _with(bot, "paperbot_reactions_recorded_total", platform="slack"),
                                       "reaction recorded")
            assert set(METRICS) <= set(families), sorted(families)

            # Slack refusing the token mid-run: a platform error of kind "auth", and the command still timed
            slack.failures["chat.postMessage"] = [(200, {}, {"ok": False, "error": "invalid_auth"})]
            body = urlencode(command_payload("today", response_url=slack.response_url("r2"), user=MEMBER, team=TEAM,
                                             channel=CHANNEL))
            assert await post_slack(slack_port, body, "application/x-www-form-urlencoded") == 200
            families = await bot.until(lambda: _with(bot, "paperbot_platform_errors_total", platform="slack", kind="auth"),
                                       "the platform error counted")
            assert value(families, "paperbot_platform_errors_total") == 1
            assert value(families, "paperbot_command_latency_seconds_count", command="today") == 1

            # the database file removed under the running bot: not ready, and /readyz says why
            for suffix in ("", "-wal", "-shm"):
                (tmp_path / f"bot.sqlite3{suffix}").unlink(missing_ok=True)
            status, report = await bot.until(lambda: _status_json(bot, "/readyz", 503), "/readyz 503")
            assert report["ready"] is False and report["parts"]["slack"] == "connected"
            assert report["parts"]["database"].startswith("unreachable: "), report
            assert "deleted or replaced" in report["parts"]["database"]
            assert (await bot.get("/healthz"))[0] == 200  # alive, just not ready
            assert await bot.stop() == 0, bot.log[-3000:]
    finally:
        await papers.close()
        await slack.stop()


async def test_readiness_names_a_platform_that_is_not_connected(tmp_path: Path) -> None:
    """Slack does not answer (its URL is a closed port): the process lives (/healthz 200), /readyz is 503."""
    monitoring_port = free_port()
    config = config_text(tmp_path, slack_url=f"http://127.0.0.1:{free_port()}/api/", slack_port=free_port(),
                         monitoring_port=monitoring_port, hf_url=f"http://127.0.0.1:{free_port()}")
    async with running_paperbot(tmp_path, config, monitoring_port=monitoring_port) as bot:
        status, report = await bot.until(lambda: _status_json(bot, "/readyz", 503), "/readyz answering")
        assert report == {"ready": False, "parts": {"database": "reachable", "slack": "not connected",
                                                    "embedding model": "disabled"}}
        assert (await bot.get("/healthz"))[0] == 200
        families = await metrics_of(bot)
        assert set(METRICS) <= set(families)
        assert await bot.stop() == 0, bot.log[-3000:]


async def test_a_monitoring_port_in_use_stops_the_start_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = config_text(tmp_path, slack_url=f"http://127.0.0.1:{free_port()}/api/", slack_port=free_port(),
                             monitoring_port=port, hf_url=f"http://127.0.0.1:{free_port()}")
        async with running_paperbot(tmp_path, config, monitoring_port=port) as bot:
            code = await asyncio.wait_for(bot.process.wait(), 60)
    errors = [line for line in bot.lines if line.startswith("paperbot:")]
    assert code == 2, bot.log
    assert errors == [f"paperbot: [monitoring] port {port} is already in use on 127.0.0.1: choose another port in "
                      "[monitoring], or set [monitoring] enabled = false."], bot.log
    assert "Traceback" not in bot.log


async def _now(result: object) -> object:
    return result


async def _status(bot: PaperbotProcess, path: str, wanted: int) -> bool:
    return (await bot.get(path))[0] == wanted


async def _status_json(bot: PaperbotProcess, path: str, wanted: int) -> tuple[int, object] | None:
    status, body = await bot.get(path)
    return (status, json.loads(body)) if status == wanted else None


async def _ready(bot: PaperbotProcess) -> tuple[int, object] | None:
    return await _status_json(bot, "/readyz", 200)


async def _with(bot: PaperbotProcess, sample_name: str, **labels: str) -> dict[str, list[Sample]] | None:
    families = await metrics_of(bot)
    return families if value(families, sample_name, **labels) > 0 else None


def test_monitoring_and_log_format_keys_are_validated_like_the_others() -> None:
    defaults = config_from_dict({}, environ={})
    assert (defaults.monitoring.enabled, defaults.monitoring.host, defaults.monitoring.port) == (True, "127.0.0.1", 9464)
    assert defaults.logging.format == "text"
    with pytest.raises(ConfigError) as bad:
        config_from_dict({"monitoring": {"port": 70000, "enable": False}, "logging": {"format": "xml"}}, environ={})
    message = str(bad.value)
    assert "[monitoring] port: 70000 is not a whole number from 1 to 65535" in message
    assert "[monitoring] enable: unknown key" in message
    assert '[logging] format: "xml" is not one of "text", "json"' in message
