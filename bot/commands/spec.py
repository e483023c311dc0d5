"""A `/papers` subcommand, declared once: its parameters, its help, who may run it, what it needs.

A subcommand is a frozen dataclass (what the person asked) decorated with :func:`command`::

    @command("today", "top papers of the latest day (or that day)", order=10, params=(
        Param("mine", Flag(["mine"]), "ranked for you, from your reactions"),
        Param("count", Count(), "how many papers (1–25)"),
    ))
    @dataclass(frozen=True)
    class TodayCommand:
        mine: bool = False
        count: int | None = None

        async def execute(self, requester: Requester, digests: DigestUseCases) -> Reply: ...

From that one declaration come the text parser (Slack, the console: :mod:`bot.commands.parser`),
the help (:mod:`bot.commands.helptext`), the Discord options (``adapters.discord.commands``: typed,
with choices and autocomplete) and the error messages. ``execute`` receives the requester and,
by parameter name, the use cases it needs (:data:`SERVICES`) — never the whole bot.

Where a command's published answer goes is declared here too (``concerns_thread``): run inside a
place that belongs to another channel (a Discord forum post, where a forum's commands have to be
run), every command uses that channel's state, and one that publishes answers in the place itself.
"""
from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from bot.commands.params import Param
from bot.errors import UsageError
from bot.text import clean_text

# What a command's execute() may ask for, by parameter name (provided by bot.app.PaperBot).
SERVICES = frozenset({"digests", "papers", "subscriptions", "schedules", "personal", "discussions", "taste",
                      "saved", "feeds", "stats", "tune"})

DESCRIPTION_LIMIT = 100  # Discord's limit for a command's and an option's description


class Command(Protocol):
    """A parsed subcommand: ``execute(requester, **services) -> Reply``."""

    execute: Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class CommandSpec:
    """One declared subcommand.

    ``concerns_thread``: run inside a place that belongs to another channel (``Requester.belongs_to``:
    a Discord forum's post), whether the command's published answer goes to that place rather than
    to the channel. True for the commands that publish (a digest, a paper): they answer in the post.
    Either way the command runs with the channel's state — subscription and schedule, settings,
    taste (topic, seeds, follows, what it learned), "already seen", stats, feed — and what it
    publishes is recorded as the channel's, so reactions on it teach the channel (``PaperBot.handle``):
    a Discord forum's commands can only be run in its posts, and its digests read the forum's state
    only. (tests/core/test_declared_commands.py checks that every publishing command says so.)
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    command: type
    order: int
    aliases: tuple[str, ...] = ()
    # whether running it needs a channel manager: always, never, or depending on what was asked
    manages_channel: bool | Callable[[Any], bool] = False
    raw: bool = False  # free text: words split on whitespace only, taken in declared order
    build: Callable[[dict[str, Any]], Any] | None = None
    services: tuple[str, ...] = field(default=())
    # keys that are refused with a reason of their own (a channel setting given to the DM digest)
    refused: Mapping[str, str] = field(default_factory=dict)
    concerns_thread: bool = False  # run in a place of another channel: answers in the place (see above)

    @property
    def usage(self) -> str:
        """The one-line usage: ``/papers today [mine] [count] [YYYY-MM-DD] — top papers …``."""
        args = " ".join(p.usage() for p in self.params)
        return f"/papers {self.name}{' ' + args if args else ''} — {self.summary}"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def needs_manager(self, command: object) -> bool:
        rule = self.manages_channel
        return rule(command) if callable(rule) else bool(rule)

    def from_values(self, values: dict[str, Any]) -> Any:
        """The command from parsed values (by param name, in the order they were given)."""
        if self.build is not None:
            return self.build(values)
        by_attribute = {p.attribute: values[p.name] for p in self.params if p.name in values}
        return self.command(**by_attribute)

    def from_options(self, options: Mapping[str, object]) -> Any:
        """The command from a platform's typed options (Discord): each value checked by its type, no
        round trip through the text parser. ``None`` means the option was not given. A text value is
        read as it is seen (``clean_text(typed=True)``), as :func:`bot.commands.parser.parse_command`
        reads a line: a value typed or pasted into an autocompleted option may carry invisible characters."""
        values: dict[str, Any] = {}
        for name, value in options.items():
            param = self.param(name)
            if param is None:
                raise UsageError(f"'{name}' is not an option of /papers {self.name}: {self.usage}")
            if value is not None:  # typed text is read as it is seen, as the text parser reads it
                values[name] = param.type.coerce(clean_text(value, typed=True) if isinstance(value, str) else value, name)
        for param in self.params:
            if param.required and param.name not in values:
                raise UsageError(param.missing or f"{param.name} is missing: {self.usage}")
        return self.from_values(values)


REGISTRY: dict[str, CommandSpec] = {}  # by name and alias
_BY_TYPE: dict[type, CommandSpec] = {}

C = TypeVar("C", bound=type)


def command(
    name: str,
    summary: str,
    *,
    order: int,
    params: tuple[Param, ...] = (),
    aliases: tuple[str, ...] = (),
    manages_channel: bool | Callable[[Any], bool] = False,
    raw: bool = False,
    build: Callable[[dict[str, Any]], Any] | None = None,
    refused: Mapping[str, str] | None = None,
    concerns_thread: bool = False,
) -> Callable[[C], C]:
    """Declare and register a subcommand (see the module docstring). Checked at import: names are
    unique, every param fills a field, ``execute`` asks only for known services.

    ``concerns_thread``: run in a place that belongs to another channel, it answers in that place (only
    the commands that publish say so; see :class:`CommandSpec`)."""

    def register(cls: C) -> C:
        if len(summary) > DESCRIPTION_LIMIT or any(len(p.help) > DESCRIPTION_LIMIT for p in params):
            raise ValueError(f"/papers {name}: help lines must fit {DESCRIPTION_LIMIT} characters")
        execute = cls.__dict__.get("execute")
        if execute is None:
            raise TypeError(f"{cls.__name__} has no execute(self, requester, <services>)")
        if build is None:
            fields = {f.name for f in dataclasses.fields(cls)}
            stray = [p.name for p in params if p.attribute not in fields]
            if stray:
                raise TypeError(f"{cls.__name__} has no field for the parameters {stray}")
        signature = list(inspect.signature(execute).parameters)
        if signature[:2] != ["self", "requester"]:
            raise TypeError(f"{cls.__name__}.execute must take (self, requester, <services>)")
        wanted = tuple(signature[2:])
        unknown = set(wanted) - SERVICES
        if unknown:
            raise TypeError(f"{cls.__name__}.execute asks for unknown services {sorted(unknown)}; known: {sorted(SERVICES)}")
        spec = CommandSpec(name, summary, params, cls, order, aliases, manages_channel, raw, build, wanted, dict(refused or {}),
                           concerns_thread)
        for key in (name, *aliases):
            if key in REGISTRY:
                raise ValueError(f"command name {key!r} registered twice")
            REGISTRY[key] = spec
        _BY_TYPE[cls] = spec
        return cls

    return register


def unregister(name: str) -> None:
    """Remove a subcommand (tests that declare one of their own)."""
    spec = REGISTRY.pop(name)
    for alias in spec.aliases:
        REGISTRY.pop(alias, None)
    _BY_TYPE.pop(spec.command, None)


def specs() -> list[CommandSpec]:
    """Registered subcommands in their declared help order, without alias duplicates."""
    unique = {spec.name: spec for spec in REGISTRY.values()}
    return sorted(unique.values(), key=lambda s: (s.order, s.name))


def spec_of(command: object) -> CommandSpec:
    spec = _BY_TYPE.get(type(command))
    if spec is None:
        raise TypeError(f"{type(command).__name__} is not a registered /papers command")
    return spec
