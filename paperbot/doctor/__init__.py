"""`paperbot doctor` (and `paperbot run --check`): what is wrong with this install and how to fix it.

The checks run in order, each printed as it finishes: the config; the data folder; the database and its migrations
(read, never upgraded); the embedding model when enabled; each enabled source with one cheap request;
each configured chat platform's credentials. Exit status 0 only when every check that applies passes.
The package lives in the composition root because only it knows every layer; one module per check
kind, :mod:`paperbot.doctor.report` for the layout. No secret is ever printed: URLs are redacted and
tokens only sent, never shown.
"""
from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.plural import counted, plural
from paperbot.doctor.report import Check, Report

__all__ = ["Check", "Report", "doctor", "run_doctor"]


async def run_doctor(config_path: str | None, stream: TextIO | None = None) -> int:
    """Every check, printed to ``stream`` (stdout); 0 when all that apply pass, else 1."""
    from paperbot.doctor.config_check import check_config

    report = Report(stream or sys.stdout)
    check, config = check_config(config_path)
    report.show(check)
    if config is None:
        report.line()
        report.line("The other checks need the config: fix it, then run `paperbot doctor` again.")
        return 1
    from paperbot.doctor.data_folder import check_data_folder
    from paperbot.doctor.database import check_database
    from paperbot.doctor.embedding import check_embedding
    from paperbot.doctor.migrations import check_migrations
    from paperbot.doctor.sources import check_arxiv, check_huggingface

    report.show(check_data_folder(config))
    database, reached = await check_database(config)
    report.show(database)
    report.show(await check_migrations(reached))
    report.show(await check_embedding(config))
    report.show(await check_huggingface(config))
    for arxiv in await check_arxiv(config):
        report.show(arxiv)
    nothing_to_run = not (config.discord_enabled or config.slack_enabled)
    if config.discord_enabled:
        from paperbot.doctor.discord_token import check_discord

        report.show(await check_discord(config))
    if config.slack_enabled:
        from paperbot.doctor.slack_tokens import check_slack

        for slack in await check_slack(config):
            report.show(slack)
    if nothing_to_run:
        report.show(Check.skip("chat platforms", "none configured (no [discord] token, no [slack] bot_token)"))
    report.line()
    failures = report.failures
    if failures:
        count = len(failures)
        report.line(f"{counted(count, 'check')} failed: fix {plural(count, 'it', 'them')} as said above, "
                    "then run `paperbot doctor` again.")
    else:
        report.line("Every check passed." + (" `paperbot run` has no chat platform to start yet:" if nothing_to_run else ""))
    if nothing_to_run:
        from paperbot.commands.run import NOTHING_CONFIGURED

        # what to configure to run: `paperbot run`'s own words, without its first paragraph
        report.line(NOTHING_CONFIGURED.split("\n\n", 1)[-1].rstrip("\n"))
    return 1 if failures else 0


def doctor(config_path: str | None, *, log_level: str | None = None, log_format: str | None = None) -> int:
    """The command: quiet logs (the report says everything), then :func:`run_doctor`."""
    from paperbot.logs import setup_logging

    setup_logging(log_level or "ERROR", "json" if log_format == "json" else "text")
    try:
        return asyncio.run(run_doctor(config_path))
    except KeyboardInterrupt:
        return 130
