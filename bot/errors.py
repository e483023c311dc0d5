"""One root for every error the core raises, so adapters can turn any of them into words.

Each error carries a message written for a person: what was wrong and what is accepted.
"""
from __future__ import annotations

from enum import Enum


class PaperbotError(Exception):
    """Root of all paperbot errors. ``str(err)`` is safe to show to a user."""


class UsageError(PaperbotError):
    """A command or argument a user typed is not valid; the message says what is accepted."""


class NotFoundError(PaperbotError):
    """Something the user asked for (a paper, a post, a subscription) does not exist."""


class PermissionDeniedError(PaperbotError):
    """The user may not do this here (e.g. subscribe a channel without managing it)."""


class ConfigError(PaperbotError):
    """The configuration file or environment holds a wrong key, type or value."""


_AGAIN = "try again in a minute, and if it keeps failing, tell whoever runs the bot."  # a passing outage's advice


class StoreUnavailableError(PaperbotError):
    """The database cannot be used right now (unreachable, locked, read-only, full, its file gone).

    Nothing was stored: the event that needed it must stay unacknowledged or be kept for retry.
    ``str()`` is for people; ``detail`` (the cause, for logs and operators) is never shown in chat."""

    PEOPLE = f"The bot's database is unavailable for a moment; {_AGAIN}"

    def __init__(self, detail: str) -> None:
        super().__init__(self.PEOPLE)
        self.detail = detail


class StoreSchemaError(StoreUnavailableError):
    """The database lacks a table or column this paperbot needs (dropped, or a half-restored backup):
    permanent until someone repairs it, so it is not worded as a passing outage. Still a
    StoreUnavailableError: nothing was stored, and the event is kept for after the repair.
    ``missing`` names what is missing ("table feed_tokens")."""

    def __init__(self, missing: str, detail: str) -> None:
        self.detail = detail
        self.missing = missing
        PaperbotError.__init__(self, store_words(self, "this could not be done"))


class ModelWarmingUpError(PaperbotError):
    """A command needs the embedding model, which is still loading after start-up (seconds): answered at
    once instead of making the person wait. Background work (scheduled digests) waits for it instead."""

    PEOPLE = "The ranking model is warming up — try again in a few seconds."

    def __init__(self) -> None:
        super().__init__(self.PEOPLE)


class SourceError(PaperbotError):
    """A paper source could not be reached or answered with something unusable."""


class DeliveryError(PaperbotError):
    """Posting to a chat platform failed. Adapters raise the subclass that says what to do next."""


class RateLimitedError(DeliveryError):
    """The platform said "slow down": wait ``retry_after`` seconds, then try again."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChannelUnavailableError(DeliveryError):
    """Permanent for this channel (gone, bot removed, missing permission): pause its subscription.

    ``str()`` is for people (it becomes the pause reason ``/papers schedule`` shows: see
    :mod:`bot.scheduling.unreachable`); ``detail`` (the platform's code, for logs) is never shown in chat."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


class TransientDeliveryError(DeliveryError):
    """A passing failure (5xx, timeout, connection): retry with backoff."""


class RejectedMessageError(DeliveryError):
    """The platform refused the message itself, not the channel (Slack ``invalid_blocks``, Discord's
    invalid form body): a bug in what we rendered. Neither retried as is nor a reason to pause the
    channel; logged loudly so it is fixed."""


class PartiallySentError(DeliveryError):
    """A publication was cut short: ``message_ids`` (aligned with its items, ``""`` = not sent) and
    ``root_id`` say what did go out, ``cause`` why the rest did not. What went out is recorded."""

    def __init__(self, cause: DeliveryError, root_id: str, message_ids: tuple[str, ...]) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.root_id = root_id
        self.message_ids = message_ids


class Failure(Enum):
    """What kind of failure a person is told about, whatever the platform (each adapter words it)."""

    STORE_DOWN = "store_down"  # the database is away for a moment: worded by store_words
    REJECTED = "rejected"  # the platform refused the message itself
    CANNOT_POST = "cannot_post"  # the bot may not post there (removed, archived, no permission)
    RATE_LIMITED = "rate_limited"  # the platform asked to slow down
    PLATFORM_DOWN = "platform_down"  # the platform failed or could not be reached
    NOT_ALLOWED = "not_allowed"  # a manager's command from someone else: the core's words, and who may
    OWN_WORDS = "own_words"  # the person's mistake, a "not found", a broken schema: the core's own words are the answer


def failure_of(exc: PaperbotError) -> Failure:
    """Classify a failed command once, for every adapter (they differ only in words)."""
    if isinstance(exc, StoreSchemaError):  # not "for a moment": the core's words say who must do what
        return Failure.OWN_WORDS
    if isinstance(exc, StoreUnavailableError):
        return Failure.STORE_DOWN
    if isinstance(exc, RejectedMessageError):
        return Failure.REJECTED
    if isinstance(exc, ChannelUnavailableError):
        return Failure.CANNOT_POST
    if isinstance(exc, RateLimitedError):
        return Failure.RATE_LIMITED
    if isinstance(exc, DeliveryError):
        return Failure.PLATFORM_DOWN
    if isinstance(exc, PermissionDeniedError):
        return Failure.NOT_ALLOWED
    return Failure.OWN_WORDS


def store_words(exc: StoreUnavailableError, outcome: str = "", *, name_missing: bool = True) -> str:
    """How a database failure is told to people, the one rule every adapter and the feed server follow:
    a missing table or column needs repair (no wait fixes it, so it is never "for a moment"); anything
    else passes ("try again in a minute"). ``outcome`` says what it meant for them ("your click was not
    recorded"); ``name_missing=False`` for the public (a feed reader): no table names."""
    so = f", so {outcome}" if outcome else ""
    if isinstance(exc, StoreSchemaError):
        what = f": it is missing {exc.missing}" if name_missing else ""
        return (f"The bot's database needs repair{what}{so}, and waiting will not fix it. "
                "Whoever runs the bot should run `paperbot doctor`.")
    return f"The bot's database is unavailable for a moment{so}; {_AGAIN}"
