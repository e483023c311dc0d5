"""The CLI as a user runs it: real processes, a config file, local fake sources, a real SQLite file."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.harness.cli_process import paperbot, write_config
from tests.harness.fixtures_paths import HF_DAY_07
from tests.harness.fixtures_paths import RSS_4_ITEMS as RSS
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.running_slack import free_port


async def test_fetch_then_digest_through_the_configured_base_urls(tmp_path: Path) -> None:
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.file(HF_DAY_07))
        server.route("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply.file(RSS, content_type="application/rss+xml"))
        config = write_config(tmp_path, server)

        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2025-11-07", "--source", "hf", cwd=tmp_path)
        assert code == 0, err
        assert "Fetched 15 papers for 2025-11-07: 15 new, 0 updated." in out
        (request,) = server.requests_to("/api/daily_papers")
        assert request.query["date"] == "2025-11-07" and request.query["p"] == "0"

        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2026-09-24", "--source", "arxiv", cwd=tmp_path)
        assert code == 0, err
        assert "Fetched 3 papers for 2026-09-24: 3 new, 0 updated." in out  # 2 new + 1 cross; the replacement is left out
        assert len(server.requests_to("/rss/cs.LG+cs.AI+cs.CL+stat.ML")) == 1

        code, out, err = await paperbot("--config", str(config), "digest", "--date", "2025-11-07", "--count", "3", cwd=tmp_path)
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0] == "Top 3 papers of Fri 7 Nov 2025"
        assert "2511.04570" in lines[2] and "242" in lines[2] and "Thinking with Video" in lines[2]
        assert len([line for line in lines if line[:2].strip().isdigit()]) == 3


async def test_a_fetch_of_one_paper_says_one_paper(tmp_path: Path) -> None:
    """The count agrees with its number: "Fetched 1 paper", not "Fetched 1 papers"."""
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.json(json.loads(HF_DAY_07.read_text())[:1]))
        config = write_config(tmp_path, server)
        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2025-11-07", "--source", "hf", cwd=tmp_path)
        assert code == 0, err
        assert "Fetched 1 paper for 2025-11-07: 1 new, 0 updated." in out


async def test_fetch_reports_a_failing_source_and_keeps_the_rest(tmp_path: Path) -> None:
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.json({"error": "bad date"}, status=400))
        server.route("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply.file(RSS, content_type="application/rss+xml"))
        config = write_config(tmp_path, server)
        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2026-09-24", cwd=tmp_path)
        assert code == 1
        assert "Failed sources: huggingface" in out
        assert "HTTP 400" in err


async def test_a_one_shot_fetch_without_network_fails_at_once_in_one_line_per_source(tmp_path: Path) -> None:
    """No max_retries or timeouts in the config: `paperbot fetch` does not retry with backoff as `run` does."""
    closed = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "paperbot.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.sqlite3"}"\n'
                      f'[sources.huggingface]\nbase_url = "{closed}"\n'
                      f'[sources.arxiv]\nrss_base_url = "{closed}"\napi_base_url = "{closed}"\n')
    started = time.monotonic()
    code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2026-09-24", cwd=tmp_path)
    assert time.monotonic() - started < 10  # was 30 s here: 4 retries a source, 1 + 2 + 4 + 8 s of backoff
    assert code == 1 and "Failed sources: huggingface, arxiv" in out
    lines = err.splitlines()
    assert len(lines) == 2 and "Hugging Face: GET" in lines[0] and "arXiv: GET" in lines[1], lines
    assert "retry" not in err


async def test_run_without_credentials_explains_what_to_configure(tmp_path: Path) -> None:
    code, out, _ = await paperbot("run", cwd=tmp_path)
    assert code == 2
    assert "no chat platform is configured" in out
    assert "PAPERBOT_DISCORD_TOKEN" in out and "PAPERBOT_SLACK_BOT_TOKEN" in out and "paperbot demo" in out


async def test_a_wrong_config_stops_start_up_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[digest]\ncount = "five"\n[sources.arxiv]\ncategory = ["cs.LG"]\n')
    code, _, err = await paperbot("--config", str(bad), "digest", cwd=tmp_path)
    assert code == 2
    assert "[digest] count" in err and "[sources.arxiv] category: unknown key" in err
    code, _, err = await paperbot("digest", env_extra={"PAPERBOT_CONFIG": str(tmp_path / "missing.toml")}, cwd=tmp_path)
    assert code == 2 and "missing.toml does not exist (from PAPERBOT_CONFIG)" in err


async def test_db_upgrade_and_bad_arguments(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    code, out, err = await paperbot("db", "upgrade", env_extra={"PAPERBOT_DATABASE_URL": url}, cwd=tmp_path)
    assert code == 0, err
    assert "is at the latest schema" in out and (tmp_path / "x.sqlite3").exists()
    code, _, err = await paperbot("fetch", "--week", "2025-W99", cwd=tmp_path)
    assert code == 2 and "'2025-W99' is not an ISO week" in err
    code, _, err = await paperbot("digest", env_extra={"PAPERBOT_DATABASE_URL": url}, cwd=tmp_path)
    assert code == 1 and "No papers are stored yet" in err


async def test_every_entry_point_refuses_a_newer_paperbots_database_in_the_doctors_words(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    code, _, err = await paperbot("db", "upgrade", env_extra={"PAPERBOT_DATABASE_URL": url}, cwd=tmp_path)
    assert code == 0, err
    with sqlite3.connect(tmp_path / "x.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0014'")
    for command in (["db", "upgrade"], ["digest"], ["demo", "--db", url]):
        code, _, err = await paperbot(*command, env_extra={"PAPERBOT_DATABASE_URL": url}, cwd=tmp_path)
        assert code == 2, (command, err)
        assert "ahead: the database is at revision 0014, which this paperbot does not know" in err, (command, err)
        assert "upgraded by a newer paperbot" in err and "ResolutionError" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("url", ["mysql://root@localhost/x"])
async def test_unsupported_database_is_refused_clearly(tmp_path: Path, url: str) -> None:
    code, _, err = await paperbot("db", "upgrade", env_extra={"PAPERBOT_DATABASE_URL": url}, cwd=tmp_path)
    assert code == 2 and "mysql" in err  # a configuration error: exit 2, as for every one


async def test_a_database_that_cannot_be_used_is_named_by_where_its_url_came_from(tmp_path: Path) -> None:
    """--db, PAPERBOT_DATABASE_URL or the config file's key: the one line names the place to fix."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.sqlite3'}"
    config = tmp_path / "paperbot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    code, _, err = await paperbot("--config", str(config), "db", "upgrade", cwd=tmp_path)
    assert code == 2 and f"[database] url ({url}) cannot be used: its folder does not exist" in err, err
    code, _, err = await paperbot("--config", str(config), "db", "upgrade", cwd=tmp_path,
                                  env_extra={"PAPERBOT_DATABASE_URL": url.replace("x.sqlite3", "y.sqlite3")})
    assert code == 2 and err.startswith("paperbot: PAPERBOT_DATABASE_URL (sqlite"), err  # the variable wins over the file
    code, _, err = await paperbot("demo", "--db", url, cwd=tmp_path)
    assert code == 2 and f"--db ({url}) cannot be used: its folder does not exist" in err, err


async def test_a_failing_source_is_named_once_and_told_in_our_words(tmp_path: Path) -> None:
    """A guarded call's message names its source already ("Hugging Face: Hugging Face: …" was printed),
    and aiohttp's own words ("TooManyRedirects: 0, message=''") are never what a person reads."""
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply(b"", 302, "text/plain", {"Location": "/api/daily_papers"}))
        server.route("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply(b"", 200, delay=5.0))
        config = write_config(tmp_path, server)
        config.write_text(config.read_text().replace("max_retries = 1\n", "max_retries = 1\ndeadline_seconds = 1\n"))
        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2026-09-24", cwd=tmp_path)
    assert code == 1 and "Failed sources: huggingface, arxiv" in out
    [hf, arxiv] = err.splitlines()
    assert hf.count("Hugging Face") == 1 and "too many redirects" in hf and "TooManyRedirects" not in hf, hf
    assert arxiv.count("arXiv") == 1 and "took longer than 1 s" in arxiv, arxiv
