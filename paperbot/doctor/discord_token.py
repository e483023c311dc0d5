"""Discord's token: ``GET {discord.api_base_url}/api/v10/users/@me`` with ``Authorization: Bot <token>``
answers the bot's own user, or 401 for a token Discord does not accept. The request goes through
:class:`~bot.sources.http.HttpFetcher` (time limit, size limit, redacted errors; the header is never
shown), once, with a short timeout.
"""
from __future__ import annotations

from bot.config import Config
from bot.errors import ConfigError
from bot.sources.http import HttpError, HttpFetcher, redact_url
from paperbot.doctor.network import DOCTOR_TIMEOUT, fix_for, from_http_error
from paperbot.doctor.report import Check

NAME = "discord"
RESET_FIX = ("reset it in the Developer Portal (https://discord.com/developers/applications) → your application → "
             "Bot → Reset Token, and put the new token in [discord] token or PAPERBOT_DISCORD_TOKEN")


async def check_discord(config: Config) -> Check:
    try:
        from paperbot.discord_runner import settings_from  # discord.py: `paperbot run` needs it for Discord
    except ImportError as exc:
        return Check.fail(NAME, f"[discord] token is set but discord.py is not installed (no module '{exc.name}')",
                          fix="install the Discord extra: pip install -e '.[discord]' in the paperbot checkout")
    try:
        settings_from(config.discord)  # the shard settings, checked as the start checks them
    except ConfigError as exc:
        return Check.fail(NAME, "the [discord] settings cannot be used", cause=str(exc),
                          fix="correct the keys named, or remove them to use the defaults")
    token = config.discord.token.get_secret_value() if config.discord.token else ""
    base = config.discord.api_base_url.rstrip("/")
    shown = redact_url(base)
    async with HttpFetcher(timeout=DOCTOR_TIMEOUT, max_retries=0, max_body_bytes=2**20) as fetcher:
        try:
            response = await fetcher.get(f"{base}/api/v10/users/@me", headers={"Authorization": f"Bot {token}"})
            me = response.json()
        except HttpError as exc:
            if exc.status == 401:
                return Check.fail(NAME, "[discord] token is rejected: Discord answered 401 Unauthorized to users/@me",
                                  cause="the token was reset, mistyped, or is not a bot token (a client secret is not one)",
                                  fix=RESET_FIX)
            failure = from_http_error(exc)
            told = f"requested {exc.url}" if failure.kind == "network" else str(exc)
            return Check.fail(NAME, f"[discord] api_base_url ({shown}) could not be used: {failure.words}", cause=told,
                              fix=fix_for(failure, key="[discord] api_base_url", url=shown,
                                          what="Discord's API (the default is https://discord.com)"))
    name = me.get("username", "?") if isinstance(me, dict) else "?"
    user_id = me.get("id", "?") if isinstance(me, dict) else "?"
    return Check.ok(NAME, f"[discord] token accepted: the bot is {name} (id {user_id})")
