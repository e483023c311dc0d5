"""The console adapter: a local "channel" in the terminal that speaks the same commands as chat.

Interactive on a terminal (a prompt); when stdin is a pipe or file it reads commands
line by line and prints the replies, so the demo can be scripted and tested.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from typing import TextIO

from adapters.console.emoji_names import emoji_from_text
from adapters.console.render import render_digest_header, render_item, render_paper
from bot.app import PaperBot
from bot.domain import ChannelRef, Digest, Platform, PostKind, ReactionEvent, Requester
from bot.errors import PaperbotError
from bot.replies import DigestReply, PaperReply, Reply, TextReply
from bot.text import clean_text, shorten
from bot.usecases.reactions import ReactionOutcome

_log = logging.getLogger(__name__)

CONSOLE_CHANNEL = ChannelRef(Platform.CONSOLE.value, "local", "demo")

CONSOLE_HELP = """\
Type a command as you would in chat:
  /papers today [count] [YYYY-MM-DD]   top papers of the latest day (or that day)
  /papers week [count] [YYYY-Www]      top papers of a week
  /papers paper <arXiv id or URL>      one paper, with its abstract
  /papers subscribe [HH:MM] [Area/City] [count]   daily digest in this channel
  /papers unsubscribe                  stop it
  react <post number> <emoji>          e.g. react 2 👍   (names work too: +1, -1, heart, fire)
  unreact <post number> <emoji>        take a reaction back
  posts                                the channel's recent posts and their reactions
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
    ) -> None:
        self._bot = bot
        self._channel = channel
        self._user = user_id
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._interactive = self._in.isatty() if interactive is None else interactive

    def say(self, text: str = "") -> None:
        print(text, file=self._out, flush=True)

    @property
    def requester(self) -> Requester:
        # Whoever sits at the terminal manages its one channel.
        return Requester(self._channel, self._user, can_manage_channel=True, display_name=self._user)

    async def post_digest(self, digest: Digest, *, kind: PostKind = PostKind.ON_DEMAND) -> None:
        """Print a digest as numbered posts and record post ↔ paper so reactions map back."""
        self.say(render_digest_header(digest))
        if not digest.items:
            return
        first = await self._bot.next_post_number(self._channel)
        numbers = [first + i for i in range(len(digest.items))]
        for number, item in zip(numbers, digest.items):
            self.say()
            self.say(render_item(item, number))
        await self._bot.record_posted(self._channel, digest, [str(n) for n in numbers], kind=kind)
        self.say()
        self.say("React with: react <number> 👍  (or 👎, ❤️, 🔥 …)")

    async def show(self, reply: Reply) -> None:
        match reply:
            case TextReply(text=text):
                self.say(text)
            case PaperReply(paper=paper, why=why):
                self.say(render_paper(paper, why=why, full=True))
            case DigestReply(digest=digest):
                await self.post_digest(digest)

    async def react(self, args: list[str], *, added: bool) -> None:
        verb = "react" if added else "unreact"
        if len(args) != 2 or not args[0].isdigit():
            self.say(f"Usage: {verb} <post number> <emoji>, e.g. {verb} 2 👍")
            return
        event = ReactionEvent(self._channel, args[0], self._user, emoji_from_text(args[1]), added)
        result = await self._bot.on_reaction(event)
        titles = ", ".join(f"“{shorten(clean_text(p.arxiv_id), 20)}”" for p in result.posts)
        messages = {
            ReactionOutcome.STORED: f"{result.emoji} from {self._user} recorded on post {args[0]} ({titles}).",
            ReactionOutcome.REMOVED: f"{result.emoji} from {self._user} removed from post {args[0]} ({titles}).",
            ReactionOutcome.DUPLICATE: f"{self._user} had already reacted {result.emoji} to post {args[0]}.",
            ReactionOutcome.NOTHING_TO_REMOVE: f"{self._user} had no {result.emoji} on post {args[0]}.",
            ReactionOutcome.NOT_OUR_POST: f"There is no post {args[0]} in this channel; `posts` lists them.",
        }
        self.say(messages[result.outcome])

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
        """Run one input line; returns False when the user wants to quit."""
        line = line.strip()
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
            elif head in ("posts", "history"):
                await self.show_posts()
            elif head == "as":
                if len(args) != 1:
                    self.say("Usage: as <name>")
                else:
                    self._user = args[0]
                    self.say(f"You are now {self._user}.")
            elif head in ("/papers", "papers"):
                await self.show(await self._bot.handle(self.requester, line))
            else:
                self.say(f"Unknown input '{shorten(head, 30)}'. Commands start with /papers; `help` lists everything.")
        except PaperbotError as exc:
            self.say(f"⚠ {exc}")
        return True

    async def _read_line(self) -> str | None:
        if self._interactive:
            self._out.write("> ")
            self._out.flush()
        line = await asyncio.to_thread(self._in.readline)
        return line if line else None

    async def run(self) -> None:
        """Read commands until `quit` or end of input."""
        while True:
            line = await self._read_line()
            if line is None:
                if self._interactive:
                    self.say()
                return
            if not self._interactive:
                self.say(f"> {line.rstrip()}")
            if not await self.handle_line(line):
                self.say("Bye.")
                return
