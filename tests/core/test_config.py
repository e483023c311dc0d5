from pathlib import Path

import pytest

from bot.config import config_from_dict, load_config
from bot.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_no_file_means_defaults() -> None:
    config = load_config(None, environ={})
    assert config.digest.count == 5 and config.database.url == ""
    assert not config.discord_enabled and not config.slack_enabled


def test_the_example_config_is_valid_and_documents_every_key() -> None:
    config = load_config(EXAMPLE, environ={})
    text = EXAMPLE.read_text()
    for section, model in config:
        assert f"[{section}]" in text or f"[{section}." in text, section
        for key in type(model).model_fields:
            if key not in ("huggingface", "arxiv"):
                assert f"{key} =" in text or f"# {key} =" in text, f"{section}.{key} undocumented"


def test_errors_name_the_key_and_what_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text('[digest]\ncount = 99\ncolour = "red"\n[slack]\nmode = "carrier-pigeon"\n[sources.arxiv]\nmin_interval_seconds = "soon"\n')
    with pytest.raises(ConfigError) as err:
        load_config(file, environ={})
    message = str(err.value)
    assert str(file) in message
    assert "[digest] count: 99 is not a whole number from 1 to 25" in message
    assert "[digest] colour: unknown key" in message
    assert '[slack] mode: "carrier-pigeon" is not one of "socket", "http"' in message
    assert '[sources.arxiv] min_interval_seconds: "soon" is not a number of 0 or more' in message


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[digest\ncount = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, environ={})


def test_config_path_from_environment(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text("[digest]\ncount = 7\n")
    assert load_config(None, environ={"PAPERBOT_CONFIG": str(file)}).digest.count == 7


def test_secrets_from_environment_win() -> None:
    config = config_from_dict(
        {"slack": {"bot_token": "from-file"}},
        environ={"PAPERBOT_SLACK_BOT_TOKEN": "xoxb-env", "PAPERBOT_DISCORD_TOKEN": "d", "PAPERBOT_DATABASE_URL": "sqlite:///x.db"},
    )
    assert config.slack.bot_token.get_secret_value() == "xoxb-env"
    assert config.discord_enabled and config.database.url == "sqlite:///x.db"
    assert "xoxb-env" not in repr(config)


@pytest.mark.hostile
def test_a_config_error_never_echoes_a_secret() -> None:
    """A token given as a list or a number, a password or a URL with credentials: the error names
    the key and the problem, never the value."""
    from tests.harness.tally import HOSTILE

    for data in ({"discord": {"token": ["tok-SECRET-1"]}}, {"slack": {"bot_token": 987654321}},
                 {"slack": {"signing_secret": ["SECRET-2"]}}, {"database": {"url": 12345, "password": ["SECRET-3"]}},
                 {"sources": {"arxiv": {"rss_base_url": ["https://u:SECRET-4@proxy"]}}},
                 {"answers": {"llm_api_key": {"k": "SECRET-5"}}}):
        with pytest.raises(ConfigError) as err:
            config_from_dict(data, environ={})
        text = str(err.value)
        assert "SECRET" not in text and "987654321" not in text and "12345" not in text, text
        HOSTILE.tried()


def test_the_kept_events_spool_must_name_a_file() -> None:
    assert config_from_dict({"retry": {"spool": " ~/kept.jsonl "}}, environ={}).retry.spool == "~/kept.jsonl"
    assert config_from_dict({}, environ={}).retry.spool == ""  # beside the database
    for bad, said in (("   ", "is only spaces"), ("/var/lib/paperbot/", "names a folder"), ("a\x00b", "NUL"),
                      (3, "is not a string")):
        with pytest.raises(ConfigError) as err:
            config_from_dict({"retry": {"spool": bad}}, environ={})
        assert "[retry] spool:" in str(err.value) and said in str(err.value), str(err.value)
        assert "e.g." in str(err.value) or said == "is not a string"


def test_a_key_names_the_variable_that_set_it_else_its_table_and_key() -> None:
    from_file = config_from_dict({"database": {"url": "sqlite:///file.sqlite3"}}, environ={})
    assert from_file.source_of("database", "url") == "[database] url"
    from_env = config_from_dict({"database": {"url": "sqlite:///file.sqlite3"}},
                                environ={"PAPERBOT_DATABASE_URL": "sqlite:///env.sqlite3"})
    assert from_env.source_of("database", "url") == "PAPERBOT_DATABASE_URL"
    assert from_env.model_copy().source_of("database", "url") == "PAPERBOT_DATABASE_URL"
    assert config_from_dict({}, environ={}).source_of("database", "url") == "[database] url"  # the default
