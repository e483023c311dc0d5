"""The OAuth2 URL that adds paperbot to a server, with exactly the scopes and permissions it uses."""
from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    """Read the channel, post digests as embeds, react, follow reactions on old posts, reply in threads."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        add_reactions=True,
        read_message_history=True,
        create_public_threads=True,
        send_messages_in_threads=True,
    )


def invite_url(application_id: int | str) -> str:
    return discord.utils.oauth_url(str(application_id), permissions=required_permissions(), scopes=SCOPES)


async def fetch_application_id(api_base_url: str, token: str) -> str:
    """The application id behind a bot token (``GET /oauth2/applications/@me``)."""
    import aiohttp

    url = f"{api_base_url.rstrip('/')}/api/v10/oauth2/applications/@me"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Authorization": f"Bot {token}"}) as response:
            if response.status != 200:
                raise discord.HTTPException(response, await response.text())
            return str((await response.json(content_type=None))["id"])
