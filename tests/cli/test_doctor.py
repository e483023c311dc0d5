"""`paperbot doctor` and `paperbot run --check` as a team meets them in its first hour.

Each test writes a real config file whose URLs point at the local fakes (tests/harness: FakeSlack,
FakeDiscord, PaperServer), a real SQLite file or the test PostgreSQL server, and runs the real CLI
entry point, ``paperbot.cli.main``, in-process (in a worker thread: the fakes serve on the test's
event loop, the CLI runs its own), plus one run of the installed console script. A broken part
must be named by its config key with the fix in words, and the exit status must say it; no secret
may ever be printed.
"""
from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import CONFIG_ENV, SECRET_ENV
from bot.errors import ConfigError
from paperbot.cli import main
from storage.migrate import current_revision, head_revision, upgrade
from storage.store import SqlStore
from tests.harness.databases import POSTGRES_URL, sqlite_url
from tests.harness.discord_fake import FakeDiscord
from tests.harness.fixtures_paths import ARXIV_API, HF_DAY_07, RSS_4_ITEMS
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.read_only import unwritable_folder
from tests.harness.running_slack import free_port
from tests.harness.slack_fake import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
SLACK_BOT_TOKEN = "xoxb-doctor-SECRET-bot-1234"
SLACK_APP_TOKEN = "xapp-doctor-SECRET-app-5678"
DB_PASSWORD = "pw-SECRET-9876"
SECRETS = (SLACK_BOT_TOKEN, SLACK_APP_TOKEN, "fake-token", "wrong-SECRET-token", DB_PASSWORD)
REFUSED = (200, {}, {"ok": False, "error": "invalid_auth"})


@dataclass
class Fakes:
    papers: PaperServer
    slack: FakeSlack
    discord: FakeDiscord


@pytest.fixture(autouse=True)
def _no_paperbot_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The developer's own PAPERBOT_* variables must not leak into the configs written here."""
    for variable in [CONFIG_ENV, *SECRET_ENV.values(), "HF_HUB_DISABLE_PROGRESS_BARS"]:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    slack, discord = FakeSlack(), FakeDiscord()
    async with PaperServer() as papers:
        papers.route("/api/daily_papers", Reply.file(HF_DAY_07))
        papers.route("/rss/cs.LG", Reply.file(RSS_4_ITEMS, content_type="application/rss+xml"))
        papers.route("/api/query", Reply.file(ARXIV_API / "2026-04_id_list=1707.08567.xml"))
        await slack.start()
        await discord.start()
        try:
            yield Fakes(papers, slack, discord)
        finally:
            await slack.stop()
            await discord.stop()


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(tmp_path: Path, fakes: Fakes | None, *, chat: bool = True, **sections: dict[str, Any]) -> Path:
    """A config with every URL on the fakes (SQLite in tmp_path, embedding off); ``sections`` override keys."""
    base: dict[str, dict[str, Any]] = {
        "database": {"url": sqlite_url(tmp_path / "bot.sqlite3")},
        "embedding": {"enabled": False},
    }
    if fakes is not None:
        base |= {
            "sources.huggingface": {"base_url": fakes.papers.url()},
            "sources.arxiv": {"categories": ["cs.LG"], "rss_base_url": fakes.papers.url(),
                              "api_base_url": fakes.papers.url(), "min_interval_seconds": 0.0},
        }
        if chat:
            base |= {
                "slack": {"bot_token": SLACK_BOT_TOKEN, "app_token": SLACK_APP_TOKEN, "base_url": fakes.slack.base_url},
                "discord": {"token": "fake-token", "api_base_url": fakes.discord.base_url},
            }
    for name, values in sections.items():
        base[name.replace("__", ".")] = {**base.get(name.replace("__", "."), {}), **values}
    text = "\n".join(f"[{name}]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in values.items()) for name, values in base.items())
    path = tmp_path / "paperbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def doctor(capsys: pytest.CaptureFixture[str], config: Path | str, *command: str) -> tuple[int, str]:
    """``paperbot --config <config> doctor`` (or ``command``) through the real entry point; (exit status, stdout).
    Nothing may go to stderr and no secret anywhere."""
    code = await asyncio.to_thread(main, ["--config", str(config), *(command or ("doctor",))])
    out, err = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in out and secret not in err, f"a secret was printed: {secret}"
    assert err == "", err
    return code, out


def line(out: str, start: str) -> str:
    """The one report line that starts with ``start``, and its indented cause/fix lines."""
    lines = out.splitlines()
    found = [i for i, text in enumerate(lines) if text.startswith(start)]
    assert len(found) == 1, f"{start!r} in:\n{out}"
    block = [lines[found[0]]]
    for text in lines[found[0] + 1:]:
        if not text.startswith("    "):
            break
        block.append(text.strip())
    return " ".join(block)


# ---- everything good ------------------------------------------------------------------------------

async def test_everything_configured_and_working_passes_with_exit_0(tmp_path: Path, fakes: Fakes,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes)
    await upgrade(sqlite_url(tmp_path / "bot.sqlite3"))
    code, out = await doctor(capsys, config)
    assert code == 0, out
    assert line(out, "✓ config:") == f"✓ config: {config} read, every key valid"
    assert line(out, "✓ database:").endswith("answered")
    assert f"revision {head_revision()}" in line(out, "✓ migrations:")
    assert "[embedding] enabled = false" in line(out, "– embedding:")
    assert "answered (15 papers for " in line(out, "✓ source huggingface:")
    assert line(out, "✓ source arxiv api:").endswith("answered a query (1 paper)")
    assert "✓ source arxiv rss:" in out and "✓ source arxiv api:" in out
    assert "the bot is paperbot" in line(out, "✓ discord:")
    assert "[slack] bot_token accepted: the bot is paperbot in the workspace Lab" in out
    assert "[slack] app_token accepted" in out
    assert "✗" not in out and out.rstrip().endswith("Every check passed.")
    # one cheap request each, no more
    (hf,) = fakes.papers.requests_to("/api/daily_papers")
    assert hf.query["limit"] == "1"
    assert fakes.papers.requests_to("/api/query")[0].query["max_results"] == "1"
    assert len(fakes.slack.calls_to("auth.test")) == 1 and len(fakes.slack.calls_to("apps.connections.open")) == 1


async def test_a_new_install_with_no_database_yet_and_no_chat_passes_and_says_what_to_configure(
        tmp_path: Path, fakes: Fakes, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes, chat=False)
    code, out = await doctor(capsys, config)
    assert code == 0, out
    assert "the first start creates it" in line(out, "✓ database:")
    assert not (tmp_path / "bot.sqlite3").exists()  # the doctor creates nothing
    assert "a new database: the first start creates the file and its schema" in line(out, "✓ migrations:")
    assert "none configured" in line(out, "– chat platforms:")
    assert "PAPERBOT_DISCORD_TOKEN" in out and 'bot_token = "xoxb-…"' in out and "paperbot demo" in out


# ---- chat credentials -----------------------------------------------------------------------------

async def test_a_wrong_slack_bot_token_names_the_key_and_where_to_copy_the_right_one(
        tmp_path: Path, fakes: Fakes, capsys: pytest.CaptureFixture[str]) -> None:
    fakes.slack.failures["auth.test"] = [REFUSED]
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    failed = line(out, "✗ slack: [slack] bot_token")
    assert "[slack] bot_token is not valid: Slack answered invalid_auth" in failed
    assert "Bot User OAuth Token" in failed and "xoxb-" in failed and "OAuth & Permissions" in failed
    assert "[slack] app_token accepted" in out  # the other token is still checked on its own
    assert "1 check failed" in out


async def test_a_wrong_slack_app_token_in_socket_mode_is_named(tmp_path: Path, fakes: Fakes,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    fakes.slack.failures["apps.connections.open"] = [REFUSED]
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    failed = line(out, "✗ slack: [slack] app_token")
    assert "Slack answered invalid_auth to apps.connections.open" in failed
    assert "connections:write" in failed and "App-Level Tokens" in failed


async def test_slack_http_mode_needs_the_signing_secret_not_the_app_token(tmp_path: Path, fakes: Fakes,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes, slack={"mode": "http", "app_token": ""})
    code, out = await doctor(capsys, config)
    assert code == 1
    assert "[slack] signing_secret is not set" in line(out, "✗ slack:") and "Basic Information" in out
    assert not fakes.slack.calls_to("apps.connections.open")

    code, out = await doctor(capsys, write_config(tmp_path, fakes, slack={"mode": "http", "signing_secret": "s3cr3t-SECRET"}))
    assert code == 0, out
    assert "HTTP mode: [slack] signing_secret is set" in out and "s3cr3t-SECRET" not in out


async def test_a_wrong_discord_token_is_rejected_with_the_fix(tmp_path: Path, fakes: Fakes,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes, discord={"token": "wrong-SECRET-token"})
    code, out = await doctor(capsys, config)
    assert code == 1
    failed = line(out, "✗ discord:")
    assert "[discord] token is rejected: Discord answered 401" in failed
    assert "Developer Portal" in failed and "Bot → Reset Token" in failed
    assert len(fakes.discord.find("GET", "/users/@me")) == 1


async def test_discord_settings_the_start_would_refuse_are_named(tmp_path: Path, fakes: Fakes,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out = await doctor(capsys, write_config(tmp_path, fakes, discord={"shard_ids": [0]}))
    assert code == 1
    assert "[discord] shard_ids needs [discord] shard_count" in line(out, "✗ discord:")


async def test_slack_not_answering_names_slack_base_url_once(tmp_path: Path, fakes: Fakes,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/"
    code, out = await doctor(capsys, write_config(tmp_path, fakes, slack={"base_url": closed}))
    assert code == 1
    failed = line(out, "✗ slack:")
    assert f"[slack] base_url ({closed}) could not be used for auth.test: connection refused" in failed
    assert "firewall or proxy" in failed
    assert "[slack] app_token not checked: Slack could not be reached" in line(out, "– slack:")


# ---- the database ---------------------------------------------------------------------------------

async def test_postgresql_on_a_closed_port_names_database_url_and_the_fix(tmp_path: Path, fakes: Fakes,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    config = write_config(tmp_path, fakes, database={"url": f"postgresql://paperbot:{DB_PASSWORD}@127.0.0.1:{port}/paperbot"})
    code, out = await doctor(capsys, config)
    assert code == 1
    failed = line(out, "✗ database:")
    assert "[database] url (postgresql+asyncpg://paperbot:***@127.0.0.1" in failed
    assert f"connection refused on 127.0.0.1:{port}" in failed
    assert f"start PostgreSQL on 127.0.0.1:{port}, or correct the host and port in [database] url" in failed
    assert "could not be read" in line(out, "– migrations:")


def _postgres_answers() -> bool:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.mark.postgres
async def test_a_postgresql_database_that_does_not_exist_is_said_so(tmp_path: Path, fakes: Fakes,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    if not _postgres_answers():
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(database="paperbot_doctor_no_such_db").render_as_string(hide_password=False)
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": url}))
    assert code == 1
    failed = line(out, "✗ database:")
    assert "the database does not exist" in failed and "there is no database 'paperbot_doctor_no_such_db'" in failed
    assert "createdb" in failed


async def test_a_database_url_of_an_unsupported_kind_says_what_is_accepted(tmp_path: Path, fakes: Fakes,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes, database={"url": f"mysql://paperbot:{DB_PASSWORD}@db/paperbot"})
    code, out = await doctor(capsys, config)
    assert code == 1
    failed = line(out, "✗ database:")
    assert "scheme 'mysql' is not supported" in failed and "postgresql://" in failed and "sqlite:///" in failed


async def test_sqlite_in_a_folder_that_does_not_exist(tmp_path: Path, fakes: Fakes,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": sqlite_url(missing / "bot.sqlite3")}))
    assert code == 1
    failed = line(out, "✗ database:")
    assert "[database] url" in failed and f"the folder {missing} does not exist" in failed
    assert f"mkdir -p {missing}" in failed
    assert not missing.exists()


async def test_a_url_from_the_environment_gets_a_fix_naming_the_environment(
        tmp_path: Path, fakes: Fakes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """PAPERBOT_DATABASE_URL wins over the file's key: the fix sends the reader to the variable, not the key."""
    missing = tmp_path / "no" / "such" / "folder"
    monkeypatch.setenv("PAPERBOT_DATABASE_URL", sqlite_url(missing / "bot.sqlite3"))
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    failed = line(out, "✗ database:")
    assert failed.startswith("✗ database: PAPERBOT_DATABASE_URL (") and "set PAPERBOT_DATABASE_URL to a file in an existing folder" in failed
    assert "[database] url" not in failed


async def test_sqlite_in_a_folder_that_is_not_writable(tmp_path: Path, fakes: Fakes,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with unwritable_folder(tmp_path) as folder:
        code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": sqlite_url(folder / "bot.sqlite3")}))
    assert code == 1
    failed = line(out, "✗ database:")
    assert "its folder is not writable" in failed and f"may not create files in {folder}" in failed
    assert f"give this user write access to {folder}" in failed


async def test_a_data_folder_that_cannot_be_made_is_named_with_the_fix_and_the_rest_still_runs(
        tmp_path: Path, fakes: Fakes, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "data" / "paperbot"  # the user data folder (XDG_DATA_HOME is tmp_path/data)
    blocker.parent.mkdir()
    blocker.write_text("a file where the folder should be")
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": ""}))
    assert code == 1
    failed = line(out, "✗ data folder:")
    assert f"{blocker} cannot be used" in failed and f"{blocker} is a file, not a folder" in failed
    assert "it would hold the database" in failed and "PAPERBOT_DATABASE_URL" in failed and "XDG_DATA_HOME" in failed
    assert line(out, "– database:").endswith("the data folder, which cannot be used")
    assert line(out, "✓ source huggingface:") and line(out, "✓ config:")  # the other checks still ran


async def test_a_data_folder_nothing_uses_is_not_a_failure(tmp_path: Path, fakes: Fakes,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data").write_text("")  # XDG_DATA_HOME itself is a file; the database is configured elsewhere
    code, out = await doctor(capsys, write_config(tmp_path, fakes, chat=False))
    assert code == 0, out
    assert "nothing configured here needs it" in line(out, "– data folder:")


async def test_a_sqlite_file_that_refuses_writes_is_not_writable_as_start_up_says(
        tmp_path: Path, fakes: Fakes, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bot.sqlite3"
    await upgrade(sqlite_url(path))
    header = bytearray(path.read_bytes())
    header[18] = 3  # write version > 2: SQLite opens it read-only, as on a read-only mount (modes do not stop root)
    path.write_bytes(bytes(header))
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": sqlite_url(path)}))
    assert code == 1
    failed = line(out, "✗ database:")
    assert "cannot be used: the file is not writable" in failed and f"give this user write access to {path}" in failed
    with pytest.raises(ConfigError) as start:  # what every start says: the same words
        await upgrade(sqlite_url(path))
    assert "cannot be used: the file is not writable" in str(start.value)


async def test_migrations_behind_say_run_db_upgrade_and_are_not_applied(tmp_path: Path, fakes: Fakes,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url(tmp_path / "bot.sqlite3")
    await upgrade(url, "0006")  # a database an older paperbot made
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    failed = line(out, "✗ migrations:")
    assert f"behind: the database is at revision 0006, this paperbot's newest is {head_revision()}" in failed
    assert "run `paperbot db upgrade` (migrations also apply at every start)" in failed
    assert await current_revision(url) == "0006"  # read, not upgraded


async def at_revision(path: Path, revision: str) -> None:
    """A current SQLite database at ``path`` whose revision row says ``revision`` (a newer paperbot's, say)."""
    await upgrade(sqlite_url(path))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))


async def test_migrations_ahead_say_a_newer_paperbot_upgraded_it(tmp_path: Path, fakes: Fakes,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    await at_revision(tmp_path / "bot.sqlite3", "9001")
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    assert "this database was upgraded by a newer paperbot" in line(out, "✗ migrations:")


async def test_a_table_dropped_at_the_current_revision_fails_and_names_it(db_url: str, tmp_path: Path, fakes: Fakes,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The revision row says current, the schema does not agree: named, with a fix (SQLite and PostgreSQL)."""
    await upgrade(db_url)
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": db_url}))
    assert "the schema matches" in line(out, "✓ migrations:")
    async with SqlStore.connect(db_url) as store:
        assert store.engine is not None
        async with store.engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE feed_tokens")
    code, out = await doctor(capsys, write_config(tmp_path, fakes, database={"url": db_url}))
    assert code == 1
    failed = line(out, "✗ migrations:")
    assert f"says revision {head_revision()} (current), but its schema differs: missing table feed_tokens" in failed
    assert "fix: restore the database from a backup" in failed


async def test_doctor_and_db_upgrade_say_the_same_of_a_newer_paperbots_database(tmp_path: Path, fakes: Fakes,
                                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    await at_revision(tmp_path / "bot.sqlite3", "0014")
    config = write_config(tmp_path, fakes)
    _, out = await doctor(capsys, config)
    told = f"ahead: the database is at revision 0014, which this paperbot does not know (its newest is {head_revision()})"
    assert told in line(out, "✗ migrations:")
    code = await asyncio.to_thread(main, ["--config", str(config), "db", "upgrade"])
    err = capsys.readouterr().err
    assert code == 2 and told in err and "this database was upgraded by a newer paperbot" in err, err
    assert "ResolutionError" not in err


# ---- sources --------------------------------------------------------------------------------------

async def test_an_unreachable_source_names_its_url_key_what_failed_and_the_fix(tmp_path: Path, fakes: Fakes,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    config = write_config(tmp_path, fakes, sources__huggingface={"base_url": closed},
                          sources__arxiv={"api_base_url": closed})
    code, out = await doctor(capsys, config)
    assert code == 1
    hf = line(out, "✗ source huggingface:")
    assert f"[sources.huggingface] base_url ({closed}) could not be used: connection refused" in hf
    assert "firewall or proxy" in hf and "[sources.huggingface] enabled = false" in hf
    assert "[sources.arxiv] api_base_url" in line(out, "✗ source arxiv api:")
    assert "✓ source arxiv rss:" in out  # the RSS feed answered: only the API's key is named
    assert "2 checks failed" in out


async def test_a_source_answering_503_or_not_a_feed_is_told_apart(tmp_path: Path, fakes: Fakes,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    fakes.papers.fail("/api/daily_papers", 503)
    fakes.papers.route("/rss/cs.LG", Reply(b"<html><body>Please log in to the proxy</body></html>", content_type="text/html"))
    code, out = await doctor(capsys, write_config(tmp_path, fakes))
    assert code == 1
    hf = line(out, "✗ source huggingface:")
    assert "could not be used: HTTP 503" in hf and "try again in a few minutes" in hf
    assert "answered, but not as arXiv's RSS feed" in line(out, "✗ source arxiv rss:")


# ---- config and embedding -------------------------------------------------------------------------

async def test_a_config_error_is_the_first_finding_naming_the_key_never_the_secret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "paperbot.toml"
    config.write_text(f'[slack]\nbot_token = ["{SLACK_BOT_TOKEN}"]\nbot_tokn = "x"\n', encoding="utf-8")
    code, out = await doctor(capsys, config)
    assert code == 1
    failed = line(out, "✗ config:")
    assert f"config file {config} is not valid" in failed
    assert "[slack] bot_token: a list (not shown) is not a string" in failed
    assert "[slack] bot_tokn: unknown key" in failed and "config.example.toml" in failed
    assert "The other checks need the config" in out and "database" not in out


async def test_a_wrong_type_is_a_config_finding_not_every_key_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pydantic's lax mode took ``count = true`` as 1 and ``enabled = "yes"`` as true: the doctor said every key valid."""
    config = tmp_path / "paperbot.toml"
    config.write_text('[digest]\ncount = true\n[sources.huggingface]\nenabled = "yes"\nbase_url = "not a url"\n',
                      encoding="utf-8")
    code, out = await doctor(capsys, config)
    assert code == 1 and "every key valid" not in out
    failed = line(out, "✗ config:")
    assert "[digest] count: true is not a whole number from 1 to 25" in failed
    assert '[sources.huggingface] enabled: "yes" is not true or false' in failed
    assert '[sources.huggingface] base_url: "not a url" is not an http(s) URL; use e.g. "https://huggingface.co"' in failed


async def test_a_config_file_that_is_not_utf8_is_a_finding_not_a_traceback(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "binary.toml"
    config.write_bytes(b"\xff\xfe garbage")
    code, out = await doctor(capsys, config)
    assert code == 1
    failed = line(out, "✗ config:")
    assert "is not UTF-8 text (byte 0xff at position 0)" in failed and "save the config file as UTF-8" in failed
    code = await asyncio.to_thread(main, ["--config", str(config), "digest"])
    assert code == 2 and "is not UTF-8 text (byte 0xff at position 0)" in capsys.readouterr().err


async def test_a_model_dir_that_does_not_exist_says_so_not_install_the_extra(tmp_path: Path, fakes: Fakes,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent"
    code, out = await doctor(capsys, write_config(tmp_path, fakes, embedding={"enabled": True, "model_dir": str(missing)}))
    assert code == 1
    failed = line(out, "✗ embedding:")
    assert f"[embedding] model_dir ({missing}): folder does not exist" in failed
    assert "point model_dir at a sentence-transformers folder or leave it empty" in failed
    assert "pip install" not in failed and "lacks" not in failed


async def test_a_missing_config_file_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = await doctor(capsys, tmp_path / "nope.toml")
    assert code == 1
    assert "does not exist" in line(out, "✗ config:") and "--config" in line(out, "✗ config:")


async def test_embedding_packages_missing_say_which_extra_to_install(tmp_path: Path, fakes: Fakes,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("sentence_transformers", "torch", "onnxruntime", "fastembed"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as when the extra is not installed
    code, out = await doctor(capsys, write_config(tmp_path, fakes, embedding={"enabled": True}))
    assert code == 1
    failed = line(out, "✗ embedding:")
    assert "cannot be built" in failed and "onnxruntime" in out and "pip install -e '.[embeddings]'" in failed
    assert "[embedding] enabled = false" in failed


@pytest.mark.real_model
async def test_the_configured_embedding_model_loads_and_embeds_a_sentence(tmp_path: Path, fakes: Fakes,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out = await doctor(capsys, write_config(tmp_path, fakes, embedding={"enabled": True}))
    assert code == 0, out
    assert "embedded a sentence (384 dimensions" in line(out, "✓ embedding:")


# ---- run --check ----------------------------------------------------------------------------------

async def test_run_check_gives_the_doctors_result_and_starts_nothing(tmp_path: Path, fakes: Fakes,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, fakes)
    await upgrade(sqlite_url(tmp_path / "bot.sqlite3"))
    code, checked = await doctor(capsys, config, "run", "--check")
    assert code == 0, checked
    _, doctored = await doctor(capsys, config, "doctor")
    assert checked == doctored
    assert fakes.discord.identifies == [] and not fakes.discord.find("GET", "/gateway")  # no gateway session
    assert not fakes.slack._socket_ready.is_set()  # the Socket Mode URL was asked for, never connected to
    assert not [c for c in fakes.slack.calls if c.method == "chat.postMessage"]
    assert fakes.papers.requests_to("/rss/cs.LG") and all(r.query.get("limit") == "1"
                                                           for r in fakes.papers.requests_to("/api/daily_papers"))

    fakes.slack.failures["auth.test"] = [REFUSED]
    code, out = await doctor(capsys, config, "run", "--check")
    assert code == 1 and "[slack] bot_token is not valid" in out


# ---- the installed console script -----------------------------------------------------------------

async def test_the_console_script_on_an_ascii_terminal(tmp_path: Path, fakes: Fakes) -> None:
    """The real `paperbot` script, in its own process, on a terminal that cannot print ✓/✗."""
    script = Path(sys.executable).parent / "paperbot"
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (pip install -e . makes it)")
    config = write_config(tmp_path, fakes, discord={"token": "wrong-SECRET-token"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    env |= {"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii", "XDG_DATA_HOME": str(tmp_path / "data")}
    process = await asyncio.create_subprocess_exec(
        str(script), "--config", str(config), "doctor", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
    )
    raw_out, raw_err = await asyncio.wait_for(process.communicate(), timeout=120)
    out, err = raw_out.decode("ascii"), raw_err.decode()
    assert process.returncode == 1, out + err
    assert err == ""
    assert out.startswith("ok   config:")
    assert "FAIL discord: [discord] token is rejected" in out
    assert "skip embedding:" in out and "ok   source huggingface:" in out
    for secret in SECRETS:
        assert secret not in out
