"""Discussion threads in `paperbot demo`: threads under posts, replies, grounded answers. Real MiniLM model.

One real `paperbot demo` process (the newcomer's path), then the console adapter in-process on
a real SQLite file with the one model of the session (the ``real_embedder`` fixture).
"""
from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.repl import ConsoleAdapter
from bot.app import PaperBot
from bot.discussion.engine import DiscussionEngine
from bot.taste.embedder import SentenceTransformerEmbedder
from bot.taste.onnx_embedder import OnnxEmbedder
from storage.store import SqlStore
from tests.harness.demo import embedded_sample_demo, run_demo
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample

SORA = "leverages video generation models, such as Sora-2, to bridge visual and textual reasoning"


@pytest.mark.real_model  # the demo process loads the model itself
def test_demo_threads_answer_from_the_abstract_or_say_it_does_not(tmp_path: Path, head_schemas: HeadSchemas,
                                                                  real_embedder: OnnxEmbedder) -> None:
    asyncio.run(embedded_sample_demo(tmp_path, head_schemas, real_embedder))  # not a first start: the sample is embedded
    result = run_demo(tmp_path, "\n".join([
        "ask 1 which video generation model do they use?",
        "ask 1 how many GPUs were used for training?",
        "/papers ask 2511.04460 what does V-Thinker use to synthesize datasets?",
        "/papers ask 2511.04460",
        "thread 1",
        "quit",
    ]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # Mode "always": each post shows its thread, opened with the summary, links and figures.
    assert out.count("   ↳ thread: ") == 5 + 1  # five posts, and `thread 1`
    assert "   ↳ thread: Thinking with Video: Video Generation as a Promising Multimodal Reasoning Paradigm" in out
    assert "   │   Summary: The \"Thinking with Video\" paradigm enhances multimodal reasoning" in out
    assert "GitHub tongjingqi/Thinking-with-Video ★ 309 · ▲ 242 upvotes · 💬 5 comments on Hugging Face" in out
    # A question the abstract answers: the sentence, quoted, with where it came from.
    answer = out.split("> ask 1 which video", 1)[1].split("> ask 1 how many", 1)[0]
    assert "The paper says:" in answer and SORA in answer.replace("\n   │   ", " ") and "(abstract)" in answer
    assert "extractive answer" in answer
    # One it cannot answer: it says so.
    unanswerable = out.split("> ask 1 how many GPUs", 1)[1].split("> /papers ask", 1)[0]
    assert "The paper doesn't say" in unanswerable and "The paper says:" not in unanswerable
    assert "Data Evolution Flywheel that automatically synthesizes" in out  # /papers ask, anywhere
    assert "⚠ ask a question after the paper" in out


@pytest.fixture
async def console(tmp_path: Path, real_embedder: SentenceTransformerEmbedder,
                  head_schemas: HeadSchemas) -> AsyncIterator[tuple[ConsoleAdapter, io.StringIO]]:
    url = await head_schemas.sqlite(tmp_path / "demo.sqlite3")
    store = SqlStore.connect(url)
    await load_sample(store)
    bot = PaperBot(store, clock=lambda: NOW, embedder=real_embedder, discussion=DiscussionEngine(real_embedder))
    await bot.taste.backfill()
    out = io.StringIO()
    yield ConsoleAdapter(bot, stdin=io.StringIO(), stdout=out, interactive=False), out
    await store.close()


async def run(adapter: ConsoleAdapter, out: io.StringIO, *lines: str) -> str:
    start = out.tell()
    for line in lines:
        adapter.say(f"> {line}")
        await adapter.handle_line(line)
    return out.getvalue()[start:]


async def test_first_reply_opens_the_thread_and_activity_teaches_the_channel(console) -> None:
    adapter, out = console
    text = await run(adapter, out, "/papers settings threads:first_reply", "/papers today 3 2025-11-07", "thread 2")
    assert "threads: first_reply" in text and "↳ thread:" not in text
    assert "Post 2 has no thread yet" in text
    text = await run(adapter, out, "reply 2 worth a read", "as bob", "ask 2 what do they synthesize?", "thread 2")
    opened = text.split("> as bob", 1)[0]
    assert opened.count("↳ thread: V-Thinker: Interactive Thinking with Images") == 1 and "│ you:" in opened
    asked = text.split("> ask 2", 1)[1].split("> thread 2", 1)[0]
    assert "↳ thread:" not in asked and "│ bob:" in asked and "About 2511.04460" in asked and "(abstract)" in asked
    shown = text.split("> thread 2", 1)[1]
    assert "│   worth a read" in shown and "│ bob:" in shown and "About 2511.04460" in shown
    # Two members discussed V-Thinker here: the channel's next digest ranks like it.
    text = await run(adapter, out, "/papers today 3 2025-11-05")
    assert 'why: close to "V-Thinker: Interactive Thinking with Images" (liked before)' in text


async def test_never_mode_and_bad_input(console) -> None:
    adapter, out = console
    text = await run(adapter, out, "/papers settings threads:never", "/papers today 1", "reply 1 hmm", "ask 1",
                     "reply 7 hello", "thread x")
    assert "↳ thread:" not in text
    assert "│ you:" in text  # the reply is still recorded (an interest signal), no thread opened
    assert "Usage: ask <post number> <question>" in text
    assert "There is no post 7 in this channel" in text
    assert "Usage: thread <post number>" in text
