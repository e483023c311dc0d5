"""Why paperbot can no longer post somewhere, in people's words: the pause reason of a channel
subscription, a DM digest or a recap.

Adapters classify their platform's refusal into an :class:`Unreachable` kind (Slack's
``not_in_channel``, Discord's 50013 …) and raise :func:`unreachable`: the kind's sentence is what
is stored and shown by ``/papers schedule`` (``dm``, ``recap``), the platform's code goes to the
error's ``detail`` and the log only. Each sentence ends in exactly one full stop; the part that
says how to resume (``/papers subscribe``, ``dm on``, ``recap on``) is added where it is shown.
"""
from __future__ import annotations

from enum import Enum

from bot.errors import ChannelUnavailableError


class Unreachable(str, Enum):
    NOT_IN_CHANNEL = "not_in_channel"  # the bot was removed from the channel
    CHANNEL_GONE = "channel_gone"  # archived or deleted
    NO_PERMISSION = "no_permission"  # a permission or scope it needs was taken away
    APP_REMOVED = "app_removed"  # uninstalled, kicked from the server, its token revoked
    DMS_CLOSED = "dms_closed"  # the member's direct messages are closed to it (or the member is gone)
    TAG_REQUIRED = "tag_required"  # a forum requires a tag on every post and has none the bot may apply
    OTHER = "other"


WORDS: dict[Unreachable, str] = {
    Unreachable.NOT_IN_CHANNEL: "paperbot can't post here any more: it is no longer in this channel. "
                                "Invite @paperbot again.",
    Unreachable.CHANNEL_GONE: "paperbot can't post here any more: the channel was archived or deleted, or "
                              "paperbot was removed from it. If the channel is still there, invite @paperbot again.",
    Unreachable.NO_PERMISSION: "paperbot can't post here any more: it lost a permission it needs (to see this "
                               "channel or to send messages in it). Give @paperbot that permission again.",
    Unreachable.APP_REMOVED: "paperbot can't post any more: it was removed from the workspace or server, or its "
                             "access was revoked. Ask an admin to add paperbot again.",
    Unreachable.DMS_CLOSED: "paperbot can't send you direct messages: they are closed to it. Allow direct "
                            "messages from @paperbot.",
    Unreachable.TAG_REQUIRED: "paperbot can't post here any more: this forum requires a tag on every post, and it has "
                              "no tag paperbot can use for a paper (paperbot never applies a moderators-only tag). "
                              "Add a tag anyone may apply named \"paper\" (or one named after a topic, like "
                              "\"Machine Learning\"), or turn off \"Require tags\" in the forum's settings.",
    Unreachable.OTHER: "paperbot can't post here any more. Check that @paperbot is still in the channel and "
                       "allowed to post.",
}


def unreachable(kind: Unreachable, detail: str) -> ChannelUnavailableError:
    """The error an adapter raises: people's words for ``kind``, the platform's ``detail`` for the log."""
    return ChannelUnavailableError(WORDS[kind], detail)
