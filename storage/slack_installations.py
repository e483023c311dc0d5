"""Slack installations and OAuth states in paperbot's own database (SQLite or PostgreSQL).

slack-bolt's OAuth flow saves each workspace's installation through slack_sdk's
``AsyncInstallationStore`` and checks the install link's ``state`` through an
``AsyncOAuthStateStore``; both are implemented here on the store's tables
(:mod:`storage.models.slack`), with the store's transaction and error rules
(:class:`storage.sessions.SessionScope`: a database that cannot be used raises
StoreUnavailableError, in one line).

Tokens are secrets: nothing here logs a token or an installation (only team ids). They are stored
as given (no encryption key: see docs/slack.md, "Several workspaces"), so the database is as
sensitive as the tokens themselves.

Semantics follow slack_sdk's own SQL stores: one row per (enterprise, team, installer), the latest
save wins; ``find_bot`` is the workspace's latest installation that still has a bot token; an
org-wide (Enterprise Grid) install is found by its enterprise id alone.
"""
from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, utc_now
from storage.database import create_engine, create_sessionmaker
from storage.dialect import rows_affected, upsert_insert
from storage.models import SlackInstallationRow, SlackOAuthStateRow, table_of
from storage.sessions import SessionScope

_log = logging.getLogger(__name__)

_INSTALLATIONS = table_of(SlackInstallationRow)
_STATES = table_of(SlackOAuthStateRow)

STATE_SECONDS = 600  # how long an install link's state is accepted (slack_sdk's default)
_BOT_COLUMNS = ("bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at")


def _scopes(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else ",".join(value)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _row_values(client_id: str, installation: Installation) -> dict[str, Any]:
    return {
        "client_id": client_id, "app_id": installation.app_id,
        "enterprise_id": installation.enterprise_id or "", "enterprise_name": installation.enterprise_name,
        "enterprise_url": installation.enterprise_url, "team_id": installation.team_id or "",
        "team_name": installation.team_name, "is_enterprise_install": bool(installation.is_enterprise_install),
        "bot_token": installation.bot_token, "bot_id": installation.bot_id, "bot_user_id": installation.bot_user_id,
        "bot_scopes": _scopes(installation.bot_scopes), "bot_refresh_token": installation.bot_refresh_token,
        "bot_token_expires_at": installation.bot_token_expires_at, "user_id": installation.user_id,
        "user_token": installation.user_token, "user_scopes": _scopes(installation.user_scopes),
        "user_refresh_token": installation.user_refresh_token, "user_token_expires_at": installation.user_token_expires_at,
        "token_type": installation.token_type, "installed_at": _moment(installation.installed_at),
    }


def _installation(row: SlackInstallationRow) -> Installation:
    return Installation(
        app_id=row.app_id, enterprise_id=row.enterprise_id or None, enterprise_name=row.enterprise_name,
        enterprise_url=row.enterprise_url, team_id=row.team_id or None, team_name=row.team_name,
        bot_token=row.bot_token, bot_id=row.bot_id, bot_user_id=row.bot_user_id, bot_scopes=row.bot_scopes or "",
        bot_refresh_token=row.bot_refresh_token, bot_token_expires_at=row.bot_token_expires_at,
        user_id=row.user_id, user_token=row.user_token, user_scopes=row.user_scopes or "",
        user_refresh_token=row.user_refresh_token, user_token_expires_at=row.user_token_expires_at,
        is_enterprise_install=row.is_enterprise_install, token_type=row.token_type,
        installed_at=row.installed_at.timestamp(),
    )


def _bot(row: SlackInstallationRow) -> Bot:
    return Bot(
        app_id=row.app_id, enterprise_id=row.enterprise_id or None, enterprise_name=row.enterprise_name,
        team_id=row.team_id or None, team_name=row.team_name, bot_token=row.bot_token or "", bot_id=row.bot_id or "",
        bot_user_id=row.bot_user_id or "", bot_scopes=row.bot_scopes or "", bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=row.bot_token_expires_at, is_enterprise_install=row.is_enterprise_install,
        installed_at=row.installed_at.timestamp(),
    )


def _where(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False) -> ColumnElement[bool]:
    """The rows of one workspace, or of one org for an org-wide install (whose team id does not matter)."""
    if is_enterprise_install:
        return and_(_INSTALLATIONS.c.enterprise_id == (enterprise_id or ""), _INSTALLATIONS.c.is_enterprise_install.is_(True))
    return and_(_INSTALLATIONS.c.enterprise_id == (enterprise_id or ""), _INSTALLATIONS.c.team_id == (team_id or ""))


class SqlSlackStores(SessionScope):
    """The engine (or sessionmaker) both stores share; :meth:`close` disposes an engine it owns."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, engine: AsyncEngine | None = None,
                 clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._engine = engine
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return _log

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()


class SqlInstallationStore(SqlSlackStores, AsyncInstallationStore):
    """slack_sdk's installation store on the ``slack_installations`` table (one app: ``client_id``)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, client_id: str, engine: AsyncEngine | None = None,
                 clock: Clock = utc_now) -> None:
        super().__init__(sessions, engine=engine, clock=clock)
        self.client_id = client_id

    @classmethod
    def connect(cls, url: str, *, client_id: str, clock: Clock = utc_now) -> SqlInstallationStore:
        """A store on its own engine (the schema must be migrated: :func:`storage.migrate.upgrade`)."""
        engine = create_engine(url)
        return cls(create_sessionmaker(engine), client_id=client_id, engine=engine, clock=clock)

    async def async_save(self, installation: Installation) -> None:
        """Insert, or replace the same installer's earlier installation in that workspace."""
        values = _row_values(self.client_id, installation)
        async with self._begin() as session:
            insert = upsert_insert(session, _INSTALLATIONS).values(**values)
            changed = {k: insert.excluded[k] for k in values if k not in ("enterprise_id", "team_id", "user_id")}
            await session.execute(insert.on_conflict_do_update(
                index_elements=["enterprise_id", "team_id", "user_id"], set_=changed))
        _log.info("slack: saved the installation for team %s", installation.team_id or installation.enterprise_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """A bot alone is saved as an installation by nobody in particular (slack_sdk stores it apart)."""
        await self.async_save(Installation(
            app_id=bot.app_id, enterprise_id=bot.enterprise_id, enterprise_name=bot.enterprise_name, team_id=bot.team_id,
            team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id, bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes, bot_refresh_token=bot.bot_refresh_token, bot_token_expires_at=bot.bot_token_expires_at,
            user_id="", is_enterprise_install=bot.is_enterprise_install, installed_at=bot.installed_at,
        ))

    async def _latest(self, where: ColumnElement[bool]) -> SlackInstallationRow | None:
        async with self._begin() as session:
            row = await session.scalar(select(SlackInstallationRow).where(where)
                                       .order_by(SlackInstallationRow.installed_at.desc(), SlackInstallationRow.id.desc())
                                       .limit(1))
        return row

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        row = await self._latest(and_(_where(enterprise_id, team_id, is_enterprise_install),
                                      _INSTALLATIONS.c.bot_token.is_not(None)))
        return _bot(row) if row is not None else None

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        """The installer's installation (``user_id``), else the workspace's latest; carrying the
        workspace's latest bot token when that installer's own row has none (as slack_sdk does)."""
        where = _where(enterprise_id, team_id, is_enterprise_install)
        row = await self._latest(where if user_id is None else and_(where, _INSTALLATIONS.c.user_id == user_id))
        if row is None:
            return None
        found = _installation(row)
        if found.bot_token is None:
            bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                            is_enterprise_install=is_enterprise_install)
            if bot is not None:
                found.bot_token, found.bot_id, found.bot_user_id = bot.bot_token, bot.bot_id, bot.bot_user_id
                found.bot_scopes, found.bot_refresh_token = bot.bot_scopes, bot.bot_refresh_token
                found.bot_token_expires_at = bot.bot_token_expires_at
        return found

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The workspace's bot token is gone (``tokens_revoked``): forget it, keep installers' own tokens."""
        where = _where(enterprise_id, team_id)
        async with self._begin() as session:
            await session.execute(update(_INSTALLATIONS).where(where).values(**dict.fromkeys(_BOT_COLUMNS)))
            await session.execute(delete(_INSTALLATIONS).where(where, _INSTALLATIONS.c.user_token.is_(None)))
        _log.info("slack: forgot the bot token of team %s", team_id or enterprise_id)

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        """One installer's installation, or (``user_id`` None) every one in the workspace."""
        where = _where(enterprise_id, team_id)
        if user_id is not None:
            where = and_(where, _INSTALLATIONS.c.user_id == user_id)
        async with self._begin() as session:
            gone = await rows_affected(session, delete(_INSTALLATIONS).where(where))
        _log.info("slack: deleted %d installation(s) of team %s", gone, team_id or enterprise_id)

    async def bot_token(self, team_id: str) -> str | None:
        """The workspace's current bot token, whichever org it is in (team ids are unique across Slack,
        Enterprise Grid included): how the Slack adapter picks the token for a channel of that team."""
        row = await self._latest(and_(_INSTALLATIONS.c.team_id == team_id, _INSTALLATIONS.c.bot_token.is_not(None)))
        return row.bot_token if row is not None else None

    async def teams(self) -> list[str]:
        """The workspaces that have a bot token now (for logs and start-up: how many are served)."""
        async with self._begin() as session:
            found = await session.scalars(select(_INSTALLATIONS.c.team_id).where(_INSTALLATIONS.c.bot_token.is_not(None))
                                          .distinct())
        return sorted(found)


class SqlOAuthStateStore(SqlSlackStores, AsyncOAuthStateStore):
    """The install link's ``state``: issued with an expiry, accepted once, refused when late or unknown."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, expiration_seconds: int = STATE_SECONDS,
                 engine: AsyncEngine | None = None, clock: Clock = utc_now) -> None:
        super().__init__(sessions, engine=engine, clock=clock)
        self.expiration_seconds = expiration_seconds

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new unguessable state; expired ones are swept on the way."""
        state = secrets.token_urlsafe(32)
        now = self._clock()
        async with self._begin() as session:
            await session.execute(delete(_STATES).where(_STATES.c.expires_at <= now))
            await session.execute(_STATES.insert().values(state=state, expires_at=now + timedelta(seconds=self.expiration_seconds)))
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state issued here and not yet expired; the row is deleted either way."""
        if not state:
            return False
        async with self._begin() as session:
            expires = await session.scalar(delete(_STATES).where(_STATES.c.state == state).returning(_STATES.c.expires_at))
        if expires is None:
            _log.info("slack oauth: refused an unknown or already used state")
            return False
        if expires <= self._clock():
            _log.info("slack oauth: refused an expired state")
            return False
        return True


def open_slack_stores(url: str, *, client_id: str, state_expiration_seconds: int = STATE_SECONDS,
                      clock: Clock = utc_now) -> tuple[SqlInstallationStore, SqlOAuthStateStore]:
    """Both stores on one engine for ``url``, owned by the installation store (close that one)."""
    installations = SqlInstallationStore.connect(url, client_id=client_id, clock=clock)
    states = SqlOAuthStateStore(installations._sessions, expiration_seconds=state_expiration_seconds, clock=clock)
    return installations, states
