"""The kinds of value a `/papers` parameter takes: how each is typed, recognised, bounded and explained.

A :class:`ParamType` knows, once, everything every surface needs about a value: the placeholder
shown in usage lines, what is accepted (in words, for help and errors), the typed value a platform
may pass (Discord's integer, number, boolean or string options, with bounds, choices and
suggestions for autocomplete), whether a bare word looks like it (so the text parser can place
it), and how to parse and bound it. Every bad value raises :class:`UsageError` naming what was
typed and what is accepted; nothing is silently dropped or let through unbounded.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import Enum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId, parse_arxiv_id, try_parse_arxiv_id
from bot.calendar import DAY_RE, WEEK_RE, parse_day, parse_week
from bot.commands.zone_abbreviations import abbreviation_hint, is_abbreviation
from bot.domain import MAX_COUNT
from bot.errors import UsageError
from bot.scheduling.schedule import DAY_NAMES, parse_weekdays
from bot.taste.author_match import author_key
from bot.text import clean_text, shorten

T = TypeVar("T")

MAX_WORD = 40  # how much of a bad value an error message repeats
MAX_SUGGESTIONS = 25  # Discord's limit for autocomplete answers and choices

_ASCII_DIGITS = re.compile(r"[0-9]{1,6}")
_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,6}(?:\.\d{0,6})?|\.\d{1,6})$")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")
_CLEAR = ("", "none", "off")


def either(words: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def shown(text: object) -> str:
    """A value typed by someone, as an error message may repeat it: cleaned and short."""
    return shorten(clean_text(str(text), typed=True), MAX_WORD)


class ValueKind(str, Enum):
    """The typed value a platform passes for a parameter (Discord option types)."""

    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT = "text"


class ParamType(Generic[T]):
    """Base of every parameter type. Subclasses set the class attributes and override ``parse``."""

    placeholder: str = "value"  # in usage lines: count, YYYY-MM-DD, HH:MM
    accepts: str = "a value"  # what is accepted, in words
    noun: str = "a value"  # what a bare word of it looks like, short ("a time (HH:MM)")
    kind: ValueKind = ValueKind.TEXT
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200  # characters of text a surface may send for it
    greedy: bool = False  # takes the words nothing else took (a query, a question, a paper)
    suggests: bool = False  # ``suggest`` helps while typing (Discord autocomplete)

    @property
    def choices(self) -> tuple[str, ...]:
        """A closed set of values (Discord shows them as choices)."""
        return ()

    def matches(self, word: str) -> bool:
        """Whether a bare word (no ``name:``) looks like this type, so the text parser can place it."""
        return False

    def parse(self, text: str, name: str) -> T:
        raise NotImplementedError

    def parse_words(self, words: Sequence[str], name: str) -> T:
        """The value from the leftover words (greedy types); by default exactly one word."""
        if len(words) != 1:
            raise UsageError(f"give one {self.placeholder} for {name}, not {len(words)} words")
        return self.parse(words[0], name)

    def coerce(self, value: object, name: str) -> T:
        """A typed value a platform passed (Discord options): checked like typed text."""
        if isinstance(value, str):
            return self.parse(value, name)
        return self.parse(str(value), name)

    def suggestions(self, typed: str) -> list[str]:
        """Completions for what someone has typed so far, read as they see it (the way a command is:
        no invisible characters, full-width folded) — what a platform's autocomplete calls."""
        return self.suggest(clean_text(typed, typed=True))

    def suggest(self, typed: str) -> list[str]:
        """Completions for ``typed`` (already read as seen); none by default."""
        return [c for c in self.choices if c.startswith(typed.strip().lower())][:MAX_SUGGESTIONS]

    def near(self, word: str) -> str | None:
        """A value close to a word no parameter took (a misspelt city → its zone), for a "did you mean"."""
        return None


class Count(ParamType[int]):
    kind = ValueKind.INTEGER
    suggests = True
    SUGGESTIONS = (3, 5, 10, 15, 20, 25)

    def __init__(self, maximum: int = MAX_COUNT, placeholder: str = "count") -> None:
        self.minimum, self.maximum, self.placeholder = 1, maximum, placeholder
        self.accepts = f"a whole number from 1 to {maximum}"
        self.noun = f"a count (1–{maximum})"

    def matches(self, word: str) -> bool:
        return bool(_ASCII_DIGITS.fullmatch(word))

    def parse(self, text: str, name: str) -> int:
        text = text.strip()
        if not _ASCII_DIGITS.fullmatch(text) or not 1 <= int(text) <= int(self.maximum or MAX_COUNT):
            raise UsageError(f"{name} '{shown(text)}' is not accepted: give {self.accepts}.")
        return int(text)

    def coerce(self, value: object, name: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return self.parse(str(value), name)
        return super().coerce(value, name)

    def suggest(self, typed: str) -> list[str]:
        return [str(n) for n in self.SUGGESTIONS if str(n).startswith(typed.strip())]


class Day(ParamType[date]):
    noun = "a date (YYYY-MM-DD)"
    placeholder = "YYYY-MM-DD"
    accepts = "a date as YYYY-MM-DD, e.g. 2025-11-07"
    max_length = 10

    def matches(self, word: str) -> bool:
        return bool(DAY_RE.match(word))

    def parse(self, text: str, name: str) -> date:
        return parse_day(text)


class Week(ParamType[str]):
    noun = "an ISO week (YYYY-Www)"
    placeholder = "YYYY-Www"
    accepts = "an ISO week as YYYY-Www, e.g. 2025-W45"
    max_length = 10

    def matches(self, word: str) -> bool:
        return bool(WEEK_RE.match(word))

    def parse(self, text: str, name: str) -> str:
        return parse_week(text)


class TimeOfDay(ParamType[time]):
    noun = "a time (HH:MM)"
    suggests = True
    placeholder = "HH:MM"
    accepts = "a time of day as HH:MM in 24-hour form (e.g. 09:00) or 9am"
    max_length = 8

    def matches(self, word: str) -> bool:
        """A bare word is a time only with a colon or am/pm ('9' alone is a count)."""
        return bool(_TIME_RE.match(word)) and (":" in word or word.lower().endswith(("am", "pm")))

    def parse(self, text: str, name: str) -> time:
        return parse_time(text)

    def suggest(self, typed: str) -> list[str]:
        times = [f"{h:02d}:00" for h in range(24)] + ["08:30", "09:30"]
        return [t for t in sorted(set(times)) if t.startswith(typed.strip())][:MAX_SUGGESTIONS]


def parse_time(text: str) -> time:
    """'09:00', '9', '9am', '18:30' → time; rejects anything else with the accepted forms."""
    match = _TIME_RE.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = (match.group(3) or "").lower()
        if meridiem and 1 <= hour <= 12:
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        elif meridiem:
            hour = -1
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    raise UsageError(f"'{shown(text)}' is not a time of day: use HH:MM in 24-hour form (e.g. 09:00) or 9am.")


COMMON_TIMEZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo",
    "Asia/Singapore", "Australia/Sydney",
)
_ALL_TIMEZONES = sorted(available_timezones())
_ZONES_BY_LOWER = {zone.lower(): zone for zone in _ALL_TIMEZONES}


class Timezone(ParamType[str]):
    noun = "a timezone (Area/City)"
    suggests = True
    placeholder = "Area/City"
    accepts = "an IANA timezone like Europe/Berlin, America/New_York, Asia/Tokyo or UTC"
    max_length = 64

    def matches(self, word: str) -> bool:
        """'Europe/Berlin', 'UTC', any other IANA name ('CET', 'GB') — and a bare city ('Berlin') or an
        abbreviation ('EST'), so the error can suggest its zone."""
        return ("/" in word or word.upper() in ("UTC", "GMT", "Z") or word.lower() in _ZONES_BY_LOWER
                or is_abbreviation(word) or _city_key(word) in _ZONES_BY_CITY)

    def parse(self, text: str, name: str) -> str:
        return parse_timezone(text)

    def suggest(self, typed: str) -> list[str]:
        """Zones starting with, then containing, what was typed ("new york" finds America/New_York)."""
        needle = typed.strip().lower()
        if not needle:
            return list(COMMON_TIMEZONES)
        keys = {needle, needle.replace(" ", "_")}
        starts = [z for z in _ALL_TIMEZONES if any(z.lower().startswith(k) or _city_key(z).startswith(k) for k in keys)]
        inside = [z for z in _ALL_TIMEZONES if any(k in z.lower() for k in keys) and z not in starts]
        return [z for z in starts + inside if not is_abbreviation(z)][:MAX_SUGGESTIONS]

    def near(self, word: str) -> str | None:
        close = [z for z in timezone_guesses(word, cutoff=0.8) if z.lower() != word.strip().lower()]
        return close[0] if close else None


def _city_key(text: str) -> str:
    """The city part of a zone or of what was typed, compared as zoneinfo spells it: 'new york' → 'new_york'."""
    return "_".join(text.strip().rsplit("/", 1)[-1].lower().split())


_GUESSABLE = [z for z in _ZONES_BY_LOWER if not is_abbreviation(z)]  # EST is refused: never suggested
_ZONES_BY_CITY: dict[str, list[str]] = {}
for _zone in _ALL_TIMEZONES:
    if "/" in _zone and not _zone.startswith(("Etc/", "SystemV/")):
        _ZONES_BY_CITY.setdefault(_city_key(_zone), []).append(_zone)


def timezone_guesses(typed: str, *, cutoff: float = 0.6) -> list[str]:
    """Zones someone may have meant: the city part matched exactly (case and spaces aside), else by
    spelling (difflib), best first, at most three."""
    key = _city_key(typed)
    if not key:
        return []
    exact = _ZONES_BY_CITY.get(key, [])
    if exact:
        return sorted(exact, key=lambda z: (z not in COMMON_TIMEZONES, len(z)))[:3]
    by_name = difflib.get_close_matches(typed.strip().lower(), _GUESSABLE, n=2, cutoff=cutoff)
    if by_name:
        return [_ZONES_BY_LOWER[z] for z in by_name]
    cities = difflib.get_close_matches(key, list(_ZONES_BY_CITY), n=2, cutoff=cutoff)
    return [_ZONES_BY_CITY[c][0] for c in cities]


def parse_timezone(text: str) -> str:
    """An IANA timezone name, case-insensitively matched (e.g. 'europe/berlin' → 'Europe/Berlin');
    anything else is refused with the zones it may have meant."""
    name = text.strip()
    if name.upper() in ("UTC", "Z", "GMT"):
        return "UTC"
    hint = abbreviation_hint(name)
    if hint is not None:
        raise UsageError(hint)
    if name.lower() in _ZONES_BY_LOWER:
        return _ZONES_BY_LOWER[name.lower()]
    try:
        if len(name) <= 64:
            ZoneInfo(name)
            return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    guesses = [z for z in timezone_guesses(name) if z.lower() != name.lower()]
    hint = f" Did you mean {either(guesses)}?" if guesses else ""
    raise UsageError(f"'{shown(name)}' is not a time zone.{hint} Use an IANA name such as Europe/Paris, "
                     "America/New_York or UTC.")


class Flag(ParamType[bool]):
    """A switch: a bare word turns it on (``mine``), another may turn it off (``daily`` for ``weekly``)."""

    kind = ValueKind.BOOLEAN

    def __init__(self, on: Sequence[str], off: Sequence[str] = ()) -> None:
        self.on, self.off = tuple(on), tuple(off)
        self.placeholder = "|".join(self.on + self.off)
        self.accepts = f"the word {' or '.join(self.on + self.off)}, or true/false"
        self.noun = f"the word {' or '.join(self.on + self.off)}"

    def matches(self, word: str) -> bool:
        return word.lower() in self.on + self.off

    def parse(self, text: str, name: str) -> bool:
        word = text.strip().lower()
        if word in self.on or word in _TRUE:
            return True
        if word in self.off or word in _FALSE:
            return False
        raise UsageError(f"{name} '{shown(text)}' is not accepted: give {self.accepts}.")

    def coerce(self, value: object, name: str) -> bool:
        if isinstance(value, bool):
            return value
        return super().coerce(value, name)


class Choice(ParamType[str]):
    """One word of a closed set (``me|channel``, ``on|off``)."""

    def __init__(self, options: Sequence[str], aliases: dict[str, str] | None = None) -> None:
        self.options = tuple(options)
        self.aliases = dict(aliases or {})
        self.placeholder = "|".join(self.options)
        self.accepts = f"one of {', '.join(self.options)}"
        self.noun = f"one of {', '.join(self.options)}"
        self.max_length = max(len(o) for o in self.options) + 8

    @property
    def choices(self) -> tuple[str, ...]:
        return self.options

    def _normal(self, word: str) -> str:
        text = word.strip().lower().replace("-", "_")
        return self.aliases.get(text, text)

    def matches(self, word: str) -> bool:
        return self._normal(word) in self.options

    def parse(self, text: str, name: str) -> str:
        value = self._normal(text)
        if value not in self.options:
            raise UsageError(f"{name} must be one of {', '.join(self.options)}, not '{shown(text)}'")
        return value


class Paper(ParamType[ArxivId]):
    noun = "a paper (arXiv id or URL)"
    placeholder = "<arXiv id or URL>"
    accepts = ACCEPTED_FORMS
    greedy = True
    max_length = 300

    def matches(self, word: str) -> bool:
        return try_parse_arxiv_id(word) is not None

    def parse(self, text: str, name: str) -> ArxivId:
        return parse_arxiv_id(text)

    def parse_words(self, words: Sequence[str], name: str) -> ArxivId:
        if len(words) != 1:
            raise UsageError(f"give exactly one paper, not {len(words)} words. Accepted: {ACCEPTED_FORMS}.")
        return self.parse(words[0], name)


class Text(ParamType[str]):
    """Free text: the words nothing else took (a search query, a question, an author's name)."""

    greedy = True

    def __init__(self, placeholder: str = "text", *, max_length: int = 500, accepts: str | None = None) -> None:
        self.placeholder = placeholder
        self.max_length = max_length
        self.accepts = accepts or f"text of at most {max_length} characters"

    def parse(self, text: str, name: str) -> str:
        value = " ".join(clean_text(text).split())
        if not value:
            raise UsageError(f"{name} is empty: give {self.accepts}.")
        if len(value) > self.max_length:
            raise UsageError(f"{name} is {len(value)} characters long: give {self.accepts}.")
        return value

    def parse_words(self, words: Sequence[str], name: str) -> str:
        return self.parse(" ".join(words), name)


class Question(Text):
    """A question (`/papers ask`): free text that says something. Quotes are kept as typed (the
    command is read raw), so ``""`` or ``" ? "`` arrives as text without a single word in it."""

    def parse(self, text: str, name: str) -> str:
        value = super().parse(text, name)
        if not any(c.isalnum() for c in value):
            raise UsageError(f"{name} is empty ('{shown(value)}' has no words): give {self.accepts}.")
        return value


AUTHOR_ACCEPTS = ("an author's name as arXiv lists it: letters of any script, spaces, hyphens, apostrophes, dots, "
                  "digits, commas and parentheses, e.g. Ada Lovelace, Jean-Luc O'Neil or John Smith (MIT)")
_AUTHOR_RULE = ("names have letters of any script, spaces, hyphens, apostrophes, dots, digits, commas and "
                "parentheses, e.g. J.-P. Müller or John Smith (MIT); not mentions, web addresses or markup")
# What a name holds besides letters, marks and digits: O'Neil, O’Neil, Jean-Luc, J. R., Smith, J., Smith (MIT).
_NAME_MARKS = frozenset(" -'.,()\u2019\u2010\u2011")
# A web address inside a name: a host's dot then a lower-case or a common top-level domain (evil.example,
# www.x.COM); a dot before a capital is an initial (J.Smith), which a chat app does not link.
_HOST_RE = re.compile(r"[A-Za-z0-9-]\.(?:[a-z]{2,}|(?i:com|org|net|edu|gov|io|ai|co|me|gg|dev|app|xyz|info))(?![A-Za-z])")


def author_name(value: str, name: str) -> str:
    """``value`` when it reads as an author's name, else a UsageError saying what a name is: a mention
    (@everyone, <@U1>, <!here>), a URL or markup is not one, and would be stored and shown as one. A
    name needs a letter outside its parentheses: "(MIT)" alone names no one (and would match everyone)."""
    allowed = all(c.isalpha() or c.isdecimal() or unicodedata.category(c).startswith("M") or c in _NAME_MARKS
                  for c in value)
    if not allowed or not any(c.isalpha() for c in author_key(value)) or _HOST_RE.search(value):
        raise UsageError(f"{name} '{shown(value)}' is not an author's name: {_AUTHOR_RULE}.")
    return value


class Author(Text):
    """One author's name (`/papers follow`), checked by :func:`author_name`."""

    def __init__(self) -> None:
        super().__init__('"Name"', max_length=200, accepts=f"{AUTHOR_ACCEPTS}, at most 200 characters")

    def parse(self, text: str, name: str) -> str:
        return author_name(super().parse(text, name), name)


class Number(ParamType[float]):
    """A finite decimal number within bounds (infinities, NaN and 1e309 are refused; -0 is 0)."""

    kind = ValueKind.NUMBER

    def __init__(self, minimum: float, maximum: float, example: str) -> None:
        self.minimum, self.maximum, self.placeholder = minimum, maximum, example
        self.accepts = f"a number from {minimum:g} to {maximum:g}, e.g. {example}"

    def parse(self, text: str, name: str) -> float:
        raw = text.strip()
        number = float(raw) if _NUMBER_RE.match(raw) else math.nan
        if not math.isfinite(number):
            raise UsageError(f"{name} must be {self.accepts}, not '{shown(text)}'")
        if not (self.minimum or 0.0) <= number <= (self.maximum or 0.0):
            raise UsageError(f"{name} must be between {self.minimum:g} and {self.maximum:g}, not {shown(raw)}")
        return number + 0.0  # -0.0 → 0.0

    def coerce(self, value: object, name: str) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(float(value)):
                raise UsageError(f"{name} must be {self.accepts}, not '{value}'")
            return self.parse(repr(float(value)) if abs(float(value)) >= 1e-6 else "0", name)
        return super().coerce(value, name)


class Clearable(ParamType[T | None]):
    """``inner``, or ``off``/``none`` to clear a setting (the value None)."""

    def __init__(self, inner: ParamType[T]) -> None:
        self.inner = inner
        self.placeholder = inner.placeholder
        self.accepts = f"{inner.accepts}, or off"
        self.kind = ValueKind.TEXT  # a platform cannot type "off" as a number
        self.suggests = True
        self.max_length = max(inner.max_length, 4)

    def parse(self, text: str, name: str) -> T | None:
        if text.strip().lower() in _CLEAR:
            return None
        return self.inner.parse(text, name)

    def suggest(self, typed: str) -> list[str]:
        return [s for s in ["off", *self.inner.suggest(typed)] if s.startswith(typed.strip().lower())]


class Items(ParamType[tuple[str, ...]]):
    """A comma-separated list (keywords, topics, author names), each item and the count bounded."""

    def __init__(self, placeholder: str, *, max_items: int = 20, max_item_length: int = 100) -> None:
        self.placeholder = placeholder
        self.max_items, self.max_item_length = max_items, max_item_length
        self.accepts = f"up to {max_items} comma-separated items of at most {max_item_length} characters"
        self.max_length = max_items * (max_item_length + 2)

    def parse(self, text: str, name: str) -> tuple[str, ...]:
        items = tuple(dict.fromkeys(" ".join(clean_text(t).split()) for t in text.split(",") if t.strip()))
        if len(items) > self.max_items or any(len(i) > self.max_item_length for i in items):
            raise UsageError(f"{name}: give {self.accepts}.")
        return items


class Authors(Items):
    """Comma-separated author names (`include_authors`, `exclude_authors`), each checked by :func:`author_name`."""

    def __init__(self) -> None:
        super().__init__("Name")
        self.accepts = f"up to {self.max_items} comma-separated names; each is {AUTHOR_ACCEPTS}"

    def parse(self, text: str, name: str) -> tuple[str, ...]:
        return tuple(author_name(item, name) for item in super().parse(text, name))


class Weekdays(ParamType[frozenset[int]]):
    noun = "weekdays (mon-fri, daily, weekends)"
    suggests = True
    placeholder = "mon-fri"
    accepts = "days like mon-fri, daily, weekdays, weekends or mon,wed,fri"
    max_length = 40

    def matches(self, word: str) -> bool:
        try:
            _weekdays(word)
        except UsageError:
            return False
        return True

    def parse(self, text: str, name: str) -> frozenset[int]:
        return _weekdays(text)

    def suggest(self, typed: str) -> list[str]:
        return [o for o in ("mon-fri", "daily", "mon,wed,fri", "tue,thu", "weekends") if o.startswith(typed.strip().lower())]


def _weekdays(text: str) -> frozenset[int]:
    return parse_weekdays(text[:MAX_WORD])  # the schedule owns what a set of days means


class Weekday(ParamType[int]):
    noun = "a weekday (mon … sun)"
    placeholder = "day"
    accepts = "a weekday: mon, tue, wed, thu, fri, sat or sun"

    @property
    def choices(self) -> tuple[str, ...]:
        return DAY_NAMES

    def matches(self, word: str) -> bool:
        return word.isalpha() and word[:3].lower() in DAY_NAMES and len(word) <= 9

    def parse(self, text: str, name: str) -> int:
        word = text.strip().lower()
        if not self.matches(word):
            raise UsageError(f"'{shown(text)}' is not a weekday (mon … sun)")
        return DAY_NAMES.index(word[:3]) + 1


@dataclass(frozen=True)
class Param:
    """One parameter of a subcommand, declared once for every surface.

    ``name`` is the Discord option and the text key (``name:value`` / ``name=value``; ``keys`` adds
    more); ``field`` the command's attribute it fills (default: ``name``). A ``positional`` param
    may be given as a bare word its type recognises. ``missing`` words the error for a required one.
    """

    name: str
    type: ParamType[Any]
    help: str
    required: bool = False
    positional: bool = True
    keys: tuple[str, ...] = ()
    field: str | None = None
    missing: str | None = None

    @property
    def attribute(self) -> str:
        return self.field or self.name

    def usage(self) -> str:
        """How this parameter shows in a usage line."""
        if self.positional:
            text = self.type.placeholder
            if self.required:
                return text if text.startswith("<") else f"<{text}>"
            return f"[{text.strip('<>')}]" if text.startswith("<") else f"[{text}]"
        value = self.type.placeholder
        if isinstance(self.type, Items):
            value = f'"{value}"'
        return f"[{self.name}:{value}]"
