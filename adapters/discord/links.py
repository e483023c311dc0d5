"""Pasted paper links on Discord: the "Add to paperbot" message command, and (opt-in) detection.

- **Add to paperbot** — a message context-menu command (right-click a message → Apps): the links in
  that message go to the core (``PaperBot.on_links``), which fetches and stores the papers, records
  the message as their post and the 🔗 interest of the member who asked, and opens the thread
  ``links:thread`` asks for; the member gets the core's answer privately. Discord gives a message
  command its target message with its content whatever the bot's intents.
- **Detection** — with ``[discord] message_content = true`` (the privileged Message Content intent,
  which must also be switched on for the application in the Developer Portal), members' links in
  messages of subscribed channels count the same way, silently. Without it Discord blanks the text
  of messages that do not mention the bot, so nothing is read.
- In a forum's post both count for the forum (``PastedLinks.belongs_to``, as a reaction there): its
  subscription, taste and "already seen" are the forum's, never a post's.

Discord never delivers a gateway event again: a detected link the database failed is kept and
retried by the core (``PaperBot.keep_for_retry``; spooled, so a restart replays it).
"""
from __future__ import annotations

import logging
from dataclasses import replace

import discord
from discord import app_commands

from adapters.discord.commands import channel_ref, error_text, show
from adapters.discord.interaction import Responder
from adapters.discord.linked import LinkedChannels
from adapters.discord.platform import DiscordPlatform
from bot.app import PaperBot
from bot.domain import ChannelRef
from bot.errors import DeliveryError, PaperbotError, StoreUnavailableError
from bot.links import MAX_LINKS, links_in, paper_ids
from bot.log_context import log_context
from bot.usecases.kept_kinds import kept_links
from bot.usecases.links import PastedLinks

_log = logging.getLogger(__name__)

MENU_NAME = "Add to paperbot"
HUMAN_TYPES = (discord.MessageType.default, discord.MessageType.reply)
MAX_EMBEDS = 10  # Discord's limit per message


def message_urls(message: discord.Message) -> list[str]:
    """The URLs in a message: its text's, then its link embeds' (Discord shows a pasted link as one)."""
    urls = list(links_in(message.content or ""))
    urls += [e.url for e in message.embeds[:MAX_EMBEDS] if isinstance(e.url, str)]
    return urls


def pasted_links(message: discord.Message, channel: ChannelRef, user_id: int, *, explicit: bool) -> PastedLinks:
    return PastedLinks(channel, str(message.id), str(user_id), paper_ids(message_urls(message))[:MAX_LINKS],
                       explicit=explicit, in_thread=isinstance(message.channel, discord.Thread),
                       event_id=None if explicit else f"discord-links/{message.channel.id}/{message.id}")


def in_forum(pasted: PastedLinks, forum: int | None) -> PastedLinks:
    """``pasted`` in a post of ``forum`` (a thread, even when uncached): the core counts it for the forum."""
    if forum is None:
        return pasted
    return replace(pasted, in_thread=True, belongs_to=replace(pasted.channel, channel=str(forum)))


async def add_to_paperbot(interaction: discord.Interaction, message: discord.Message) -> None:
    """The message command: defer, hand the links to the core, answer privately. Never raises."""
    with log_context(platform="discord", channel=str(interaction.channel_id or ""), command=MENU_NAME):
        responder = Responder(interaction)
        paperbot: PaperBot = interaction.client.paperbot  # type: ignore[attr-defined]
        platform: DiscordPlatform = interaction.client.platform  # type: ignore[attr-defined]
        try:
            if not await responder.defer():
                return
            pasted = in_forum(pasted_links(message, channel_ref(interaction), interaction.user.id, explicit=True),
                              await platform.forums.parent_forum(interaction.channel))
            links: DiscordLinks = interaction.client.links  # type: ignore[attr-defined]
            links.channels.mark(pasted.channel, pasted.belongs_to)
            try:
                result = await paperbot.on_links(pasted, platform)
            except PaperbotError as exc:
                if isinstance(exc, DeliveryError | StoreUnavailableError):
                    _log.warning("%s could not be answered: %s", MENU_NAME, exc)
                await responder.private(error_text(exc))
                return
            await show(interaction, result.reply(), responder)
        except discord.HTTPException as exc:
            _log.warning("answering %s (%s) failed: %s %s", MENU_NAME, interaction.id, exc.status, (exc.text or "")[:200])
        except Exception as exc:  # noqa: BLE001 - answered in words, logged with the trace
            _log.exception("%s failed", MENU_NAME)
            await responder.last_word(error_text(exc))


def add_to_paperbot_menu() -> app_commands.ContextMenu:
    """The "Add to paperbot" message command, for the tree (synced with /papers)."""
    return app_commands.ContextMenu(name=MENU_NAME, callback=add_to_paperbot)


class DiscordLinks:
    """Links in members' messages (``on_message``), read only when ``detect`` (message content is on)."""

    def __init__(self, client: discord.Client, paperbot: PaperBot, platform: DiscordPlatform, *, detect: bool) -> None:
        self.client = client
        self.paperbot = paperbot
        self.platform = platform
        self.detect = detect
        self.channels = LinkedChannels(paperbot)  # where reactions on members' messages may count

    async def on_message(self, message: discord.Message) -> None:
        if not self.detect or message.guild is None or message.author.bot or message.webhook_id is not None \
                or message.type not in HUMAN_TYPES:
            return
        pasted = pasted_links(message, ChannelRef("discord", str(message.guild.id), str(message.channel.id)),
                              message.author.id, explicit=False)
        if not pasted.papers:
            return
        try:  # which forum the channel is a post of: looked up (once per channel) only for a message with links
            forum = await self.platform.forums.forum_of(message.channel.id)
        except Exception:  # noqa: BLE001 - one bad event must not stop the gateway loop
            # only an uncached forum needs a look-up, and only a passing failure of it is raised
            _log.exception("links in %s/%s are not counted: the forum they belong to could not be found",
                           message.channel.id, message.id)
            return
        pasted = in_forum(pasted, forum)
        self.channels.mark(pasted.channel, pasted.belongs_to)  # reactions on this message may count now
        what = f"links in {message.channel.id}/{message.id}"
        await self.paperbot.keep_for_retry(kept_links(pasted, what), self.platform)
