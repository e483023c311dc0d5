"""The time-zone option's autocomplete on Discord matches the city part, spaces as underscores."""
from __future__ import annotations

from tests.harness.running_discord import Running
from tests.harness.waiting import eventually


async def test_the_time_zone_autocomplete_finds_a_city_typed_with_a_space(running: Running) -> None:
    """`/papers subscribe timezone:new york` offers America/New_York first (real discord.py autocomplete)."""
    it = await running.fake.slash("subscribe", [{"name": "timezone", "type": 3, "value": "new york"}], focused="timezone")
    await eventually(lambda: it.responses)
    [callback] = it.responses
    assert callback.body["type"] == 8
    assert callback.body["data"]["choices"][0]["value"] == "America/New_York"


async def test_invisible_and_full_width_characters_typed_into_an_option_are_read_as_seen(running: Running) -> None:
    """A zero-width space pasted in front, full-width letters: the autocomplete still finds the zone,
    and the typed value itself, run, is the zone (CommandSpec.from_options reads it as the parser does)."""
    it = await running.fake.slash("subscribe", [{"name": "timezone", "type": 3, "value": "\u200bｅｕｒｏｐｅ/ｂｅｒ"}],
                                  focused="timezone")
    await eventually(lambda: it.responses)
    [callback] = it.responses
    assert callback.body["data"]["choices"][0]["value"] == "Europe/Berlin"
