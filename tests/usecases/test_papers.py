import pytest

from bot.app import PaperBot
from bot.domain import Paper
from bot.errors import NotFoundError, SourceError
from bot.replies import PaperReply
from tests.harness.sample import NOW


@pytest.mark.parametrize(
    "form",
    [
        "2511.04570",
        "2511.04570v2",
        "https://arxiv.org/abs/2511.04570",
        "https://arxiv.org/pdf/2511.04570v1",
        "https://huggingface.co/papers/2511.04570",
    ],
)
async def test_one_paper_by_any_form(bot, member, form) -> None:
    reply = await bot.handle(member, f"paper {form}")
    assert isinstance(reply, PaperReply)
    assert reply.paper.arxiv_id == "2511.04570"
    assert reply.paper.title.startswith("Thinking with Video")
    assert reply.paper.upvotes == 242


class RecordingResolver:
    """A resolver port stand-in; the real HF/arXiv resolvers are tested against recorded payloads."""

    name = "recording"

    def __init__(self, papers=(), fail=False):
        self.asked: list[str] = []
        self.papers = {p.arxiv_id: p for p in papers}
        self.fail = fail

    async def resolve(self, arxiv_id):
        self.asked.append(arxiv_id)
        if self.fail:
            raise SourceError("unreachable")
        return self.papers.get(arxiv_id)


async def test_unknown_paper_is_fetched_once_and_stored(store, member) -> None:
    resolver = RecordingResolver([Paper("1707.08567", "A remote paper", version=2, sources=frozenset({"arxiv"}))])
    bot = PaperBot(store, resolvers=[resolver], clock=lambda: NOW)
    assert (await bot.handle(member, "paper 1707.08567v1")).paper.title == "A remote paper"
    assert (await bot.handle(member, "paper 1707.08567")).paper.version == 2
    assert resolver.asked == ["1707.08567"]  # second time from the store
    assert (await store.get_paper("1707.08567")) is not None


async def test_missing_paper_says_where_it_looked(store, member) -> None:
    bot = PaperBot(store, resolvers=[RecordingResolver(fail=True)], clock=lambda: NOW)
    with pytest.raises(NotFoundError) as err:
        await bot.handle(member, "paper 2501.00001")
    assert "2501.00001" in str(err.value) and "recording could not be reached" in str(err.value)


async def test_a_version_not_stored_is_named_in_the_reply(store, member) -> None:
    await store.upsert_papers([Paper("1707.08567", "A paper at v2", version=2, sources=frozenset({"arxiv"}))])
    bot = PaperBot(store, clock=lambda: NOW)
    newer = await bot.handle(member, "paper 1707.08567v99")
    assert newer.paper.version == 2 and newer.why == "v99 is not known; showing v2, the latest stored."
    older = await bot.handle(member, "paper https://arxiv.org/abs/1707.08567v1")
    assert older.why is not None and "showing v2, the latest stored" in older.why
    assert "https://arxiv.org/abs/1707.08567v1" in older.why
    for same in ("paper 1707.08567v2", "paper 1707.08567"):
        assert (await bot.handle(member, same)).why is None
