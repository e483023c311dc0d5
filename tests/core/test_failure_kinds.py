"""A failed command is classified once in the core (``bot.errors.failure_of``); the adapters only word
each kind (Slack and Discord tests check the words)."""
from __future__ import annotations

import pytest

from bot.errors import (
    ChannelUnavailableError,
    Failure,
    NotFoundError,
    PaperbotError,
    PartiallySentError,
    PermissionDeniedError,
    RateLimitedError,
    RejectedMessageError,
    StoreUnavailableError,
    TransientDeliveryError,
    UsageError,
    failure_of,
)


@pytest.mark.parametrize(("error", "kind"), [
    (StoreUnavailableError("connection refused"), Failure.STORE_DOWN),
    (RejectedMessageError("invalid_blocks"), Failure.REJECTED),
    (ChannelUnavailableError("not_in_channel"), Failure.CANNOT_POST),
    (RateLimitedError("slow down", 3.0), Failure.RATE_LIMITED),
    (TransientDeliveryError("HTTP 503"), Failure.PLATFORM_DOWN),
    (PartiallySentError(TransientDeliveryError("HTTP 503"), "1", ("1", "")), Failure.PLATFORM_DOWN),
    (PermissionDeniedError("only managers may change this"), Failure.NOT_ALLOWED),
    (UsageError("`/papers todya` isn't a command."), Failure.OWN_WORDS),
    (NotFoundError("no paper 2511.99999"), Failure.OWN_WORDS),
])
def test_each_error_is_one_kind_of_failure(error: PaperbotError, kind: Failure) -> None:
    assert failure_of(error) is kind
