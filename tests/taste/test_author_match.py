"""A followed name finds a paper's author by key: case folded, the affiliation in parentheses set
aside (on either side), spaces made one; a name that is only an affiliation names no one."""
from __future__ import annotations

import pytest

from bot.taste.author_match import names_author

AUTHORS = ("Jingqi Tong", "Ana Müller (ETH Zürich)", "J.-P. O'Neil")


@pytest.mark.parametrize("followed", ["Jingqi Tong", "jingqi tong", "Jingqi Tong (Fudan University)",
                                      "Jingqi  Tong", "Ana Müller", "ANA MÜLLER (ETH)", "J.-P. O'Neil", "Tong"])
def test_found(followed: str) -> None:
    assert names_author(followed, AUTHORS)


@pytest.mark.parametrize("followed", ["(ETH Zürich)", "()", "Grace Hopper", "Jingqi Tong2", "ETH"])
def test_not_found(followed: str) -> None:
    assert not names_author(followed, AUTHORS)
