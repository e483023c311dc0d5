"""`paperbot demo --db …` runs with a data folder it may not write (a read-only home): its history,
exports and posted files go beside the given SQLite file; with a database that is no file
(PostgreSQL) and no usable data folder it keeps none, says so once, and prints exports instead.

Real `paperbot demo` processes (piped, and on a pseudo-terminal), the hash embedder for the model.
"""
from __future__ import annotations

import re
from pathlib import Path

from paperbot.commands.demo_files import demo_files
from tests.harness.demo import DemoTerminal, run_demo
from tests.harness.read_only import unwritable_folder

EXPORT = "react 1 🔖\n/papers export bibtex\nquit\n"


async def test_piped_demo_with_db_and_a_read_only_data_folder(tmp_path: Path, db_url: str) -> None:
    with unwritable_folder(tmp_path) as data_home:
        result = run_demo(tmp_path, EXPORT, "--db", db_url, embedder="hash", data_home=data_home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "cannot be used" not in result.stdout
    written = re.findall(r"^Written to (.+)$", result.stdout, flags=re.MULTILINE)
    if db_url.startswith("sqlite"):
        assert [Path(p).parent for p in written] == [tmp_path]  # beside the --db file
        assert "Note:" not in result.stderr
    else:  # PostgreSQL: no file to sit beside, no data folder: nothing kept, said once, the export printed
        assert written == [] and "@misc{" in result.stdout
        notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
        assert len(notes) == 1 and f"the data folder {data_home / 'paperbot'} cannot be used" in notes[0], result.stderr


def test_at_a_terminal_the_history_is_kept_beside_the_db_file(tmp_path: Path) -> None:
    with unwritable_folder(tmp_path) as data_home:
        term = DemoTerminal(tmp_path, "--db", f"sqlite+aiosqlite:///{tmp_path / 'own.db'}", data_home=data_home)
        try:
            term.expect_prompt()
            term.send("time\r")
            term.expect("Demo time:")
            term.expect_prompt()
            term.send("quit\r")
            assert term.wait(5) == 0
        finally:
            term.close()
    assert "Traceback" not in term.output
    assert "+time" in (tmp_path / "demo_history").read_text()


def test_the_folder_rule(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert demo_files(f"sqlite+aiosqlite:///{tmp_path / 'x' / 'own.db'}").folder == tmp_path / "x"
    assert demo_files("postgresql+asyncpg://u@h/db").folder == tmp_path / "data" / "paperbot"
    (tmp_path / "blocked").write_text("a file where the data home should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "blocked"))
    files = demo_files("postgresql+asyncpg://u@h/db")
    assert files.folder is None and files.history is None and files.note is not None
    assert "is a file, not a folder" in files.note
