"""The `/papers …` command language, parsed once for every surface.

The console and Slack hand the raw text after ``/papers``; Discord builds the same
command objects from its typed options. A bad argument raises UsageError naming the
argument and what is accepted — nothing the user typed is silently dropped.
Importing this package registers every subcommand (order = order in help).
"""
from bot.commands.args import MAX_COUNT, parse_count, parse_day, parse_time, parse_timezone, parse_week
from bot.commands.base import REGISTRY, Command, CommandSpec, specs
from bot.commands.digest import TodayCommand, WeekCommand
from bot.commands.paper import PaperCommand
from bot.commands.subscription import SubscribeCommand, UnsubscribeCommand
from bot.commands.taste import (  # noqa: F401  (registers like, follow, settings, prefs, forget, similar, search)
    ForgetCommand, LikeCommand, SearchCommand, SimilarCommand,
)
from bot.commands.schedule import ScheduleCommand  # noqa: F401  (registers /papers schedule)
from bot.commands.personal import DmCommand, RecapCommand  # noqa: F401  (registers /papers dm, /papers recap)
from bot.commands.discussion import AskCommand  # noqa: F401  (registers /papers ask)
from bot.commands.help import HelpCommand, help_text  # noqa: E402  (registered last: listed last)
from bot.commands.parser import parse_command

__all__ = [
    "MAX_COUNT", "REGISTRY", "Command", "CommandSpec", "HelpCommand", "PaperCommand", "SubscribeCommand",
    "TodayCommand", "UnsubscribeCommand", "WeekCommand", "help_text", "parse_command", "parse_count",
    "parse_day", "parse_time", "parse_timezone", "parse_week", "specs",
]
