"""The `/papers …` command language, declared once for every surface.

Each subcommand is one declaration (``bot.commands.spec.command``): its parameters, help and who
may run it. The text parser (Slack, the console), the help and the Discord options are all made
from the declarations. Importing this package registers every subcommand; help order is the
declared ``order``, not import order.
"""
from bot.calendar import parse_week
from bot.commands import (  # noqa: F401
    digest,
    discussion,
    feed,
    helptext,
    paper,
    personal,
    saved,
    schedule,
    stats,
    subscription,
    taste,
    tune,
    why,
)
from bot.commands.digest import TodayCommand, WeekCommand
from bot.commands.helptext import HelpCommand, command_help, help_text
from bot.commands.paper import PaperCommand
from bot.commands.params import parse_time, parse_timezone
from bot.commands.parser import parse_command
from bot.commands.spec import REGISTRY, Command, CommandSpec, command, spec_of, specs, unregister
from bot.commands.subscription import SubscribeCommand, UnsubscribeCommand
from bot.domain import MAX_COUNT

__all__ = [
    "MAX_COUNT", "REGISTRY", "Command", "CommandSpec", "HelpCommand", "PaperCommand", "SubscribeCommand",
    "TodayCommand", "UnsubscribeCommand", "WeekCommand", "command", "command_help", "help_text", "parse_command",
    "parse_time", "parse_timezone", "parse_week", "spec_of", "specs", "unregister",
]
