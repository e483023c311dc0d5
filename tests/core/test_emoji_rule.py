"""What a typed reaction is (bot.emoji.is_emoji, EmojiTable.knows): a real emoji, or one the table
knows by name — never any word (the demo stored 'notanemoji' as a reaction)."""
from __future__ import annotations

import pytest

from adapters.console.emoji_names import emoji_from_text
from bot.emoji import is_emoji
from bot.taste.signals import DEFAULT_EMOJI, EmojiTable


@pytest.mark.parametrize("text", ["👍", "👍🏽", "❤️", "🤷", "👩\u200d🔬", "🇫🇷", "1️⃣", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"])
def test_real_emoji_are_emoji(text: str) -> None:
    assert is_emoji(text)


@pytest.mark.parametrize("text", ["notanemoji", "a" * 80, "1", ":", "", "👍x", "<@U1>", "→"])
def test_words_are_not(text: str) -> None:
    assert not is_emoji(text)


def test_a_reaction_is_a_real_emoji_or_a_name_the_table_knows() -> None:
    assert emoji_from_text("thumbsup", DEFAULT_EMOJI) == "👍" and emoji_from_text(":+1:", DEFAULT_EMOJI) == "👍"
    assert emoji_from_text("🤷\u200b", DEFAULT_EMOJI) == "🤷"
    assert emoji_from_text("notanemoji", DEFAULT_EMOJI) is None
    custom = EmojiTable.of(("partyparrot",), ())
    assert emoji_from_text(":partyparrot:", custom) == ":partyparrot:" and custom.knows(":partyparrot:")
    assert emoji_from_text("partyparrot", DEFAULT_EMOJI) is None
