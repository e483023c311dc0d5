"""The spool of kept events (storage.event_spool): on disk before it counts, compacted, bounded,
readable after a crash mid-write, and one process's at a time."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef, ReactionEvent
from bot.errors import ConfigError
from bot.kept import KeptEvent
from bot.usecases.kept_kinds import kept_reaction, kept_thread_message, thread_message_of
from storage import event_spool
from storage.event_spool import (
    COMPACT_AFTER,
    FileSpool,
    default_spool_path,
    legacy_spool_path,
    open_default_spool,
    slot_path,
)

CHANNEL = ChannelRef("discord", "G1", "C1")
ROOT = Path(__file__).resolve().parents[2]


def event(n: int) -> KeptEvent:
    return kept_reaction(ReactionEvent(CHANNEL, f"M{n}", f"U{n}", "👍", True), f"reaction {n}")


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_an_appended_event_is_in_the_file_at_once_and_read_back_after_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "kept.jsonl"
    spool = FileSpool(path)
    kept = [event(n) for n in range(3)]
    assert all(spool.append(e) for e in kept)
    assert [json.loads(line)["id"] for line in lines(path)] == [e.id for e in kept]  # written, not buffered
    spool.done([kept[1].id])
    spool.close()
    again = FileSpool(path)
    assert [(e.id, e.kind, dict(e.payload), e.latest) for e in again.load()] == \
        [(e.id, e.kind, dict(e.payload), e.latest) for e in (kept[0], kept[2])]
    assert len(lines(path)) == 2  # the reopen compacted the done mark away
    again.close()


def test_a_torn_last_line_is_skipped_with_a_warning_and_the_rest_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kept.jsonl"
    spool = FileSpool(path)
    first, second = event(1), event(2)
    spool.append(first)
    spool.append(second)
    spool.close()
    whole = path.read_bytes()
    path.write_bytes(whole + event(3).to_line().encode()[:40])  # the crash came in the middle of the third write
    again = FileSpool(path)
    assert [e.id for e in again.load()] == [first.id, second.id]
    assert "cut short" in caplog.text
    third = event(4)
    again.append(third)  # written on a line of its own, not glued to the torn one
    again.close()
    assert [e.id for e in FileSpool(path).load()] == [first.id, second.id, third.id]


def test_a_line_that_is_not_an_event_is_skipped_and_the_rest_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kept.jsonl"
    good = event(1)
    path.write_text("not json\n" + json.dumps({"id": "x"}) + "\n" + good.to_line() + "\n", encoding="utf-8")
    spool = FileSpool(path)
    assert [e.id for e in spool.load()] == [good.id]
    assert "line 1" in caplog.text and "line 2" in caplog.text
    spool.close()


def test_beyond_the_limit_an_event_is_refused(tmp_path: Path) -> None:
    spool = FileSpool(tmp_path / "kept.jsonl", max_events=2)
    assert spool.append(event(1)) and spool.append(event(2))
    assert not spool.append(event(3))
    assert spool.kept == 2
    small = FileSpool(tmp_path / "small.jsonl", max_bytes=len(event(1).to_line()) + 10)
    assert small.append(event(1)) and not small.append(event(2))
    spool.close()
    small.close()


def test_done_marks_are_compacted_away_while_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the threshold is read when a mark is written: a smaller one than COMPACT_AFTER takes the same
    # path with 50x fewer fsyncs (~6 s at 1000 here); a threshold hard-coded elsewhere fails this test
    threshold = COMPACT_AFTER // 50
    monkeypatch.setattr(event_spool, "COMPACT_AFTER", threshold)
    path = tmp_path / "kept.jsonl"
    spool = FileSpool(path)
    keep = event(0)
    spool.append(keep)
    for n in range(1, threshold + 5):
        e = event(n)
        spool.append(e)
        spool.done([e.id])
    assert len(lines(path)) < threshold + 10  # not one line per event ever kept: rewritten meanwhile
    spool.done([keep.id])
    assert path.read_text() == ""  # nothing kept: an empty file
    spool.close()
    assert FileSpool(path).load() == []


def test_a_second_spool_on_the_same_file_is_refused_with_the_key_that_avoids_it(tmp_path: Path) -> None:
    path = tmp_path / "kept.jsonl"
    spool = FileSpool(path)
    with pytest.raises(ConfigError, match=r"another paperbot process .*\[retry\] spool"):
        FileSpool(path)
    spool.close()
    FileSpool(path).close()  # released on close


def test_another_process_cannot_open_a_spool_this_one_holds(tmp_path: Path) -> None:
    path = tmp_path / "kept.jsonl"
    spool = FileSpool(path)
    spool.append(event(1))
    script = textwrap.dedent(f"""
        from bot.errors import ConfigError
        from storage.event_spool import FileSpool
        try:
            FileSpool({str(path)!r})
        except ConfigError as exc:
            print("refused:", exc)
        else:
            print("opened")
    """)
    held = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT)})
    assert held.stdout.startswith("refused: another paperbot process"), held.stdout + held.stderr
    spool.close()
    free = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT)})
    assert free.stdout.strip() == "opened", free.stdout + free.stderr


def test_the_spool_lives_beside_a_sqlite_file_and_in_the_data_dir_otherwise(tmp_path: Path) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    assert default_spool_path(sqlite) == tmp_path / "bot.sqlite3.kept-events.jsonl"
    assert default_spool_path(sqlite, ["slack", "discord"]) == tmp_path / "bot.sqlite3.discord.slack.kept-events.jsonl"
    assert default_spool_path("postgresql+asyncpg://u@h/db", ["slack"]).name == "postgresql-u@h-default-db.slack.kept-events.jsonl"
    assert legacy_spool_path(sqlite) == tmp_path / "bot.sqlite3.kept-events.jsonl"  # before the platforms were named
    assert legacy_spool_path("postgresql+asyncpg://u@h/db").name == "paperbot.kept-events.jsonl"  # one for every database


def test_each_postgresql_database_has_its_own_default_spool_named_without_the_password() -> None:
    prod = default_spool_path("postgresql+asyncpg://bot:s3cret@db.example:5433/paperbot")
    staging = default_spool_path("postgresql+asyncpg://bot:s3cret@db.example:5433/paperbot_staging")
    assert prod.name == "postgresql-bot@db.example-5433-paperbot.kept-events.jsonl"
    assert staging != prod and "s3cret" not in str(prod)
    odd = default_spool_path("postgresql+asyncpg://u@h/" + "../x/" * 40)
    assert odd.parent == prod.parent and "/" not in odd.name and len(odd.name) < 160


def test_processes_sharing_a_database_take_free_slots_and_a_later_one_takes_over_what_a_stopped_one_kept(
        tmp_path: Path) -> None:
    base = tmp_path / "bot.sqlite3.kept-events.jsonl"
    first = open_default_spool(base)
    second = open_default_spool(base)
    assert (first.path, second.path) == (base, tmp_path / "bot.sqlite3-2.kept-events.jsonl")
    kept = event(7)
    second.append(kept)
    second.close()  # the second process stops with an event kept
    third = open_default_spool(base)
    assert third.path == second.path and third.load() == [kept]
    first.close()
    third.close()


def test_when_every_slot_is_taken_the_message_names_the_key_that_gives_a_process_its_own(tmp_path: Path) -> None:
    base = tmp_path / "bot.kept-events.jsonl"
    held = [open_default_spool(base, slots=2) for _ in range(2)]
    assert held[1].path == slot_path(base, 1) == tmp_path / "bot-2.kept-events.jsonl"
    with pytest.raises(ConfigError, match=r"2 paperbot processes already use .*\[retry\] spool"):
        open_default_spool(base, slots=2)
    for spool in held:
        spool.close()


def test_what_an_earlier_version_kept_is_taken_over_by_the_process_of_its_platform(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    legacy = legacy_spool_path(url)
    earlier = FileSpool(legacy)  # an earlier version's process, still running
    on_discord, on_slack = event(3), kept_reaction(ReactionEvent(ChannelRef("slack", "T1", "C1"), "M", "U", "👍", True), "s")
    earlier.append(on_discord)
    earlier.append(on_slack)
    spool = open_default_spool(default_spool_path(url, ["discord"]), legacy=legacy, platforms=["discord"])
    assert spool.load() == [] and legacy.exists()  # still that process's
    spool.close()
    earlier.close()  # it stops; this version starts, a Discord process and a Slack one
    discord = open_default_spool(default_spool_path(url, ["discord"]), legacy=legacy, platforms=["discord"])
    assert discord.load() == [on_discord] and legacy.exists()  # the Slack event stays for the Slack process
    slack = open_default_spool(default_spool_path(url, ["slack"]), legacy=legacy, platforms=["slack"])
    assert slack.load() == [on_slack] and not legacy.exists()
    discord.close()
    slack.close()
    again = open_default_spool(default_spool_path(url, ["discord"]), legacy=legacy, platforms=["discord"])
    assert again.load() == [on_discord]  # durably moved, not only in memory
    again.close()


def test_hostile_text_is_kept_as_written(tmp_path: Path) -> None:
    text = "line\nbreak \ud800 lone surrogate \x00 nul \u2028 sep 🔥" * 100
    message = ThreadMessage(CHANNEL, "T1", "U1", text, True, event_id="E1")
    spool = FileSpool(tmp_path / "kept.jsonl")
    assert spool.append(kept_thread_message(message, "hostile"))
    spool.close()
    again = FileSpool(tmp_path / "kept.jsonl")
    [kept] = again.load()
    assert thread_message_of(kept.payload) == message and len(lines(tmp_path / "kept.jsonl")) == 1
    again.close()


def test_two_bots_on_one_postgresql_database_start_with_the_default_spool(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import config_from_dict
    from paperbot.compose import open_spool

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/paperbot"
    on_discord = config_from_dict({"discord": {"token": "x" * 60}})
    on_slack = config_from_dict({"slack": {"bot_token": "xoxb-1", "signing_secret": "s" * 32}})
    discord_bot = open_spool(on_discord, url)
    slack_bot = open_spool(on_slack, url)  # refused before: both wanted one paperbot.kept-events.jsonl
    second_slack_bot = open_spool(on_slack, url)
    assert discord_bot.path.parent == slack_bot.path.parent == tmp_path / "paperbot"
    assert discord_bot.path.name == "postgresql-postgres@127.0.0.1-5432-paperbot.discord.kept-events.jsonl"
    assert slack_bot.path.name == "postgresql-postgres@127.0.0.1-5432-paperbot.slack.kept-events.jsonl"
    assert second_slack_bot.path.name == "postgresql-postgres@127.0.0.1-5432-paperbot.slack-2.kept-events.jsonl"
    other_database = open_spool(on_discord, url + "_staging")
    assert other_database.path.name == "postgresql-postgres@127.0.0.1-5432-paperbot_staging.discord.kept-events.jsonl"
    for spool in (discord_bot, slack_bot, second_slack_bot, other_database):
        spool.close()
