"""One Web API client per Slack workspace, for the calls paperbot makes itself (several workspaces).

A channel is ``ChannelRef("slack", <team id>, <channel id>)``, so the send path knows the team of
every call; :class:`TeamClients` turns it into a client carrying that workspace's bot token, from the
installation store (:class:`TeamTokens`), made on first use and then kept.
"""
from __future__ import annotations

from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.scheduling.unreachable import Unreachable, unreachable


class TeamTokens(Protocol):
    """Where a workspace's bot token is found (paperbot's database: SqlInstallationStore)."""

    async def bot_token(self, team_id: str) -> str | None: ...


class TeamClients:
    """One Web API client per workspace, from its stored bot token; made on first use, then kept.

    The clients share the template's base URL, timeout, retry handlers and keep-alive session
    (:func:`adapters.slack.app.keep_alive`), so a workspace costs no new connection.
    """

    def __init__(self, template: AsyncWebClient, tokens: TeamTokens) -> None:
        self._template = template
        self._tokens = tokens
        self._clients: dict[str, AsyncWebClient] = {}

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """``team_id``'s client; ChannelUnavailableError (app removed) when paperbot is not installed there."""
        client = self._clients.get(team_id)
        if client is not None:
            return client
        token = await self._tokens.bot_token(team_id) if team_id else None
        if not token:
            raise unreachable(Unreachable.APP_REMOVED, f"paperbot is not installed in Slack team {team_id or '(none)'}")
        t = self._template
        client = AsyncWebClient(token=token, base_url=t.base_url, timeout=t.timeout, session=t.session,
                                retry_handlers=list(t.retry_handlers), logger=t.logger)
        self._clients[team_id] = client
        return client

    def forget(self, team_id: str | None) -> None:
        """Drop a team's client (uninstalled, tokens revoked, or re-installed with a new token)."""
        if team_id:
            self._clients.pop(team_id, None)
