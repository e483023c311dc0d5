"""`paperbot …`: demo, fetch, digest, db upgrade, run, doctor.

Every command reads the same configuration (``--config`` or ``$PAPERBOT_CONFIG``) and
turns any PaperbotError into one readable line and a non-zero exit code.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.calendar import parse_day, parse_week
from bot.config import Config, load_config
from bot.domain import MAX_COUNT
from bot.errors import ConfigError, PaperbotError, UsageError
from bot.taste.backend_names import BACKENDS
from paperbot.bench import LISTINGS_HELP
from paperbot.logs import setup_logging

_log = logging.getLogger("paperbot")


def _month(text: str) -> str:
    import re

    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a month: use YYYY-MM, e.g. 2025-11")
    return text


T = TypeVar("T")


def _count(text: str) -> int:
    """``--count``: the chat command's bound and words (1 to MAX_COUNT), not a second rule.
    (Imported here: bot.commands loads numpy, which `paperbot --help` has no need for.)"""
    from bot.commands.params import Count

    return Count().parse(text, "count")


def _arg(parser: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a core parser so argparse reports its UsageError text."""

    def convert(text: str) -> T:
        try:
            return parser(text)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parser.__name__
    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperbot", description="The research-paper bot for Discord and Slack.")
    parser.add_argument("--config", help="TOML config file (default: $PAPERBOT_CONFIG, else built-in defaults)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="overrides [logging] level")
    parser.add_argument("--log-format", choices=["text", "json"], help="one line per event as text or JSON (overrides [logging] format)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="try the bot in this terminal: no tokens, no network")
    demo.add_argument("--sample", help="a JSON file or folder in the HF daily-papers format (default: the bundled sample)")
    demo.add_argument("--db", help="database URL for the demo (default: demo.sqlite3 in the user data directory)")

    fetch = commands.add_parser("fetch", help="fetch papers from the sources into the store")
    when = fetch.add_mutually_exclusive_group()
    when.add_argument("--date", type=_arg(parse_day), help="YYYY-MM-DD (default: today, UTC)")
    when.add_argument("--week", type=_arg(parse_week), help="ISO week YYYY-Www (Hugging Face only)")
    when.add_argument("--month", type=_month, help="YYYY-MM (Hugging Face only)")
    fetch.add_argument("--source", choices=["hf", "arxiv", "all"], default="all")

    digest = commands.add_parser("digest", help="print the top papers of a day as a table")
    digest.add_argument("--date", type=_arg(parse_day), help="YYYY-MM-DD (default: the latest day with papers)")
    digest.add_argument("--count", type=_arg(_count), default=None,
                        help=f"how many papers, 1 to {MAX_COUNT} (default: [digest] count)")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the schema migrations (also done on every start)")

    run = commands.add_parser("run", help="run the bot on every platform that has credentials in the config")
    run.add_argument("--check", action="store_true", help="run the checks of `paperbot doctor`, then exit without starting")
    commands.add_parser("doctor", help="check the config, database, model, sources and chat tokens; say what to fix")

    discord_cmd = commands.add_parser("discord", help="Discord set-up helpers")
    discord_actions = discord_cmd.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    invite = discord_actions.add_parser("invite-url", help="print the OAuth2 URL that adds the bot to a server")
    invite.add_argument("--client-id", help="the Application ID (default: looked up with [discord] token)")

    embed = commands.add_parser("embed", help="embed stored papers that have no vector under the configured model")
    embed.add_argument("--db", help="database URL (default: the configured one)")

    bench = commands.add_parser("bench", help="benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCHMARK")
    taste = bench_commands.add_parser("taste", help="the online-digest taste benchmark (benchmarks/README.md)")
    taste.add_argument("--listings", required=True, metavar="DIR", help=LISTINGS_HELP)
    taste.add_argument("--seeds", type=int, default=3, help="how many seeds to average over (default: 3)")
    taste.add_argument("--json", action="store_true", help="print JSON instead of a table")
    taste.add_argument("--cache", metavar="DIR", help="embedding cache folder (default: ~/.cache/paperbot/bench)")
    taste.add_argument("--no-throughput", action="store_true", help="skip the embedding-throughput figure")
    taste.add_argument("--backend", choices=BACKENDS, default="sentence-transformers",
                       help="what embeds the listings (default: sentence-transformers, as the published figures)")
    taste.add_argument("--prior-pull", type=float, help="the topic prior's strength for this run (default: the ranking's)")
    taste.add_argument("--wider", action="store_true",
                       help="a larger sample for choosing settings: categories with >= 20 papers, all 6 day orders")
    taste.add_argument("--smooth", action="store_true",
                       help="smooth learned scores over the day's papers (label propagation; off in the product)")
    taste.add_argument("--variants", default="none",
                       help="rerun with one change each, as rows of their own: all, none, or a comma-separated "
                            "list of k3, flip20, reversed, two-categories (default: none)")
    taste.add_argument("--tune", type=int, metavar="N",
                       help="instead: rating N /papers tune candidates before day 1 against no tuning "
                            "(paperbot/bench/onboarding.py; benchmarks/README.md)")
    return parser


EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a Unix tool killed by SIGPIPE (`yes | head -1`)


def main(argv: Sequence[str] | None = None) -> int:
    """The exit code: 0 done, 1 failed, 2 a usage or configuration error, 130 Ctrl-C, 141 the reader of
    stdout left (``paperbot digest | head -1``: quiet, as a Unix tool, not a BrokenPipeError traceback)."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # a reader that left is met here, not in Python's exit (an "Exception ignored")
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE


def _stdout_to_devnull() -> None:
    """Nothing more reaches the closed pipe, so the interpreter's own final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout is not a file (a test's capture)
        pass


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "doctor" or (args.command == "run" and args.check):
        from paperbot.doctor import doctor  # before load_config: a config error is the doctor's first finding

        return doctor(args.config, log_level=args.log_level, log_format=args.log_format)
    try:
        config = load_config(args.config)
    except PaperbotError as exc:
        print(f"paperbot: {exc}", file=sys.stderr)
        return 2
    setup_logging(log_level(args.command, args.log_level, config), args.log_format or config.logging.format)
    from paperbot.blas import single_threaded_blas
    from paperbot.gc_policy import tune_gc

    single_threaded_blas()
    tune_gc()
    try:
        return asyncio.run(_dispatch(args, config))
    except (ConfigError, UsageError) as exc:  # what to change is in the message; nothing was attempted
        print(f"paperbot: {exc}", file=sys.stderr)
        return 2
    except PaperbotError as exc:
        print(f"paperbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def log_level(command: str, option: str | None, config: Config) -> str:
    """``--log-level``, else ``[logging] level`` when the config sets it, else the command's default: INFO
    for `paperbot run` (its start lines say what it serves), WARNING for a one-shot command, whose output
    says what it did. The demo stays at WARNING unless --log-level: its terminal is the chat."""
    if option:
        return option
    if command == "run" or (command != "demo" and "level" in config.logging.model_fields_set):
        return config.logging.level
    return "WARNING"


async def _dispatch(args: argparse.Namespace, config: Config) -> int:
    from paperbot import commands

    match args.command:
        case "demo":
            return await commands.demo(config, sample=args.sample, db_url=args.db)
        case "fetch":
            return await commands.fetch(config, day=args.date, week=args.week, month=args.month, source=args.source)
        case "digest":
            return await commands.digest(config, day=args.date, count=args.count)
        case "db":
            return await commands.db_upgrade(config)
        case "run":
            return await commands.run(config)
        case "discord":
            from paperbot.discord_runner import print_invite_url

            return await print_invite_url(config, args.client_id)
        case "embed":
            return await commands.embed(config, db_url=args.db)
        case "bench" if args.tune is not None:
            from paperbot.bench.onboarding import main as tune_main

            return await asyncio.to_thread(tune_main, args.listings, args.tune, seeds=args.seeds, as_json=args.json,
                                           cache_dir=args.cache, wider=args.wider, backend=args.backend)
        case "bench":
            from paperbot.bench.taste import main as taste_main

            return await asyncio.to_thread(
                taste_main, args.listings, seeds=args.seeds, as_json=args.json, cache_dir=args.cache,
                with_throughput=not args.no_throughput, prior_pull=args.prior_pull, wider=args.wider,
                variants=args.variants, smooth=args.smooth, backend=args.backend,
            )
    raise AssertionError(args.command)
