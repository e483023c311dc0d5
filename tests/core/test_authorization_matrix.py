"""The hostile-input suite's authorization matrix: every subcommand, run by a member and by a channel
manager. A member may do everything but change the channel; a manager may do that too; and every
command a member is refused must declare that it manages the channel — else a Slack adapter, which
looks the permission up only when the declaration asks, would refuse the managers too (as
`/papers forget channel` once did)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.commands import parse_command, specs
from bot.domain import ChannelRef, Requester
from bot.errors import PermissionDeniedError
from storage.store import SqlStore
from tests.harness.embedders import HashEmbedder
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, VIDEO, load_sample
from tests.harness.tally import HOSTILE

pytestmark = pytest.mark.hostile

CHANNEL = ChannelRef("slack", "T1", "C1")
MEMBER, MANAGER = Requester(CHANNEL, "U-member"), Requester(CHANNEL, "U-admin", can_manage_channel=True)

# (command, a member may run it)
MATRIX = [
    ("today", True), ("today mine 3", True), ("week", True), (f"paper {VIDEO}", True), (f"like {VIDEO}", True),
    ('follow author:"Ada Lovelace"', True), ("prefs", True), ("forget me", True), ("forget me confirm", True),
    (f"similar {VIDEO}", True), (f"why {VIDEO}", True), (f"why {VIDEO} mine", True), ("search video", True),
    ("schedule", True), ("dm", True), ("tune", True), ("tune mine 3", True),
    ("dm on 08:30 Europe/Paris", True), ("dm settings trending:0.2", True), ("dm off", True), ("recap", True),
    ("settings", True), (f"ask {VIDEO} what is it?", True), ("help", True), ("help subscribe", True),
    ("subscribe 09:00 Europe/Berlin", False), ("unsubscribe", False), ("settings trending:0.5", False),
    ("settings threads:never", False), ("forget channel", False), ("forget channel confirm", False),
    ("recap on fri 16:00", False), ("recap off", False),
    ("saved", True), ("saved 2", True), ("export bibtex", True), ("export ris 2", True),
    ("feed mine", True), ("feed mine reset", True), ("stats", True), ("stats 4", True), ("feed", False), ("feed reset", False),
]


@pytest.fixture
async def bot(tmp_path: Path, head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    url = await head_schemas.sqlite(tmp_path / "bot.sqlite3")
    async with SqlStore.connect(url) as store:
        await load_sample(store)
        yield PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())


def test_the_matrix_covers_every_subcommand() -> None:
    covered = {text.split()[0] for text, _ in MATRIX}
    assert covered == {s.name for s in specs()}


@pytest.mark.parametrize(("text", "member_may"), MATRIX, ids=[t for t, _ in MATRIX])
async def test_members_and_managers_get_exactly_their_rights(bot: PaperBot, text: str, member_may: bool) -> None:
    command = parse_command(text)
    if member_may:
        await bot.handle(MEMBER, command)
    else:
        with pytest.raises(PermissionDeniedError):
            await bot.handle(MEMBER, command)
        assert bot.needs_manager(command), f"{text!r} refuses members but does not declare manages_channel"
    await bot.handle(MANAGER, command)  # a manager is never refused
    HOSTILE.tried(2)
