"""The console adapter: a local "channel" in the terminal that speaks the same commands as chat.

Interactive on a terminal (a prompt with line editing and history, adapters.console.line_input);
when stdin is a pipe or file it reads commands line by line, echoes each one and prints the
replies, so the demo can be scripted and tested. Ctrl-C at the prompt leaves with exit code 130
(the shell's convention for "ended by SIGINT"); Ctrl-D, `quit` or the end of input leave with 0.
"""
from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from adapters.console.emoji_names import NOT_AN_EMOJI, emoji_from_text
from adapters.console.export import export_text, paged
from adapters.console.line_input import LineInput, PipedInput
from adapters.console.platform import ConsolePlatform
from adapters.console.render import render_stored_reaction, render_thread_lines
from bot.app import PaperBot
from bot.clock import ManualClock
from bot.discussion.threads import ThreadMessage, ThreadMode
from bot.domain import ChannelRef, Platform, Post, ReactionEvent, Requester
from bot.errors import PaperbotError
from bot.replies import DigestReply, ExportReply, PagedReply, PaperReply, Posted, Reply, TextReply
from bot.text import clean_text, shorten
from bot.usecases.reactions import ReactionOutcome

if TYPE_CHECKING:
    from bot.scheduling.scheduler import Scheduler

_log = logging.getLogger(__name__)

WAIT_STEP = timedelta(minutes=10)
INTERRUPTED = 130  # the exit code of a program ended by Ctrl-C (128 + SIGINT), as shells report it
_DURATION = re.compile(r"^([0-9]{1,5})(m|min|h|d)$")  # ASCII digits, few of them: never an overflow


def parse_duration(text: str) -> timedelta | None:
    """``90m``, ``6h``, ``2d`` → a timedelta (at most 14 days); None when it is not one."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    value, unit = int(match.group(1)), match.group(2)
    span = timedelta(days=value) if unit == "d" else timedelta(hours=value) if unit == "h" else timedelta(minutes=value)
    return span if timedelta(0) < span <= timedelta(days=14) else None


CONSOLE_CHANNEL = ChannelRef(Platform.CONSOLE.value, "local", "demo")

CONSOLE_HELP = """\
Type a command as you would in chat:
  /papers today [count] [YYYY-MM-DD]   top papers of the latest day (or that day)
  /papers week [count] [YYYY-Www]      top papers of a week
  /papers paper <arXiv id or URL>      one paper, with its abstract
  /papers subscribe [HH:MM] [Area/City] [count]   daily digest in this channel
  /papers unsubscribe                  stop it
  /papers ask <arXiv id> <question>    a question about one paper, answered from its text
  /papers settings threads:first_reply when posts get a thread: always | first_reply | never
  thread <post number>                 show that post's discussion thread
  reply <post number> <text>           reply in that post's thread (first_reply mode: opens it)
  ask <post number> <question>         mention the bot in that thread: a grounded answer
  react <post number> <emoji>          e.g. react 2 👍   (names work too: +1, -1, heart, fire)
  unreact <post number> <emoji>        take a reaction back
  posts                                the channel's recent posts and their reactions
  react <post number> 🔖               save a paper; /papers saved lists yours (unreact: unsave)
  /papers export bibtex                your saved papers as a .bib file (or ris), written to the data folder
  /papers dm on 08:30 Europe/Paris     your own digest as a direct message (shown here as ✉)
  /papers recap on fri 16:00           a weekly "what we discussed" post in this channel
  wait <duration>                      let time pass (e.g. wait 90m, wait 1d): scheduled posts, DMs
                                       and recaps that fall due are delivered, each exactly once
  time                                 the demo's clock
  as <name>                            act as another member (default: you)
  help                                 this text
  quit                                 leave"""


class ConsoleAdapter:
    def __init__(
        self,
        bot: PaperBot,
        *,
        channel: ChannelRef = CONSOLE_CHANNEL,
        user_id: str = "you",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        interactive: bool | None = None,
        scheduler: Scheduler | None = None,
        clock: ManualClock | None = None,
        platform: ConsolePlatform | None = None,
        line_input: LineInput | None = None,
        exports: Path | None = None,
    ) -> None:
        """``platform``: the transport the core posts through (the scheduler's too, so its posts show
        here); by default one printing to ``stdout``. ``line_input``: where lines come from (by
        default plain lines from ``stdin``, with a "> " prompt when it is a terminal). ``exports``: the
        folder `/papers export` writes its file to (None: the export is printed). Without
        ``stdout``, output goes to whatever ``sys.stdout`` is at the time (the line editor swaps it
        so that output does not garble the line being typed)."""
        self._bot = bot
        self._exports = exports
        self._scheduler = scheduler
        self._clock = clock
        self._channel = channel
        self._user = user_id
        self._in = stdin or sys.stdin
        self._out = stdout
        self._interactive = self._in.isatty() if interactive is None else interactive
        self._input = line_input or PipedInput(self._in, prompt=(stdout or sys.stdout) if self._interactive else None)
        self._thread_log: dict[str, list[tuple[str, str]]] = {}  # this session's thread messages, by post number
        self._platform = platform or ConsolePlatform(self.say, bot.next_post_number)
        self._platform.acting_as(lambda: self._user)
        self._getting_ready: asyncio.Task[object] | None = None

    def runs_after(self, work: asyncio.Task[object]) -> None:
        """``/papers`` commands wait for ``work`` (the ranking model getting ready behind the prompt);
        the console's own words (react, posts, thread, time, help …) do not."""
        self._getting_ready = work

    async def _until_ready(self) -> None:
        work = self._getting_ready
        if work is None or work.done():
            return
        self.say("(The ranking model is still getting ready; this command runs as soon as it is.)")
        await asyncio.wait([work])  # its failure is reported where it runs; the command goes on without it

    def say(self, text: str = "") -> None:
        print(text, file=self._out or sys.stdout, flush=True)

    @property
    def requester(self) -> Requester:
        # Whoever sits at the terminal manages its one channel.
        return Requester(self._channel, self._user, can_manage_channel=True, display_name=self._user)

    async def show(self, reply: Reply) -> None:
        match reply:
            case TextReply(text=text):
                self.say(text)
            case PagedReply() as page:
                self.say(paged(page))
            case ExportReply() as file:
                self.say(export_text(file, self._exports))
            case Posted(publication=DigestReply() | PaperReply() as publication):
                self._platform.flush()
                if publication.as_digest().items:
                    await self._hint()
            case _:
                self._platform.flush()

    async def _hint(self) -> None:
        mode = await self._bot.discussions.thread_mode(self._channel)
        discuss = ("; discuss with: reply <number> <text>, ask <number> <question>"
                   if mode is not ThreadMode.NEVER else "")
        self.say()
        self.say(f"React with: react <number> 👍  (or 👎, ❤️, 🔥 …){discuss}")

    def say_in_thread(self, who: str, text: str) -> None:
        for line in render_thread_lines(who, text):
            self.say(line)

    async def show_thread(self, args: list[str]) -> None:
        if len(args) != 1 or not args[0].isdigit():
            self.say("Usage: thread <post number>, e.g. thread 2")
            return
        opening, opened = await self._bot.discussions.post_thread(self._channel, args[0])
        if opening is None:
            self.say(f"There is no post {args[0]} in this channel; `posts` lists them.")
        elif not opened:
            mode = await self._bot.discussions.thread_mode(self._channel)
            if mode is ThreadMode.NEVER:
                self.say(f"Post {args[0]} has no thread: threads are off here (/papers settings threads:first_reply "
                         "or threads:always turns them on).")
            else:
                self.say(f"Post {args[0]} has no thread yet: `reply {args[0]} <text>` or `ask {args[0]} <question>` opens it.")
        else:
            self.say(f"   ↳ thread: {clean_text(opening.name)}")
            for message in opening.messages:
                if isinstance(message, TextReply):
                    self.say_in_thread("paperbot", message.text)
            for who, text in self._thread_log.get(args[0], []):
                self.say_in_thread(who, text)

    async def thread_message(self, line: str, *, mention: bool) -> None:
        verb = "ask" if mention else "reply"
        parts = line.split(None, 2)
        if len(parts) < 3 or not parts[1].isdigit():
            self.say(f"Usage: {verb} <post number> <{'question' if mention else 'text'}>, e.g. {verb} 2 "
                     + ("what dataset do they use?" if mention else "worth a read"))
            return
        number, text = parts[1], parts[2].strip()
        if (await self._bot.discussions.post_thread(self._channel, number))[0] is None:
            self.say(f"There is no post {number} in this channel; `posts` lists them.")
            return
        log = self._thread_log.setdefault(number, [])
        log.append((self._user, text))
        self.say_in_thread(self._user, text)
        message = ThreadMessage(self._channel, number, self._user, text, mention, f"console-{uuid.uuid4().hex}", number,
                                message_id=None, in_thread=False)
        response = await self._bot.on_thread_message(message, self._platform)
        self._platform.flush()
        if isinstance(response.answer, TextReply):
            log.append(("paperbot", response.answer.text))

    async def react(self, args: list[str], *, added: bool) -> None:
        verb = "react" if added else "unreact"
        if len(args) != 2 or not args[0].isdigit():
            self.say(f"Usage: {verb} <post number> <emoji>, e.g. {verb} 2 👍")
            return
        refused = NOT_AN_EMOJI.format(typed=shorten(clean_text(args[1], typed=True), 20))
        emoji = emoji_from_text(args[1], self._bot.reactions.emoji)
        if emoji is None:
            self.say(refused)
            return
        result = await self._bot.on_reaction(ReactionEvent(self._channel, args[0], self._user, emoji, added))
        papers = await self._titles(result.posts)
        post = f"post {args[0]}{papers}"
        messages = {
            ReactionOutcome.STORED: render_stored_reaction(result, self._user, args[0], self._bot.reactions.emoji,
                                                           papers=papers),
            ReactionOutcome.REMOVED: f"{result.emoji} from {self._user} removed from {post}.",
            ReactionOutcome.DUPLICATE: f"{self._user} had already reacted {result.emoji} to {post}.",
            ReactionOutcome.NOTHING_TO_REMOVE: f"{self._user} had no {result.emoji} on {post}.",
            ReactionOutcome.NOT_OUR_POST: f"There is no post {args[0]} in this channel; `posts` lists them.",
            ReactionOutcome.NOT_AN_EMOJI: refused,
        }
        self.say(messages[result.outcome])

    async def _titles(self, posts: tuple[Post, ...]) -> str:
        """' (“Title”)' for the papers of a post, as react and unreact both name them (the id when not stored)."""
        if not posts:
            return ""
        papers = await self._bot.papers.stored(p.arxiv_id for p in posts)
        names = [clean_text(papers[p.arxiv_id].title) if p.arxiv_id in papers else p.arxiv_id for p in posts]
        return " (" + ", ".join(f"“{shorten(name, 50)}”" for name in names) + ")"

    def _describe_now(self) -> str:
        now = self._clock() if self._clock else None
        return f"Demo time: {now:%a %Y-%m-%d %H:%M} UTC." if now else "This console has no clock of its own."

    async def wait(self, args: list[str]) -> None:
        """Advance the demo clock step by step, running the scheduler at each step (as `paperbot run` does)."""
        if self._scheduler is None or self._clock is None:
            self.say("Nothing is scheduled in this console.")
            return
        span = parse_duration(args[0]) if len(args) == 1 else None
        if span is None:
            self.say("Usage: wait <duration>, e.g. wait 90m, wait 6h, wait 2d (at most 14d)")
            return
        end = self._clock() + span
        while self._clock() < end:
            self._clock.advance(min(WAIT_STEP, end - self._clock()))
            report = await self._scheduler.tick()
            self._platform.flush()
            if report.delivery.sent or report.delivery.failed:
                self.say(f"   ({self._clock():%a %Y-%m-%d %H:%M} UTC)")
        self.say(self._describe_now())

    async def show_posts(self) -> None:
        history = await self._bot.history(self._channel, limit=20)
        if not history:
            self.say("Nothing posted here yet. Try /papers today.")
            return
        for entry in history:
            title = clean_text(entry.paper.title) if entry.paper else entry.post.arxiv_id
            counts: dict[str, int] = {}
            for reaction in entry.reactions:
                counts[reaction.emoji] = counts.get(reaction.emoji, 0) + 1
            tally = " ".join(f"{emoji}{n}" for emoji, n in counts.items()) or "no reactions"
            self.say(f"[{entry.post.message_id}] {shorten(title, 70)} — {tally}")

    async def handle_line(self, line: str) -> bool:
        """Run one input line; returns False when the user wants to quit. The line is read as it looks
        (as the core reads a command): an invisible character does not spoil `react 2 👍` either."""
        line = clean_text(line, typed=True)
        if not line or line.startswith("#"):
            return True
        head, *args = line.split()
        head = head.lower()
        try:
            if head in ("quit", "exit", "/quit"):
                return False
            if head in ("help", "/help", "?"):
                self.say(CONSOLE_HELP)
            elif head in ("react", "unreact"):
                await self.react(args, added=head == "react")
            elif head == "thread":
                await self.show_thread(args)
            elif head in ("reply", "ask"):
                await self.thread_message(line, mention=head == "ask")
            elif head in ("posts", "history"):
                await self.show_posts()
            elif head == "wait":
                await self.wait(args)
            elif head == "time":
                self.say(self._describe_now())
            elif head == "as":
                if len(args) != 1:
                    self.say("Usage: as <name>")
                else:
                    self._user = args[0]
                    self.say(f"You are now {self._user}.")
            elif head in ("/papers", "papers"):
                await self._until_ready()
                await self.show(await self._bot.handle(self.requester, line, self._platform))
            else:
                self.say(f"Unknown input '{shorten(head, 30)}'. Commands start with /papers; `help` lists everything.")
        except PaperbotError as exc:
            self._platform.flush()
            self.say(f"⚠ {exc}")
        return True

    async def run(self) -> int:
        """Read commands until `quit`, Ctrl-D or the end of input (0), or Ctrl-C at the prompt (130)."""
        with self._input.output_guard():
            while True:
                try:
                    line = await self._input.read()
                except KeyboardInterrupt:
                    return INTERRUPTED
                if line is None:
                    if self._interactive:
                        self.say()
                    return 0
                if not self._interactive:
                    self.say(f"> {line.rstrip()}")
                if not await self.handle_line(line):
                    self.say("Bye.")
                    return 0
