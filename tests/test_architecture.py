"""The dependency direction adapters → bot ← storage, enforced (import-linter contracts in pyproject)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = {"discord", "slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "asyncpg", "aiosqlite", "prometheus_client", "adapters", "storage", "paperbot"}


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_core_has_no_forbidden_import_even_lazily() -> None:
    """A second, independent check: scans every import statement in bot/, including ones inside functions."""
    offenders = []
    for file in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{file.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN_IN_CORE]
    assert offenders == []


def _calls(package: str) -> list[tuple[str, int, str]]:
    """(file, line, name) of every call of a plain name or an attribute in ``package``."""
    found = []
    for file in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                found.append((str(file.relative_to(ROOT)), node.lineno, name))
    return found


def test_the_core_probes_no_capability() -> None:
    """Ports are typed Protocols: bot/ never asks an object whether it has a method."""
    probes = [f"{f}:{line} {name}" for f, line, name in _calls("bot") if name in ("getattr", "hasattr", "setattr")]
    assert probes == []


# What only the core does: record posts and threads, decide threads, store signals, finish outbox rows.
CORE_ONLY = {"record_posts", "record_threads", "threads_for", "threads_of_papers", "set_thread_mode", "open_threads",
             "add_reaction", "remove_reaction", "add_thread_activity", "seen_event", "finish_sent", "publish"}


def test_adapters_neither_record_nor_decide_threads() -> None:
    """Adapters turn events into core calls and core replies into messages; sending, recording and
    threading are decided once, in bot/ (``bot.usecases.publishing``, ``bot.usecases.discussion``)."""
    offenders = [f"{f}:{line} {name}" for f, line, name in _calls("adapters") if name in CORE_ONLY]
    store_use = []
    for file in (ROOT / "adapters").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                store_use.append(f"{file.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [] and store_use == []
