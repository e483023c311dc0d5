"""`/papers feed [mine] [reset]`: the channel's (or your own) open feed, as JSON Feed and Atom URLs.

The channel's feed needs a channel manager (it shows the channel's posts outside chat); your own
needs nobody. The URLs are answered privately and shown once (``bot.usecases.feeds``).
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.params import Flag, Param
from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import TextReply
from bot.usecases.feeds import FeedRequest, FeedUseCases


@command("feed", "this channel's papers as a feed for your reader (mine: ranked for you; reset: new address)",
         order=180, manages_channel=lambda c: not c.mine, params=(
             Param("mine", Flag(["mine"]), "your own feed, ranked for you (made when you ask)"),
             Param("reset", Flag(["reset"]), "a new address; the old one stops working"),
         ))
@dataclass(frozen=True)
class FeedCommand:
    mine: bool = False
    reset: bool = False

    async def execute(self, requester: Requester, feeds: FeedUseCases) -> TextReply:
        return await feeds.links(requester, FeedRequest(mine=self.mine, reset=self.reset))
