"""A data folder that cannot be used is a ConfigError naming it, why, and what to do — not an OSError
from mkdir. (As root, modes do not stop writes: a file in the folder's place and a read-only file
system, simulated where the probe writes, stand in.)"""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from bot.errors import ConfigError
from storage import data_folder
from storage.database import default_database_url


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    place = tmp_path / "xdg" / "paperbot"
    monkeypatch.setattr(data_folder, "user_data_dir", lambda app: str(place))
    return place


def test_a_file_where_the_folder_should_be(folder: Path) -> None:
    folder.parent.mkdir()
    folder.write_text("not a folder")
    with pytest.raises(ConfigError) as err:
        default_database_url()
    text = str(err.value)
    assert text.startswith(f"the data folder {folder} cannot be used: {folder} is a file, not a folder;")
    assert "PAPERBOT_DATABASE_URL" in text and "XDG_DATA_HOME" in text and "writable folder" in text


def test_a_file_where_a_parent_folder_should_be(folder: Path) -> None:
    folder.parent.write_text("")
    assert data_folder.data_folder_problem(folder) == f"{folder.parent} is a file, not a folder"


def test_a_read_only_file_system(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(**_: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(data_folder.tempfile, "mkstemp", refused)
    with pytest.raises(ConfigError, match="cannot be used: it is on a read-only file system; make it a writable folder"):
        data_folder.data_folder()


def test_a_usable_folder_is_made_and_left_clean(folder: Path) -> None:
    assert data_folder.data_folder() == folder and folder.is_dir() and list(folder.iterdir()) == []
